"""The `ingest_submissions` DAG: per dataset, `submit_<dataset>` submits every file
waiting in the landing zone (ingest.submissions.landing) and updates the dataset's Asset
when a file landed rows, which schedules the transform DAG; `check_<dataset>` then fails
with a summary if a file could not be processed or a batch is stuck unvalidated.
`data_docs` rebuilds the GX Data Docs once every submission is done (as the ingest
DAGs do), when a file was validated.

Importing this module is cheap (no GX, no dbt, no I/O at DAG parse time).
"""

from __future__ import annotations

from ingest.ingest_dag import START_DATE
from ingest.orchestration import DEFAULT_ARGS, asset_for, data_docs_teardown
from ingest.sources import datasets


def build_submissions_dag(*, schedule: str, doc_md: str | None):
    from airflow.sdk import dag, task

    @task
    def submit_files(dataset: str) -> list[dict]:
        from airflow.sdk import get_current_context
        from airflow.sdk.exceptions import AirflowSkipException

        from ingest.orchestration import task_warehouse_dsn
        from ingest.submissions.landing import process_dataset

        run = process_dataset(task_warehouse_dsn(), dataset)
        summary = [
            {"file": f.name, "scope": f.scope, "moved_to": f.moved_to,
             "status": f.result.status if f.result else ("error" if f.error else "rejected"),
             "batch_id": f.result.batch_id if f.result else None,
             "message": f.result.message if f.result else f.error}
            for f in run.files
        ]  # fmt: skip
        # For check_<dataset>: pushed before a skip, which keeps no return value.
        get_current_context()["ti"].xcom_push(key="problems", value=run.problems())
        # Only a file that landed rows is news for the transform DAG; a refused file is
        # the steward's to fix (its report says how), not a failed pipeline.
        if not run.landed_rows:
            raise AirflowSkipException(f"no new rows for {dataset}: {summary or 'no files'}")
        return summary

    @task(trigger_rule="all_done")
    def check_files(dataset: str) -> None:
        """Fails, after the files that could land have landed (and their Asset event is
        out), when one could not be processed or a batch is stuck unvalidated."""
        from airflow.sdk import get_current_context

        ti = get_current_context()["ti"]
        submit_task = f"submit_{dataset}"
        problems = ti.xcom_pull(task_ids=submit_task, key="problems")
        if problems is None:
            raise RuntimeError(f"{submit_task} did not finish: see its log")
        if problems:
            raise RuntimeError(
                f"{len(problems)} problem(s) in the landing zone for {dataset}:\n"
                + "\n".join(problems)
            )

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
        submitted = []
        for name, ds in datasets("submissions").items():
            submit = submit_files.override(task_id=f"submit_{name}", outlets=[asset_for(ds)])
            submitted.append(submit(name))
            submitted[-1] >> check_files.override(task_id=f"check_{name}")(name)
        submitted >> data_docs_teardown()

    return ingest()
