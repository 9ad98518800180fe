"""What the services tests share: the REST API client and the services' set-up."""

from __future__ import annotations

import json
import os
import socket
import time
import urllib.request

import psycopg
import pytest

from ingest import services


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Api:
    """The REST API with a token from SimpleAuthManager's generated password."""

    def __init__(self, base: str, password: str) -> None:
        self.base = base
        self.token = self.call("POST", "/auth/token",
                               {"username": "admin", "password": password},
                               auth=False)["access_token"]  # fmt: skip

    def call(self, method: str, path: str, body: dict | None = None, *, auth: bool = True):
        req = urllib.request.Request(
            self.base + path, method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Content-Type": "application/json",
                     **({"Authorization": f"Bearer {self.token}"} if auth else {})},
        )  # fmt: skip
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.load(r)

    def wait_parsed(self, dag_ids: set[str], timeout: float = 120) -> None:
        """Until the dag-processor has serialised these DAGs; an import error fails."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            errors = self.call("GET", "/api/v2/importErrors")["import_errors"]
            assert not errors, errors
            dags = {d["dag_id"] for d in self.call("GET", "/api/v2/dags?limit=100")["dags"]}
            if dag_ids <= dags:
                return
            time.sleep(2)
        pytest.fail(f"not parsed after {timeout:.0f}s: {dag_ids - dags}")

    def runs(self, dag_id: str) -> list[dict]:
        return self.call("GET", f"/api/v2/dags/{dag_id}/dagRuns?order_by=start_date")["dag_runs"]

    def tasks(self, dag_id: str, run_id: str) -> list[dict]:
        path = f"/api/v2/dags/{dag_id}/dagRuns/{run_id}/taskInstances?limit=1000"
        return self.call("GET", path)["task_instances"]

    def unpause(self, dag_id: str) -> None:
        self.call("PATCH", f"/api/v2/dags/{dag_id}", {"is_paused": False})

    def wait_run(self, dag_id: str, *, timeout: float, run_id: str | None = None,
                 during=None) -> dict:  # fmt: skip
        """Until the DAG's (first, or named) run ends; `during(run)` is called on every
        poll while it runs. Fails the test on a failed run or the timeout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            runs = [r for r in self.runs(dag_id) if run_id in (None, r["dag_run_id"])]
            if runs and runs[0]["state"] in ("success", "failed"):
                assert runs[0]["state"] == "success", self._failed(dag_id, runs[0])
                return runs[0]
            if runs and during:
                during(runs[0])
            time.sleep(2)
        pytest.fail(f"{dag_id}: no finished run after {timeout:.0f}s: {self.runs(dag_id)}")

    def _failed(self, dag_id: str, run: dict) -> str:
        bad = [(t["task_id"], t["state"]) for t in self.tasks(dag_id, run["dag_run_id"])
               if t["state"] not in ("success", "skipped", "upstream_failed")]  # fmt: skip
        return f"{dag_id} run {run['dag_run_id']} {run['state']}: {bad}"


def running_services(executor, warehouse_dsn, dbt_manifest, server_dsn, home, **extra):
    """The services on a fresh warehouse (`server_dsn`: its server's maintenance
    database), every DAG paused at creation (the tests unpause what they drive),
    retries 3 s apart, ingest_submissions polling every minute; yields (env, Api) and
    stops them and drops their metadata database afterwards."""
    metadata_db = f"mwh_test_airflow_{executor}_{os.getpid()}"
    settings = {
        "AIRFLOW_HOME": str(home / "airflow"),
        "MWH_AIRFLOW_DB": metadata_db,
        "MWH_API_PORT": str(_free_port()),
        "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(_free_port()),
        "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(_free_port()),
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
        "AIRFLOW__CORE__PARALLELISM": "4",
        "MWH_DBT_MANIFEST": str(dbt_manifest),
        "MWH_TASK_RETRIES": "2",
        "MWH_TASK_RETRY_DELAY_SECONDS": "3",
        "MWH_SUBMISSIONS_SCHEDULE": "* * * * *",
        "MWH_LANDING_URL": (home / "landing").as_uri(),
        "MWH_PAYLOAD_DIR": str(home / "payloads"),
        "MWH_DATA_DOCS_DIR": str(home / "data_docs"),
        **extra,
    }
    mp = pytest.MonkeyPatch()
    for key, value in settings.items():
        mp.setenv(key, value)
    try:
        env = services.up(warehouse_dsn, executor, echo=lambda line: None)
        api = Api(services.api_url(), services.admin_password(env))
        api.wait_parsed({"ingest_eurostat", "ingest_submissions", "transform"})
        yield env, api
    finally:
        services.down(echo=lambda line: None)
        mp.undo()
        with psycopg.connect(server_dsn, autocommit=True) as conn:
            conn.execute(f'drop database if exists "{metadata_db}" with (force)')
