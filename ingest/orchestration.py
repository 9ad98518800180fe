"""What the DAG files share: defaults, assets and the warehouse connection.

DAG files stay thin wiring; this module is cheap to import (no GX, no dbt, no I/O).
"""

from __future__ import annotations

import os
import shutil
import sys
from datetime import timedelta
from pathlib import Path

from ingest.config import DBT_PROJECT_DIR, PROJECT_ROOT, warehouse_dsn
from ingest.datasets import RawDataset

# The Airflow connections to the warehouse: ingest and GX log in as `loader`, dbt and
# the publish as `transformer` (ingest/roles.py); neither is a superuser.
CONN_ID = "warehouse"
TRANSFORM_CONN_ID = "warehouse_transform"
# Policy tests check every DAG's tags against this list.
ALLOWED_TAGS = frozenset({"ingest", "transform", "publish", "api", "submissions", "dbt"})

# Airflow settings every deployment of ours shares (`mwh run`, `mwh up --services`,
# the tests, compose's env_file): one file at the project's root.
SETTINGS_FILE = PROJECT_ROOT / "airflow.env"


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines as docker compose reads an env_file (no quotes, no expansion)."""
    out = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, sep, value = line.partition("=")
            if not sep:
                raise ValueError(f"{path}: not KEY=VALUE: {line!r}")
            out[key.strip()] = value
    return out


AIRFLOW_SETTINGS = read_env_file(SETTINGS_FILE)
# Celery's queue for the dbt build (the per-model tasks only read its results).
DBT_QUEUE = os.environ.get("MWH_DBT_QUEUE", AIRFLOW_SETTINGS["MWH_DBT_QUEUE"])


def _setting(name: str) -> str:
    return os.environ.get(name) or AIRFLOW_SETTINGS[name]


DEFAULT_ARGS = {
    "owner": "data-engineering",
    "retries": int(_setting("MWH_TASK_RETRIES")),
    "retry_delay": timedelta(seconds=float(_setting("MWH_TASK_RETRY_DELAY_SECONDS"))),
    "retry_exponential_backoff": True,
}


def asset_for(ds: RawDataset):
    """The Asset a validated batch of `ds` updates; the transform DAG is scheduled on it."""
    from airflow.sdk import Asset

    return Asset(name=ds.key, uri=ds.asset_uri, group="raw")


def task_warehouse_dsn(conn_id: str = CONN_ID) -> str:
    """Inside a task: the Airflow connection `conn_id`; for `warehouse`, WAREHOUSE_DSN
    when the connection is not defined."""
    from airflow.sdk import BaseHook
    from airflow.sdk.exceptions import AirflowNotFoundException, AirflowRuntimeError

    try:
        conn = BaseHook.get_connection(conn_id)
    except (AirflowNotFoundException, AirflowRuntimeError, KeyError, LookupError) as exc:
        dsn = warehouse_dsn() if conn_id == CONN_ID else None
        if dsn:
            return dsn
        also = " or set WAREHOUSE_DSN" if conn_id == CONN_ID else ""
        raise RuntimeError(
            f"no warehouse configured: define the Airflow connection '{conn_id}' "
            f"(or AIRFLOW_CONN_{conn_id.upper()}){also}"
        ) from exc
    from psycopg.conninfo import make_conninfo

    return make_conninfo(
        host=conn.host, port=conn.port, user=conn.login,
        password=conn.password or None, dbname=conn.schema,
    )  # fmt: skip


def data_docs_teardown():
    """The `data_docs` task of a DAG that validates: the GX Data Docs rebuilt once the
    validations upstream of it are done, unless the site shows the newest run already.

    A teardown rather than a plain `all_done` task: an `all_done` leaf would make the
    run succeed even when a validation failed. A teardown without a setup runs after
    failed and skipped validations too, and leaves the run's state to them.
    """
    from airflow.sdk import task, teardown

    @teardown
    @task(task_id="data_docs", retries=1, retry_delay=timedelta(seconds=30))
    def data_docs() -> str:
        from airflow.sdk.exceptions import AirflowSkipException

        from ingest.docs import build_data_docs, data_docs_current

        dsn = task_warehouse_dsn()
        if data_docs_current(dsn):
            raise AirflowSkipException("no validation run since the last build")
        return build_data_docs(dsn).as_uri()

    return data_docs()


# dbt reads these in profiles.yml; rendered at run time from the same connection.
DBT_ENV_TEMPLATE = {
    "WAREHOUSE_HOST": "{{ conn.warehouse_transform.host }}",
    "WAREHOUSE_PORT": "{{ conn.warehouse_transform.port or 5432 }}",
    "WAREHOUSE_USER": "{{ conn.warehouse_transform.login }}",
    "WAREHOUSE_PASSWORD": "{{ conn.warehouse_transform.password or '' }}",
    "WAREHOUSE_DBNAME": "{{ conn.warehouse_transform.schema }}",
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
}


def venv_bin(name: str) -> str:
    """A command installed beside this interpreter (the project's venv or image)."""
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else (shutil.which(name) or name)


def dbt_executable() -> str:
    return venv_bin("dbt")


def dbt_threads() -> int:
    """dbt's threads: MWH_DBT_THREADS, else one per core."""
    return int(os.environ.get("MWH_DBT_THREADS") or os.cpu_count() or 4)


def dbt_project_dir() -> Path:
    """The dbt project the transform DAG builds: MWH_DBT_PROJECT_DIR (a fork of the
    project, a test's deliberately broken copy), else the repository's."""
    return Path(os.environ.get("MWH_DBT_PROJECT_DIR") or DBT_PROJECT_DIR)


def dbt_manifest() -> Path:
    return Path(os.environ.get("MWH_DBT_MANIFEST", DBT_PROJECT_DIR / "target" / "manifest.json"))
