"""Airflow's real services (`mwh up --services`): api-server, scheduler, dag-processor
and triggerer with the LocalExecutor and PostgreSQL metadata, driven only through the
REST API as a data engineer or a CI job would drive them.

One module, one set of services, one transform run (each of its ~100 tasks is a
process of its own under a scheduler, minutes on 2 cores): the tests run in order
and share what the services did.
"""

from __future__ import annotations

import os
import signal
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg
import pytest

from ingest import services, supervision
from tests.e2e.services_api import running_services

# `make test-services`: minutes of scheduler time that `make test` cannot afford.
pytestmark = [pytest.mark.e2e, pytest.mark.services]


@pytest.fixture(scope="module")
def up(warehouse_dsn, dbt_manifest, databases, tmp_path_factory):
    home = tmp_path_factory.mktemp("services")
    yield from running_services(
        "local", warehouse_dsn, dbt_manifest, databases.dsn("postgres"), home
    )


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
    middle of the Eurostat run and supervisord starts it again: the run completes (its
    orphaned task reset and retried), nothing is loaded twice."""
    from airflow.sdk import ObjectStoragePath

    from ingest.submissions.landing import EXAMPLES_DIR, drop

    env, api = up
    # Unpaused first: a paused DAG is not queued by its Assets' events.
    for dag_id in ("transform", "ingest_submissions"):
        api.unpause(dag_id)
    drop(ObjectStoragePath(env["MWH_LANDING_URL"]), EXAMPLES_DIR / "registered_arrivals.csv",
         "registered_arrivals", "MK00405")  # fmt: skip
    api.wait_run("ingest_submissions", timeout=300)
    # The file's event runs the transform; it ends before the scheduler is killed (a
    # scheduler killed during the dbt build fails that run: README, services).
    api.wait_run("transform", timeout=900)
    killed = []

    def kill_scheduler_mid_task(run):
        """kill -9 the scheduler while a task of `run` runs."""
        if killed or run["state"] != "running":
            return
        if any(t["state"] == "running" for t in api.tasks(run["dag_id"], run["dag_run_id"])):
            pid = services.running("scheduler")
            os.kill(pid, signal.SIGKILL)  # supervisord starts it again
            killed.append(pid)

    api.unpause("ingest_eurostat")
    triggered = api.call("POST", "/api/v2/dags/ingest_eurostat/dagRuns", {"logical_date": None})
    assert triggered["run_type"] == "manual"
    # Unpaused, the DAG also gets its latest scheduled interval (catchup=False); one
    # of the two loads the samples, the other finds the same payloads: a no-op. The
    # scheduler dies during whichever runs first.
    api.wait_run("ingest_eurostat", timeout=600, during=kill_scheduler_mid_task)
    api.wait_run("ingest_eurostat", run_id=triggered["dag_run_id"], timeout=600)
    assert all(r["state"] == "success" for r in api.runs("ingest_eurostat"))
    with psycopg.connect(warehouse_dsn) as conn:
        batches = conn.execute(
            "select source, count(*) from ops.batches group by 1 order by 1"
        ).fetchall()
    assert dict(batches) == {"eurostat": 5, "submissions": 1}

    # The Eurostat batches' events start another run.
    deadline = time.monotonic() + 1200
    while not api.runs("transform") or any(r["state"] != "success" for r in api.runs("transform")):
        assert time.monotonic() < deadline, api.runs("transform")
        failed = [r for r in api.runs("transform") if r["state"] == "failed"]
        assert not failed, api._failed("transform", failed[0])
        time.sleep(3)
    names = set()
    for run in api.runs("transform"):
        assert run["run_type"] == "asset_triggered"
        # Only prepare, the dbt build and publish took a worker; the ~160 node tasks
        # started and ended in the triggerer (ingest/watcher.py).
        tasks = api.tasks("transform", run["dag_run_id"])
        on_workers = {t["task_id"] for t in tasks if t["queued_when"]}
        assert on_workers == {"prepare_shadow", "dbt_producer_watcher", "publish"}, on_workers
        assert len(tasks) > 100 and {t["state"] for t in tasks} == {"success"}
        path = f"/api/v2/dags/transform/dagRuns/{run['dag_run_id']}/upstreamAssetEvents"
        names |= {e["name"] for e in api.call("GET", path)["asset_events"]}
    assert "submissions__registered_arrivals" in names, names
    assert any(n.startswith("eurostat__") for n in names), names
    assert killed, "the scheduler was never killed during an ingest task"
    # Restarted by supervisord; what the dead one left (serve-logs, the LocalExecutor's
    # workers: its process group) was stopped by the event listener.
    assert services.running("scheduler") not in (None, killed[0])
    assert not supervision.group_alive(killed[0])

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
