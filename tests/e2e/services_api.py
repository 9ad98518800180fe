"""What the services tests share: a throw-away set of services (ingest.services_api)."""

from __future__ import annotations

import os

from ingest.services_api import scratch


def running_services(executor, warehouse_dsn, dbt_manifest, server_dsn, home, **extra):
    """The services on a fresh warehouse (`server_dsn`: its server's maintenance
    database), every DAG paused at creation (the tests unpause what they drive),
    retries 3 s apart, ingest_submissions polling every minute; yields (env, Api) and
    stops them and drops their metadata database afterwards."""
    with scratch(
        executor, warehouse_dsn, server_dsn, home,
        dag_ids={"ingest_eurostat", "ingest_submissions", "transform"},
        metadata_db=f"mwh_test_airflow_{executor}_{os.getpid()}",
        AIRFLOW__CORE__PARALLELISM="4",
        MWH_DBT_MANIFEST=str(dbt_manifest),
        MWH_TASK_RETRIES="2",
        MWH_TASK_RETRY_DELAY_SECONDS="3",
        MWH_SUBMISSIONS_SCHEDULE="* * * * *",
        MWH_LANDING_URL=(home / "landing").as_uri(),
        MWH_PAYLOAD_DIR=str(home / "payloads"),
        MWH_DATA_DOCS_DIR=str(home / "data_docs"),
        **extra,
    ) as up:  # fmt: skip
        yield up
