"""`mwh up --services` on the embedded PostgreSQL, as a machine with no warehouse
configured runs it: Airflow's metadata and the warehouse on one server, restarted
(`mwh stop`'s fast shutdown, then a start) while a task is writing to the warehouse.
The broken task is retried and succeeds, the services reconnect, nothing is loaded
twice.

A server of this module's own: restarting the machine's shared server would cut every
other test's database.
"""

from __future__ import annotations

import time

import psycopg
import pytest

from ingest import services
from ingest.embedded import EmbeddedServer
from ingest.roles import LOADER
from ingest.warehouse import migrate
from tests.e2e.services_api import running_services

# `make test-services`: minutes of scheduler time that `make test` cannot afford.
pytestmark = [pytest.mark.e2e, pytest.mark.services]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = EmbeddedServer(tmp_path_factory.mktemp("embedded") / "postgres")
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def up(server, dbt_manifest, tmp_path_factory):
    migrate(server.dsn())
    home = tmp_path_factory.mktemp("services-pg")
    yield from running_services("local", server.dsn(), dbt_manifest, server.dsn("postgres"), home)


def _loader_busy(server: EmbeddedServer) -> bool:
    """A task's connection is in the middle of a statement or a transaction."""
    with psycopg.connect(server.dsn("postgres"), connect_timeout=5) as conn:
        return conn.execute(
            "select exists (select from pg_stat_activity where usename = %s"
            " and state in ('active', 'idle in transaction'))",
            (LOADER,),
        ).fetchone()[0]


def test_postgres_restarted_mid_task(up, server):
    env, api = up
    restarted = []

    def restart_mid_write(run):
        """Once a task holds a transaction on the warehouse: stop the server (fast:
        every session cut) and start it again on the same port."""
        if restarted or run["state"] != "running":
            return
        deadline = time.monotonic() + 2  # the next poll looks again
        while time.monotonic() < deadline:
            if _loader_busy(server):
                dsn = server.dsn()
                server.stop()
                time.sleep(2)  # down long enough for the services to notice
                assert server.start() == dsn
                restarted.append(time.monotonic())
                return
            time.sleep(0.05)

    # Unpaused, the DAG runs its latest interval at once: the samples' first load.
    api.unpause("ingest_eurostat")
    run = api.wait_run("ingest_eurostat", timeout=600, during=restart_mid_write)
    assert restarted, "no task was writing to the warehouse when it was polled"
    # Every task ended well: the one whose session was cut failed and was retried, or
    # (when the cut fell between its statements) reconnected on its next one.
    states = {t["task_id"]: t["state"] for t in api.tasks("ingest_eurostat", run["dag_run_id"])}
    assert set(states.values()) == {"success"}, states
    with psycopg.connect(server.dsn()) as conn:
        batches = conn.execute(
            "select dataset, count(*), bool_and(rows_received = rows_loaded + rows_quarantined)"
            " from ops.batches where source = 'eurostat' group by 1"
        ).fetchall()
    # Every dataset once, whole, though a task ran twice.
    assert len(batches) == 5 and all(n == 1 and whole for _, n, whole in batches), batches
    # The services came through the restart: the scheduler heartbeats again, and a new
    # run (the same payloads: a no-op) is scheduled and completes.
    assert services.health()["scheduler"]["status"] == "healthy"
    again = api.call("POST", "/api/v2/dags/ingest_eurostat/dagRuns", {"logical_date": None})
    api.wait_run("ingest_eurostat", run_id=again["dag_run_id"], timeout=300)
