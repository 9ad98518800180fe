"""
### Transform: dbt models in PostgreSQL, published as one generation

Builds the whole dbt project (staging, intermediate, marts, reference seeds,
snapshots) with astronomer-cosmos's watcher mode: one `dbt build` with dbt's threads
(`MWH_DBT_THREADS`, default one per core) in the task `dbt_producer_watcher`, and one
task per model and per model's tests that reports that node's result. Under a
scheduler those tasks run in the triggerer, alongside the build (ingest/watcher.py).
Scheduled by the Assets of the raw datasets: it runs when a validated batch of any
of them lands.

**Blue/green.** `prepare_shadow` creates the shadow schemas `<schema>__next` (with
copies of the incremental facts and snapshots); dbt builds and tests everything
there (target `shadow`); `publish` swaps every shadow schema in for its live one in
one transaction, only when every model and test task succeeded. A failed build
publishes nothing: analysts and BI tools keep reading the previous generation.

**Retries.** The producer has no retry (cosmos would skip a second attempt, and a
skipped producer would skip `publish`: a green run). A model or test task that is
retried or cleared runs dbt for its own node alone, on a worker (`dbt run` /
`dbt test --select <model>`) into the shadow schemas; clear
`publish` too to publish the result. Clearing the whole run starts again from
`prepare_shadow`, the safe choice after a fix.

The warehouse comes from the Airflow connection `warehouse`, rendered into the
variables `profiles.yml` reads. The dbt manifest is produced by `mwh dbt-parse`
(run by `make run`, the tests and the image build), so parsing this file never
calls dbt or the database.
"""

from __future__ import annotations

from ingest.transform_dag import build_transform_dag

transform = build_transform_dag(doc_md=__doc__)
