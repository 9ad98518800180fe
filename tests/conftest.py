"""Shared fixtures: a real PostgreSQL, a fresh database per test module, a local Airflow.

Tests use WAREHOUSE_TEST_DSN when set (CI: the server at 127.0.0.1:5432), otherwise
the embedded server; every run creates its own databases and drops them afterwards.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path

import pytest

from ingest.config import TELEMETRY_OFF

# Before anything imports Airflow: a throwaway Airflow home for this test session.
_AIRFLOW_HOME = Path(tempfile.mkdtemp(prefix="mwh-airflow-test-"))
os.environ["AIRFLOW_HOME"] = str(_AIRFLOW_HOME)
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(Path(__file__).resolve().parents[1] / "dags")
os.environ.update(TELEMETRY_OFF)
# Tests never use the developer's warehouse settings by accident.
for var in ("WAREHOUSE_DSN", "AIRFLOW_CONN_WAREHOUSE", "MWH_LIVE"):
    os.environ.pop(var, None)

PROJECT_ROOT = Path(__file__).resolve().parents[1]
REAL_DATA = PROJECT_ROOT.parent / "shared" / "real-data"


@pytest.fixture(scope="session")
def server_dsn() -> str:
    """A DSN for a maintenance database on a real PostgreSQL server."""
    from ingest.config import normalise_dsn, with_dbname

    dsn = os.environ.get("WAREHOUSE_TEST_DSN")
    if dsn:
        return with_dbname(normalise_dsn(dsn), "postgres")
    from ingest.embedded import default_server

    default_server().start()
    return default_server().dsn("postgres")


def _create_database(server_dsn: str, prefix: str) -> tuple[str, str]:
    import psycopg

    from ingest.config import with_dbname

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server_dsn, autocommit=True) as conn:
        conn.execute(f'create database "{name}"')
    return name, with_dbname(server_dsn, name)


def _drop_database(server_dsn: str, name: str) -> None:
    import psycopg

    with psycopg.connect(server_dsn, autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')


@pytest.fixture(scope="module")
def warehouse_dsn(server_dsn: str):
    """A fresh, migrated warehouse database for one test module."""
    from ingest.warehouse import migrate

    name, dsn = _create_database(server_dsn, "mwh_test")
    migrate(dsn)
    yield dsn
    if not os.environ.get("MWH_KEEP_TEST_DB"):
        _drop_database(server_dsn, name)


@pytest.fixture(scope="session")
def dbt_manifest(server_dsn: str) -> Path:
    """cosmos renders the transform DAG from the manifest that `dbt parse` writes."""
    from ingest.orchestration import dbt_manifest as manifest_path
    from ingest.runtime import dbt

    dbt(["parse"], server_dsn, log_name="dbt-parse-tests")
    path = manifest_path()
    assert path.exists(), "dbt parse wrote no manifest"
    return path


@pytest.fixture(scope="session")
def airflow_metadata() -> Path:
    """`airflow db migrate` once per session, SQLite in the session's Airflow home."""
    from ingest.runtime import airflow_db_migrate, airflow_env

    env = airflow_env("postgresql://unused@127.0.0.1/unused", home=_AIRFLOW_HOME)
    airflow_db_migrate(env)
    return _AIRFLOW_HOME
