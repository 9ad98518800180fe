"""Driving `mwh up`'s services through Airflow's REST API, as a data engineer or a CI
job does: a token from SimpleAuthManager's generated password, DAG runs triggered and
followed. `scratch()` runs a second, throw-away set of services beside `make up`'s
(its own ports, Airflow home, metadata database and supervisord), for the services
tests and `mwh bench transform`.
"""

from __future__ import annotations

import contextlib
import json
import socket
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

from ingest import services
from ingest.config import patched_environ


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Api:
    """Airflow's REST API (v2) with a JWT token for `user`."""

    def __init__(self, base: str, password: str, user: str = "admin") -> None:
        self.base = base
        self.token = self.call("POST", "/auth/token", {"username": user, "password": password},
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
            if errors:
                raise RuntimeError(f"DAG import errors: {errors}")
            dags = {d["dag_id"] for d in self.call("GET", "/api/v2/dags?limit=100")["dags"]}
            if dag_ids <= dags:
                return
            time.sleep(2)
        raise TimeoutError(f"not parsed after {timeout:.0f}s: {dag_ids - dags}")

    def runs(self, dag_id: str) -> list[dict]:
        return self.call("GET", f"/api/v2/dags/{dag_id}/dagRuns?order_by=start_date")["dag_runs"]

    def tasks(self, dag_id: str, run_id: str) -> list[dict]:
        """Every task instance of the run (the API pages them, 100 at most a page)."""
        out: list[dict] = []
        while True:
            page = self.call("GET", f"/api/v2/dags/{dag_id}/dagRuns/{run_id}/taskInstances"
                                    f"?limit=100&offset={len(out)}")  # fmt: skip
            out += page["task_instances"]
            if not page["task_instances"] or len(out) >= page["total_entries"]:
                return out

    def unpause(self, dag_id: str) -> None:
        self.call("PATCH", f"/api/v2/dags/{dag_id}", {"is_paused": False})

    def trigger(self, dag_id: str) -> dict:
        return self.call("POST", f"/api/v2/dags/{dag_id}/dagRuns", {"logical_date": None})

    def wait_run(self, dag_id: str, *, timeout: float, run_id: str | None = None,
                 during: Callable[[dict], None] | None = None,
                 poll: float = 2.0) -> dict:  # fmt: skip
        """Until the DAG's (first, or named) run ends; `during(run)` is called on every
        poll while it runs. A failed run or the timeout raises."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            runs = [r for r in self.runs(dag_id) if run_id in (None, r["dag_run_id"])]
            if runs and runs[0]["state"] in ("success", "failed"):
                if runs[0]["state"] != "success":
                    raise RuntimeError(self._failed(dag_id, runs[0]))
                return runs[0]
            if runs and during:
                during(runs[0])
            time.sleep(poll)
        raise TimeoutError(f"{dag_id}: no finished run after {timeout:.0f}s: {self.runs(dag_id)}")

    def _failed(self, dag_id: str, run: dict) -> str:
        bad = [(t["task_id"], t["state"]) for t in self.tasks(dag_id, run["dag_run_id"])
               if t["state"] not in ("success", "skipped", "upstream_failed")]  # fmt: skip
        return f"{dag_id} run {run['dag_run_id']} {run['state']}: {bad}"


@contextlib.contextmanager
def scratch(executor: str, warehouse_dsn: str, server_dsn: str, home: Path, *,
            dag_ids: set[str], metadata_db: str,
            **settings: str) -> Iterator[tuple[dict, Api]]:  # fmt: skip
    """Services on `warehouse_dsn` with everything of their own under `home` and free
    ports, every DAG paused at creation (the caller unpauses what it drives); yields
    (env, Api) once `dag_ids` are parsed, then stops them and drops their metadata
    database (`metadata_db` on `server_dsn`'s server)."""
    import psycopg
    from psycopg import sql

    env_settings = {
        "AIRFLOW_HOME": str(home / "airflow"),
        "MWH_SERVICES_DIR": str(home / "services"),
        "MWH_AIRFLOW_DB": metadata_db,
        "MWH_API_PORT": str(free_port()),
        "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
        "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(free_port()),
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
        **settings,
    }
    with patched_environ(env_settings):
        try:
            env = services.up(warehouse_dsn, executor, echo=lambda line: None)
            api = Api(services.api_url(), services.admin_password(env))
            api.wait_parsed(dag_ids)
            yield env, api
        finally:
            services.down(echo=lambda line: None)
            with psycopg.connect(server_dsn, autocommit=True) as conn:
                conn.execute(sql.SQL("drop database if exists {} with (force)").format(
                    sql.Identifier(metadata_db)))  # fmt: skip
