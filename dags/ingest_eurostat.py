"""
### Eurostat: asylum statistics

Fetches each configured Eurostat dataset (JSON-stat 2.0), loads it into
`raw.eurostat__<dataset>` with COPY in one transaction with its `ops.batches`
row, and validates that batch with the GX suite in `expectations/`. A validated
batch updates the dataset's Asset, which schedules the `transform` DAG.

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

from datetime import timedelta

import pendulum
from airflow.sdk import dag, task, teardown

from ingest.orchestration import DEFAULT_ARGS, asset_for
from ingest.sources.eurostat.datasets import DATASETS

SOURCE = "eurostat"


@task
def fetch(dataset: str, data_interval_start=None, data_interval_end=None) -> dict:
    from ingest import pipeline

    return pipeline.fetch(SOURCE, dataset, start=data_interval_start, end=data_interval_end)


@task
def load(payload: dict, data_interval_start=None, data_interval_end=None) -> dict:
    from ingest import pipeline
    from ingest.orchestration import task_warehouse_dsn

    return pipeline.load(
        task_warehouse_dsn(), payload, start=data_interval_start, end=data_interval_end
    )


@task
def validate(loaded: dict) -> dict:
    from airflow.sdk.exceptions import AirflowFailException, AirflowSkipException

    from ingest import pipeline
    from ingest.orchestration import task_warehouse_dsn

    dsn = task_warehouse_dsn()
    if not pipeline.needs_validation(dsn, loaded["batch_id"]):
        # An unchanged payload: nothing new to validate or to transform.
        raise AirflowSkipException(f"batch {loaded['batch_id']} already {loaded['status']}")
    result = pipeline.validate(dsn, loaded)
    if result["status"] == "failed":
        # The same rows would fail again: no retry; the ledger keeps the batch out of staging.
        raise AirflowFailException(
            f"batch {result['batch_id']} failed blocking expectations: {result['failed']}"
        )
    return result


# A teardown rather than a plain `all_done` task: an `all_done` leaf would make the
# run succeed even when a validation failed. A teardown's rule (all_done_setup_success,
# i.e. all_done when it has no setup) runs it after failed and skipped validations too.
@teardown
@task(retries=1, retry_delay=timedelta(seconds=30))
def data_docs() -> str:
    from ingest.docs import build_data_docs
    from ingest.orchestration import task_warehouse_dsn

    return build_data_docs(task_warehouse_dsn()).as_uri()


@dag(
    dag_id=f"ingest_{SOURCE}",
    schedule="0 6 * * 1",
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["ingest", "api"],
    doc_md=__doc__,
)
def ingest_eurostat():
    validated = []
    for name, ds in DATASETS.items():
        payload = fetch.override(task_id=f"fetch_{name}")(name)
        loaded = load.override(task_id=f"load_{name}")(payload)
        validated.append(
            validate.override(task_id=f"validate_{name}", outlets=[asset_for(ds)])(loaded)
        )
    validated >> data_docs()


ingest_eurostat()
