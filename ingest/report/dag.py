"""The report DAG: rebuilds the situation report whenever the transform publishes a
new generation of the warehouse. Cheap to import (no plotly, no database)."""

from __future__ import annotations

import pendulum

from ingest.orchestration import DEFAULT_ARGS, TRANSFORM_CONN_ID, task_warehouse_dsn
from ingest.transform_dag import PUBLISHED


def build_report_dag(*, doc_md: str | None):
    from airflow.sdk import Asset, dag, task

    @dag(
        dag_id="report",
        schedule=[Asset(name=PUBLISHED, group="warehouse")],
        start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
        catchup=False,
        max_active_runs=1,
        default_args=DEFAULT_ARGS,
        tags=["publish"],
        doc_md=doc_md,
    )
    def report():
        @task
        def publish_report() -> str:
            """The static site from the published marts, as `transformer` (the
            connection the transform's publish uses), swapped in atomically."""
            from ingest.report.site import build_site

            return str(build_site(task_warehouse_dsn(TRANSFORM_CONN_ID)))

        publish_report()

    return report()
