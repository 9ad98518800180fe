"""The ingest DAG every API source shares: fetch -> load -> validate per dataset, then
the GX Data Docs. A `dags/ingest_<source>.py` file only names its source, schedule
and documentation; the steps are `ingest.pipeline`'s, as `mwh ingest` runs them.

Importing this module is cheap (no GX, no dbt, no I/O at DAG parse time).
"""

from __future__ import annotations

from collections.abc import Sequence

import pendulum

from ingest.orchestration import DEFAULT_ARGS, asset_for, data_docs_teardown
from ingest.sources import datasets

START_DATE = pendulum.datetime(2026, 1, 1, tz="UTC")


def build_ingest_dag(
    source: str,
    *,
    schedule: str,
    doc_md: str | None,
    tags: Sequence[str] = ("ingest", "api"),
):
    """The `ingest_<source>` DAG."""
    from airflow.sdk import dag, task

    @task
    def fetch(dataset: str, data_interval_start=None, data_interval_end=None) -> dict:
        from airflow.sdk.exceptions import AirflowSkipException

        from ingest import pipeline
        from ingest.sources import SourceUnavailable

        try:
            return pipeline.fetch(source, dataset, start=data_interval_start, end=data_interval_end)
        except SourceUnavailable as exc:
            # e.g. no API key configured: nothing to do, and nothing wrong with the data.
            raise AirflowSkipException(str(exc)) from exc

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
            # The same rows would fail again: no retry; the ledger keeps the batch out.
            raise AirflowFailException(
                f"batch {result['batch_id']} failed blocking expectations: {result['failed']}"
            )
        return result

    @dag(
        dag_id=f"ingest_{source}",
        schedule=schedule,
        start_date=START_DATE,
        catchup=False,
        max_active_runs=1,
        default_args=DEFAULT_ARGS,
        tags=list(tags),
        doc_md=doc_md,
    )
    def ingest():
        validated = []
        for name, ds in datasets(source).items():
            payload = fetch.override(task_id=f"fetch_{name}")(name)
            loaded = load.override(task_id=f"load_{name}")(payload)
            validated.append(
                validate.override(task_id=f"validate_{name}", outlets=[asset_for(ds)])(loaded)
            )
        validated >> data_docs_teardown()

    return ingest()
