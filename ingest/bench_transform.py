"""`mwh bench transform`: the transform DAG next to a plain `dbt build` of the project.

In a scratch database the bundled samples are ingested once (ingest.samples); then each
timed pair starts from two identical copies of it (`CREATE DATABASE … TEMPLATE`):

* ours: the `transform` DAG run by Airflow: prepare the shadow schemas, one cosmos
  watcher `dbt build`, a task per model and per model's tests, the blue/green
  publish. `--runner services` (the default) runs it as a deployment does: a run
  triggered through the REST API of a scratch set of `mwh up` services (scheduler,
  LocalExecutor, triggerer), timed from the trigger to the run's success as the API
  reports it. `--runner dags-test` runs it as `mwh run` does (`DAG.test()`, one
  process, one task at a time);
* the baseline: `dbt build` of the same project with the same threads into the live
  schemas, as a person would type it.

Both parse the project from scratch (their own target folders), so the ratio is what
Airflow, cosmos and publishing add to dbt's own work. After each pair both copies must
hold the same rows in every mart, so the bench checks itself.
"""

from __future__ import annotations

import contextlib
import logging
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from psycopg import sql

from ingest.bench import _drop_database, checkpoint, recreate_database
from ingest.transform_dag import PRODUCER_TASK_ID
from ingest.warehouse import connect, copy_database

log = logging.getLogger(__name__)

DATABASE = "mwh_bench_transform"


def _clone(admin_dsn: str, template: str, name: str) -> str:
    with connect(admin_dsn, autocommit=True) as conn:
        _drop_database(conn, name)
        # A template must have no sessions: the ingest's pooled GX connections linger.
        conn.execute("select pg_terminate_backend(pid) from pg_stat_activity"
                     " where datname = %s and pid <> pg_backend_pid()", (template,))  # fmt: skip
    return copy_database(admin_dsn, template, name)


def mart_digest(dsn: str, *, role: str | None = None) -> dict[str, str]:
    """md5 over every row of every table in `marts`, per table (as `role`, if given)."""
    with connect(dsn) as conn:
        if role:
            conn.execute(sql.SQL("set role {}").format(sql.Identifier(role)))
        tables = [t for (t,) in conn.execute(
            "select tablename from pg_tables where schemaname = 'marts' order by 1")]  # fmt: skip
        return {
            t: conn.execute(sql.SQL(
                "select md5(coalesce(string_agg(r::text, '|' order by r::text), ''))"
                " from {} as r").format(sql.Identifier("marts", t))).fetchone()[0]
            for t in tables
        }  # fmt: skip


RUNNERS = {
    "services": "transform DAG (cosmos watcher, blue/green publish) triggered through the"
    " REST API of `mwh up --services` (LocalExecutor)",
    "dags-test": "transform DAG (cosmos watcher, blue/green publish) via DAG.test()",
}


def dag_runner(runner: str, stack: contextlib.ExitStack, admin_dsn: str, dsn: str,
               folder: Path, database: str) -> Callable[[], tuple[float, dict]]:  # fmt: skip
    """A function that runs the transform DAG once on `dsn` and returns its seconds
    and, under the services, where they went; the services stay up until `stack`
    closes."""
    from ingest.runtime import airflow_db_migrate, airflow_env, run_dags

    if runner == "dags-test":
        env = airflow_env(dsn, home=folder / "airflow")
        airflow_db_migrate(env)

        def run() -> tuple[float, dict]:
            started = time.perf_counter()
            run_dags(["transform"], env, echo=log.info, log_name="bench-transform")
            return time.perf_counter() - started, {}

        return run
    from ingest.services_api import scratch

    log.info("bench: starting the services (scheduler, dag-processor, triggerer, api-server)")
    _, api = stack.enter_context(scratch(
        "local", dsn, admin_dsn, folder / "services", dag_ids={"transform"},
        metadata_db=f"{database}_airflow"))  # fmt: skip
    api.unpause("transform")

    def run() -> tuple[float, dict]:
        started = time.perf_counter()
        run_id = api.trigger("transform")["dag_run_id"]
        api.wait_run("transform", run_id=run_id, timeout=3600, poll=0.5)
        return time.perf_counter() - started, run_phases(api.tasks("transform", run_id))

    return run


