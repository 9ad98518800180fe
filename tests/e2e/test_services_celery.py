"""`mwh up --services --executor celery`: the CeleryExecutor on Redis with two
workers on separate queues, as two machines would run them, driven through the REST
API. A worker killed (-9) in the middle of a task: the task is retried and succeeds.
"""

from __future__ import annotations

import os
import signal

import psycopg
import pytest

from ingest import services
from ingest.orchestration import DBT_QUEUE
from tests.e2e.services_api import running_services

# `make test-services`: minutes of scheduler time that `make test` cannot afford.
pytestmark = [pytest.mark.e2e, pytest.mark.services]


@pytest.fixture(scope="module")
def up(warehouse_dsn, dbt_manifest, databases, tmp_path_factory):
    import redis

    broker = os.environ.get("MWH_CELERY_BROKER_URL", services.DEFAULT_BROKER)
    try:
        redis.Redis.from_url(broker).ping()
    except redis.exceptions.ConnectionError as exc:
        pytest.fail(f"no Redis at {broker} (MWH_CELERY_BROKER_URL): {exc}")
    home = tmp_path_factory.mktemp("services-celery")
    # A killed worker's task is noticed by its missing heartbeat: 20 s, not 5 minutes.
    yield from running_services(
        "celery", warehouse_dsn, dbt_manifest, databases.dsn("postgres"), home,
        AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT="20",
    )  # fmt: skip


def test_two_workers_serve_their_own_queues(up):
    env, api = up
    assert set(services.started_services()) == {*services.CORE, *services.CELERY_WORKERS}
    assert services.CELERY_WORKERS["worker-dbt"][:2] == ["--queues", DBT_QUEUE]
    tasks = api.call("GET", "/api/v2/dags/transform/tasks")["tasks"]
    queues = {t["task_id"]: t["queue"] for t in tasks}
    assert queues["dbt_producer_watcher"] == DBT_QUEUE
    assert {q for t, q in queues.items() if t != "dbt_producer_watcher"} == {"default"}


def test_a_killed_worker_s_task_is_retried_and_succeeds(up, warehouse_dsn):
    env, api = up
    # Unpaused, the DAG runs its latest interval at once: the samples' first load.
    api.unpause("ingest_eurostat")
    killed = []

    def kill_worker_mid_task(current):
        if killed:
            return
        busy = [t for t in api.tasks("ingest_eurostat", current["dag_run_id"])
                if t["state"] == "running"]  # fmt: skip
        if busy:
            pid = services.running("worker")
            os.killpg(pid, signal.SIGKILL)  # the worker and the task it runs
            killed.append(busy[0]["task_id"])  # supervisord starts the worker again

    run = api.wait_run("ingest_eurostat", timeout=600, during=kill_worker_mid_task)
    assert killed, "no task was running on the worker to kill"
    tries = {t["task_id"]: t["try_number"] for t in api.tasks("ingest_eurostat", run["dag_run_id"])}
    assert tries[killed[0]] >= 2, tries
    with psycopg.connect(warehouse_dsn) as conn:
        batches = conn.execute(
            "select dataset, count(*), bool_and(rows_received = rows_loaded + rows_quarantined)"
            " from ops.batches where source = 'eurostat' group by 1"
        ).fetchall()
    # Every dataset once, whole, though one task ran twice.
    assert len(batches) == 5 and all(n == 1 and whole for _, n, whole in batches), batches
