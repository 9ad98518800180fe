"""
### Eurostat: asylum, enforcement and population statistics

Fetches the five configured Eurostat datasets (JSON-stat 2.0), each into
`raw.eurostat__<dataset>` with COPY in one transaction with its `ops.batches` row,
and validates that batch with its GX suite in `expectations/`:

| dataset | Eurostat code | frequency |
|---|---|---|
| `asylum_applicants_monthly` | migr_asyappctzm | monthly |
| `asylum_applicants_annual` | migr_asyappctza | annual |
| `asylum_decisions_first_instance` | migr_asydcfsta | annual |
| `illegally_present` | migr_eipre | annual |
| `population_by_citizenship` | migr_pop1ctz | annual (1 January) |

A validated batch updates the dataset's Airflow Asset, which schedules the
`transform` DAG.

* Offline by default: the bundled sample payloads; set `MWH_LIVE=1` for the API.
* Runs weekly: Eurostat publishes the monthly asylum data without a fixed day and
  revises the annual tables a few times a year; an unchanged payload (same sha256)
  is a logged no-op, so polling the annual tables with the monthly one is cheap.
* Re-runs and backfills are safe: each run asks for its data interval (up to the
  period the interval ends in) plus the periods Eurostat still revises (12 months,
  3 years, 5 years for population).
* A selection Eurostat finds too big (413 EXTRACTION_TOO_BIG) is split by time
  periods, then by reporting country, and the parts are loaded as one batch. A
  queued extraction (413 ASYNCHRONOUS_RESPONSE) fails the fetch: the task retries
  later, when Eurostat has prepared it.
* `data_docs` rebuilds the GX Data Docs once every validation is done (passed,
  failed or skipped). It is a teardown: it schedules nothing, and the run's state
  comes from the validations, never from the docs.
"""

from __future__ import annotations

from ingest.ingest_dag import build_ingest_dag

# Monday mornings: see the schedule note above.
dag = build_ingest_dag("eurostat", schedule="0 6 * * 1", doc_md=__doc__)
