"""`mwh bench transform`: the transform DAG next to a plain `dbt build` of the project.

In a scratch database the bundled samples are ingested once (ingest.samples); then each
timed pair starts from two identical copies of it (`CREATE DATABASE … TEMPLATE`):

* ours: the `transform` DAG run by Airflow (`DAG.test()` in one process, as `mwh run`
  runs it): prepare the shadow schemas, one cosmos watcher `dbt build`, a task per
  model and per model's tests, the blue/green publish;
* the baseline: `dbt build` of the same project with the same threads into the live
  schemas, as a person would type it.

Both parse the project from scratch (their own target folders), so the ratio is what
Airflow, cosmos and publishing add to dbt's own work. After each pair both copies must
hold the same rows in every mart, so the bench checks itself.
"""

from __future__ import annotations

import logging
import statistics
import tempfile
import time
from pathlib import Path

from psycopg import sql

from ingest.bench import _drop_database, checkpoint, recreate_database
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


def run_dag(dsn: str, home: Path) -> float:
    from ingest.runtime import airflow_env, run_dags

    env = airflow_env(dsn, home=home)
    started = time.perf_counter()
    run_dags(["transform"], env, echo=log.info, log_name="bench-transform")
    return time.perf_counter() - started


def run_plain(dsn: str, folder: Path, threads: int) -> float:
    from ingest.runtime import dbt

    started = time.perf_counter()
    dbt(["build", "--threads", str(threads), "--target-path", str(folder / "target"),
         "--log-path", str(folder / "logs")], dsn, log_name="bench-dbt-build")  # fmt: skip
    return time.perf_counter() - started


def bench_transform(admin_dsn: str, repeat: int = 1, *, database: str = DATABASE) -> dict:
    """The benchmark on the admin connection's server; scratch databases `database*`."""
    from ingest.orchestration import dbt_threads
    from ingest.runtime import airflow_db_migrate, airflow_env, dbt_parse
    from ingest.samples import ingest_samples

    if repeat < 1:
        raise ValueError("bench: need repeat >= 1")
    threads = dbt_threads()
    ours_db, plain_db = f"{database}_dag", f"{database}_dbt"
    with tempfile.TemporaryDirectory(prefix="mwh-bench-transform-") as tmp:
        tmp = Path(tmp)
        started = time.perf_counter()
        template = recreate_database(admin_dsn, database)
        ingest_samples(template, tmp / "landing")
        dbt_parse(template, log_name="bench-dbt-parse")
        home = tmp / "airflow"
        airflow_db_migrate(airflow_env(template, home=home))
        setup_s = time.perf_counter() - started
        ours, plain = [], []
        for i in range(repeat):
            dag_dsn = _clone(admin_dsn, database, ours_db)
            dbt_dsn = _clone(admin_dsn, database, plain_db)
            checkpoint(dag_dsn)
            # Alternated, so a slow spell of the machine hits both sides alike.
            for side in ("dag", "dbt") if i % 2 == 0 else ("dbt", "dag"):
                if side == "dag":
                    ours.append(run_dag(dag_dsn, home))
                else:
                    plain.append(run_plain(dbt_dsn, tmp / f"dbt{i}", threads))
            if mart_digest(dag_dsn) != mart_digest(dbt_dsn):
                raise RuntimeError("bench: the DAG's marts differ from dbt build's")
            log.info("bench: run %s/%s: transform DAG %.1fs, dbt build %.1fs",
                     i + 1, repeat, ours[-1], plain[-1])  # fmt: skip
        with connect(dag_dsn) as conn:
            (marts,) = conn.execute(
                "select count(*) from pg_tables where schemaname = 'marts'").fetchone()  # fmt: skip
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
        "ours": "transform DAG (cosmos watcher, blue/green publish) via DAG.test()",
        "baseline": f"dbt build --threads {threads}",
        "mart_tables_compared": marts,
        "setup_s": round(setup_s, 1),
        "ours_runs_s": [round(s, 1) for s in ours],
        "baseline_runs_s": [round(s, 1) for s in plain],
    }
