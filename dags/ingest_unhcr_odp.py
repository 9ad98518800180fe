"""
### UNHCR Operational Data Portal: sea and land arrivals

Fetches sea and land arrivals from data.unhcr.org (`population/get/timeseries`, daily
and monthly; `sublocation`, per island, province or border area; `origin`, per
nationality with the sex and age breakdown) for Italy, Greece, Spain, Cyprus, Malta and
Bulgaria. Each dataset's answers are loaded as one batch into `raw.unhcr_odp__<dataset>`
with COPY, in one transaction with its `ops.batches` row, and validated with its GX
suite in `expectations/`. A validated batch updates the dataset's Airflow Asset, which
schedules the `transform` DAG.

* Offline by default: the bundled sample payloads; set `MWH_LIVE=1` for the API.
* Runs daily: ODP publishes arrivals as the countries report them (Italy and Spain
  several times a week, Greece and Bulgaria about weekly, on no fixed day), and these
  are the warehouse's most current migration figures. A daily run picks up each update
  within a day for a few dozen small requests; an unchanged sublocation or origin
  answer (same sha256) is a logged no-op.
* Re-runs and backfills are safe: each run asks for its data interval plus the six
  weeks before it, which ODP still revises; a later batch replaces a figure in staging.
* `data_docs` rebuilds the GX Data Docs once every validation is done. It is a
  teardown: it schedules nothing, and the run's state comes from the validations.
"""

from __future__ import annotations

from ingest.ingest_dag import build_ingest_dag

# Every morning, after the previous day's updates: see the schedule note above.
dag = build_ingest_dag("unhcr_odp", schedule="30 6 * * *", doc_md=__doc__)
