"""
### Eurostat: asylum statistics

Fetches each configured Eurostat dataset (JSON-stat 2.0), loads it into
`raw.eurostat__<dataset>` with COPY in one transaction with its `ops.batches`
row, and validates that batch with the GX suite in `expectations/`. A validated
batch updates the dataset's Airflow Asset, which schedules the `transform` DAG.

* Offline by default: the bundled sample payloads; set `MWH_LIVE=1` for the API.
* Runs weekly: Eurostat publishes monthly asylum data without a fixed day, and
  an unchanged payload (same sha256) is a logged no-op, so polling is cheap.
* Re-runs and backfills are safe: each run asks for its data interval plus the
  months Eurostat still revises.
* `data_docs` rebuilds the GX Data Docs once every validation is done (passed,
  failed or skipped). It is a teardown: it schedules nothing, and the run's state
  comes from the validations, never from the docs.
"""

from __future__ import annotations

from ingest.ingest_dag import build_ingest_dag

# Monday mornings: see the schedule note above.
dag = build_ingest_dag("eurostat", schedule="0 6 * * 1", doc_md=__doc__)
