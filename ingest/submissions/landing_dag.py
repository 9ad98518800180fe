"""The `ingest_submissions` DAG: one task per dataset submits every file waiting in
the landing zone (ingest.submissions.landing) and updates the dataset's Asset when a
file landed rows, which schedules the transform DAG.

Importing this module is cheap (no GX, no dbt, no I/O at DAG parse time).
"""

from __future__ import annotations

from ingest.ingest_dag import START_DATE
from ingest.orchestration import DEFAULT_ARGS, asset_for
from ingest.sources import datasets


def build_submissions_dag(*, schedule: str, doc_md: str | None):
    from airflow.sdk import dag, task

    @task
    def submit_files(dataset: str) -> list[dict]:
        from airflow.sdk.exceptions import AirflowSkipException

        from ingest.orchestration import task_warehouse_dsn
        from ingest.submissions.landing import process_dataset

        done = process_dataset(task_warehouse_dsn(), dataset)
        summary = [
            {"file": f.name, "scope": f.scope, "moved_to": f.moved_to,
             "status": f.result.status if f.result else "rejected",
             "batch_id": f.result.batch_id if f.result else None,
             "message": f.result.message if f.result else "unknown municipality folder"}
            for f in done
        ]  # fmt: skip
        # Only a file that landed rows is news for the transform DAG; a refused file is
        # the steward's to fix (its report says how), not a failed pipeline.
        if not any(f.result and f.result.created and f.result.accepted for f in done):
            raise AirflowSkipException(f"no new rows for {dataset}: {summary or 'no files'}")
        return summary

    @dag(
        dag_id="ingest_submissions",
        schedule=schedule,
        start_date=START_DATE,
        catchup=False,
        max_active_runs=1,
        default_args=DEFAULT_ARGS,
        tags=["ingest", "submissions"],
        doc_md=doc_md,
    )
    def ingest():
        for name, ds in datasets("submissions").items():
            submit_files.override(task_id=f"submit_{name}", outlets=[asset_for(ds)])(name)

    return ingest()
