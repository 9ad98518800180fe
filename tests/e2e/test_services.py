"""Airflow's real services (`mwh up --services`): api-server, scheduler, dag-processor
and triggerer with the LocalExecutor and PostgreSQL metadata, driven only through the
REST API as a data engineer or a CI job would drive them.

One module, one set of services, one transform run (each of its ~100 tasks is a
process of its own under a scheduler, minutes on 2 cores): the tests run in order
and share what the services did.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg
import pytest

from ingest import services

# `make test-services`: minutes of scheduler time that `make test` cannot afford.
pytestmark = [pytest.mark.e2e, pytest.mark.services]


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
               if t["state"] not in ("success", "skipped")]  # fmt: skip
        return f"{dag_id} run {run['dag_run_id']} {run['state']}: {bad}"


@pytest.fixture(scope="module")
def up(warehouse_dsn, dbt_manifest, databases, tmp_path_factory):
    """The services on a fresh warehouse, every DAG paused at creation (the tests unpause
    what they drive), retries 3 s apart, ingest_submissions polling every minute."""
    home = tmp_path_factory.mktemp("services")
    metadata_db = f"mwh_test_airflow_{os.getpid()}"
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
    }
    mp = pytest.MonkeyPatch()
    for key, value in settings.items():
        mp.setenv(key, value)
    try:
        env = services.up(warehouse_dsn, "local", echo=lambda line: None)
        api = Api(services.api_url(), services.admin_password(env))
        api.wait_parsed({"ingest_eurostat", "ingest_submissions", "transform"})
        yield env, api
    finally:
        services.down(echo=lambda line: None)
        mp.undo()
        with psycopg.connect(databases.dsn("postgres"), autocommit=True) as conn:
            conn.execute(f'drop database if exists "{metadata_db}" with (force)')


def test_ui_login_and_token(up):
    env, api = up
    assert services.password_file(env).name == "simple_auth_manager_passwords.json.generated"
    assert services.password_file(env).parent == Path(env["AIRFLOW_HOME"])
    with urllib.request.urlopen(api.base + "/", timeout=10) as r:
        assert r.status == 200 and "<html" in r.read().decode().lower()
    with pytest.raises(urllib.error.HTTPError) as refused:
        api.call("GET", "/api/v2/dags", auth=False)
    assert refused.value.code == 401
    dags = {d["dag_id"] for d in api.call("GET", "/api/v2/dags?limit=100")["dags"]}
    assert {"ingest_eurostat", "ingest_submissions", "transform"} <= dags
    health = services.health()
    assert {health[k]["status"] for k in ("scheduler", "triggerer", "dag_processor")} == {"healthy"}
    assert set(services.started_services()) == set(services.CORE)
    assert Path(env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].split("?")[0]).name.startswith(
        "mwh_test_airflow_"
    )


def test_rest_trigger_file_pickup_and_asset_triggered_transform(up, warehouse_dsn):
    """ingest_eurostat triggered through the REST API and a file dropped into the
    landing zone (picked up by the scheduled ingest_submissions) each update their
    Assets; the transform runs on them by itself. The scheduler is killed (-9) in the
    middle of the transform and started again: the run completes, nothing twice."""
    from airflow.sdk import ObjectStoragePath

    from ingest.submissions.landing import EXAMPLES_DIR, drop

    env, api = up
    # Unpaused first: a paused DAG is not queued by its Assets' events.
    for dag_id in ("transform", "ingest_submissions", "ingest_eurostat"):
        api.unpause(dag_id)
    drop(ObjectStoragePath(env["MWH_LANDING_URL"]), EXAMPLES_DIR / "registered_arrivals.csv",
         "registered_arrivals", "MK00405")  # fmt: skip
    api.wait_run("ingest_submissions", timeout=300)
    triggered = api.call("POST", "/api/v2/dags/ingest_eurostat/dagRuns", {"logical_date": None})
    assert triggered["run_type"] == "manual"
    # Unpaused, the DAG also gets its latest scheduled interval (catchup=False); one
    # of the two loads the samples, the other finds the same payloads: a no-op.
    api.wait_run("ingest_eurostat", run_id=triggered["dag_run_id"], timeout=600)
    assert all(r["state"] == "success" for r in api.runs("ingest_eurostat"))
    with psycopg.connect(warehouse_dsn) as conn:
        batches = conn.execute(
            "select source, count(*) from ops.batches group by 1 order by 1"
        ).fetchall()
    assert dict(batches) == {"eurostat": 5, "submissions": 1}

    killed = []

    def kill_scheduler_once_dbt_builds(run):
        if killed or run["state"] != "running":
            return
        producer = [t for t in api.tasks("transform", run["dag_run_id"])
                    if t["task_id"] == "dbt_producer_watcher"]  # fmt: skip
        if producer and producer[0]["state"] == "running":
            pid = services.running("scheduler")
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)
            time.sleep(3)
            services.start("scheduler", services.planned("local")["scheduler"], env)

    # The file's event starts a run; the Eurostat events, later, queue another.
    api.wait_run("transform", timeout=900, during=kill_scheduler_once_dbt_builds)
    deadline = time.monotonic() + 900
    while any(r["state"] != "success" for r in api.runs("transform")):
        assert time.monotonic() < deadline, api.runs("transform")
        assert not [r for r in api.runs("transform") if r["state"] == "failed"]
        time.sleep(3)
    runs = api.runs("transform")
    names = set()
    for run in runs:
        assert run["run_type"] == "asset_triggered"
        path = f"/api/v2/dags/transform/dagRuns/{run['dag_run_id']}/upstreamAssetEvents"
        names |= {e["name"] for e in api.call("GET", path)["asset_events"]}
    assert "submissions__registered_arrivals" in names, names
    assert any(n.startswith("eurostat__") for n in names), names
    assert killed, "the scheduler was never killed during the dbt build"

    with psycopg.connect(warehouse_dsn) as conn:
        (local_rows,) = conn.execute(
            "select count(*) from marts.mart_local_situation"
            " where municipality_lau_code = 'MK00405'"
        ).fetchone()
        (asylum_rows,) = conn.execute(
            "select count(*) from marts.mart_asylum_applications_monthly"
        ).fetchone()
        # Nothing counted twice: one batch per payload and file, one raw row per line.
        batches = conn.execute(
            "select dataset, count(*) from ops.batches group by 1 having count(*) > 1"
        ).fetchall()
        (raw_rows,) = conn.execute(
            "select count(*) from raw.submissions__registered_arrivals"
        ).fetchone()
    assert local_rows > 0 and asylum_rows > 0
    assert batches == []
    lines = (EXAMPLES_DIR / "registered_arrivals.csv").read_text().strip().splitlines()
    assert raw_rows == len(lines) - 1
    assert services.health()["scheduler"]["status"] == "healthy"
