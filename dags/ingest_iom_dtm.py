"""
### IOM DTM: internally displaced persons

Fetches IOM's Displacement Tracking Matrix API v3: IDPs present by DTM operation,
round and displacement reason at country (admin0), admin1 and admin2 level, and
DTM's country and operation lists. Each dataset is loaded into
`raw.iom_dtm__<dataset>` with COPY in one transaction with its `ops.batches` row
and validated with its GX suite in `expectations/`. A validated batch updates the
dataset's Airflow Asset, which schedules the `transform` DAG.

* Offline by default: the bundled sample payloads; set `MWH_LIVE=1` for the API.
* The API needs a subscription key: the password of the Airflow connection
  `iom_dtm` (or `MWH_IOM_DTM_KEY`). Without one, the fetch tasks are skipped with
  a message saying where to put it; the key is never logged.
* Runs weekly: DTM rounds are irregular (weeks to months apart, per operation),
  so a fixed monthly date would miss a round by up to a month, and an unchanged
  answer (same sha256) is a logged no-op, so polling weekly is cheap.
* Re-runs and backfills are safe: each run asks, for the countries of interest
  (`MWH_IOM_DTM_COUNTRIES`), the reporting dates of its data interval plus the 12
  months before it, month-aligned, which DTM may still publish or correct.
* `data_docs` rebuilds the GX Data Docs once every validation is done.
"""

from __future__ import annotations

from ingest.ingest_dag import build_ingest_dag

# Wednesday mornings: see the schedule note above.
dag = build_ingest_dag("iom_dtm", schedule="0 5 * * 3", doc_md=__doc__)