def run_phases(tasks: list[dict]) -> dict[str, float]:
    """Where a run's time went, from its task instances: the producer's `dbt build`,
    the model and test tasks after it, and how many tasks needed a worker (the rest
    ran in the triggerer)."""
    from datetime import datetime

    def at(t: dict, key: str) -> datetime:
        return datetime.fromisoformat(t[key])

    by_id = {t["task_id"]: t for t in tasks}
    producer, publish = by_id[PRODUCER_TASK_ID], by_id["publish"]
    consumers = [t for t in tasks if t["task_id"] not in (PRODUCER_TASK_ID, "publish",
                                                           "prepare_shadow")]  # fmt: skip
    on_workers = [t for t in tasks if t["queued_when"]]
    last_consumer = max(at(t, "end_date") for t in consumers)
    return {
        "tasks": len(tasks),
        "tasks_on_workers": len(on_workers),
        "producer_s": round(producer["duration"], 1),
        "consumers_after_producer_s": round(
            (last_consumer - at(producer, "end_date")).total_seconds(), 1),
        "queued_to_start_median_s": round(statistics.median(
            (at(t, "start_date") - at(t, "queued_when")).total_seconds()
            for t in on_workers), 2),
        "publish_s": round(publish["duration"], 1),
        "publish_end_after_producer_s": round(
            (at(publish, "end_date") - at(producer, "end_date")).total_seconds(), 1),
    }  # fmt: skip


def run_plain(dsn: str, folder: Path, threads: int) -> float:
    from ingest.runtime import dbt

    started = time.perf_counter()
    dbt(["build", "--threads", str(threads), "--target-path", str(folder / "target"),
         "--log-path", str(folder / "logs")], dsn, log_name="bench-dbt-build")  # fmt: skip
    return time.perf_counter() - started


def bench_transform(admin_dsn: str, repeat: int = 1, *, database: str = DATABASE,
                    runner: str = "services") -> dict:  # fmt: skip
    """The benchmark on the admin connection's server; scratch databases `database*`."""
    from ingest.orchestration import dbt_threads
    from ingest.runtime import dbt_parse
    from ingest.samples import ingest_samples

    if repeat < 1:
        raise ValueError("bench: need repeat >= 1")
    if runner not in RUNNERS:
        raise ValueError(f"bench: runner is one of {', '.join(RUNNERS)}")
    threads = dbt_threads()
    ours_db, plain_db = f"{database}_dag", f"{database}_dbt"
    with tempfile.TemporaryDirectory(prefix="mwh-bench-transform-") as tmp, \
            contextlib.ExitStack() as stack:  # fmt: skip
        tmp = Path(tmp)
        started = time.perf_counter()
        template = recreate_database(admin_dsn, database)
        ingest_samples(template, tmp / "landing")
        dbt_parse(template, log_name="bench-dbt-parse")
        run_dag = None
        ours, plain = [], []
        for i in range(repeat):
            dag_dsn = _clone(admin_dsn, database, ours_db)
            if run_dag is None:
                # The services start once, on the first copy (its name never changes).
                run_dag = dag_runner(runner, stack, admin_dsn, dag_dsn, tmp, database)
                setup_s = time.perf_counter() - started
            dbt_dsn = _clone(admin_dsn, database, plain_db)
            checkpoint(dag_dsn)
            # Alternated, so a slow spell of the machine hits both sides alike.
            for side in ("dag", "dbt") if i % 2 == 0 else ("dbt", "dag"):
                if side == "dag":
                    seconds, phases = run_dag()
                    ours.append(seconds)
                else:
                    plain.append(run_plain(dbt_dsn, tmp / f"dbt{i}", threads))
            if mart_digest(dag_dsn) != mart_digest(dbt_dsn):
                raise RuntimeError("bench: the DAG's marts differ from dbt build's")
            log.info("bench: run %s/%s: transform DAG %.1fs (%s), dbt build %.1fs",
                     i + 1, repeat, ours[-1], phases, plain[-1])  # fmt: skip
        with connect(dag_dsn) as conn:
            (marts,) = conn.execute(
                "select count(*) from pg_tables where schemaname = 'marts'").fetchone()  # fmt: skip
        stack.close()
        with connect(admin_dsn, autocommit=True) as conn:
            for name in (ours_db, plain_db):
                _drop_database(conn, name)
    ours_s, plain_s = statistics.median(ours), statistics.median(plain)
    return {
        "repeat": repeat,
        "threads": threads,
        "ours_s": round(ours_s, 1),
        "baseline_s": round(plain_s, 1),
        "ratio": round(ours_s / plain_s, 2),
        "runner": runner,
        "ours": RUNNERS[runner],
        "ours_last_run_phases": phases,
        "baseline": f"dbt build --threads {threads}",
        "mart_tables_compared": marts,
        "setup_s": round(setup_s, 1),
        "ours_runs_s": [round(s, 1) for s in ours],
        "baseline_runs_s": [round(s, 1) for s in plain],
    }
