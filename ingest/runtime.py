"""Local runtime: the warehouse to use, and Airflow/dbt invoked as the DAGs would be.

`mwh run` and the tests both go through here, so the newcomer's path and CI's are one.
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import time
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from pathlib import Path

from ingest.config import (
    DBT_PROJECT_DIR,
    PROJECT_ROOT,
    TELEMETRY_OFF,
    dbt_env,
    redact,
    state_dir,
    warehouse_dsn,
)
from ingest.dag_runner import MARKER
from ingest.orchestration import AIRFLOW_SETTINGS, dbt_executable, venv_bin


class StepFailed(RuntimeError):
    pass


def ensure_warehouse() -> tuple[str, bool]:
    """The configured warehouse, or the embedded one (started if needed). (dsn, embedded)."""
    dsn = warehouse_dsn()
    if dsn:
        return dsn, False
    from ingest.embedded import default_server
    from ingest.roles import use_embedded_passwords

    server = default_server()
    dsn = server.start()
    use_embedded_passwords(server)
    return dsn, True


def airflow_home() -> Path:
    return Path(os.environ.get("AIRFLOW_HOME", state_dir() / "airflow"))


def airflow_env(dsn: str, home: Path | None = None) -> dict[str, str]:
    """Environment for a local Airflow: SQLite metadata in the state folder, our DAGs only.
    `dsn` is the warehouse's admin DSN; the tasks get the runtime roles' logins only."""
    from ingest.roles import LOADER, TRANSFORMER, runtime_dsn

    home = home or airflow_home()
    home.mkdir(parents=True, exist_ok=True)
    secret_file = home / "jwt_secret"
    if not secret_file.exists():
        secret_file.write_text(secrets.token_urlsafe(32))
        secret_file.chmod(0o600)
    env = {
        **AIRFLOW_SETTINGS,
        **os.environ,
        **TELEMETRY_OFF,
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(PROJECT_ROOT / "dags"),
        "AIRFLOW__API_AUTH__JWT_SECRET": secret_file.read_text().strip(),
        "AIRFLOW__LOGGING__LOGGING_LEVEL": "INFO",
        "AIRFLOW_CONN_WAREHOUSE": runtime_dsn(dsn, LOADER),
        "AIRFLOW_CONN_WAREHOUSE_TRANSFORM": runtime_dsn(dsn, TRANSFORMER),
        # `dags test` waits out retry delays in-process; a local run reports failures at once.
        "MWH_TASK_RETRIES": os.environ.get("MWH_TASK_RETRIES", "0"),
        "WAREHOUSE_DSN": runtime_dsn(dsn, LOADER),
        # `dags test` runs one task at a time: the transform's node tasks follow the
        # build (ingest/transform_dag.py).
        "MWH_NODE_TASKS_AFTER_BUILD": "1",
    }
    env.setdefault("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", f"sqlite:///{home / 'airflow.db'}")
    return env


def run_logged(
    cmd: Sequence[str],
    *,
    env: dict[str, str],
    log_file: Path,
    cwd: Path = PROJECT_ROOT,
    on_line: Callable[[str], None] | None = None,
) -> None:
    """Run a command with its output in a log file; on failure show the log's tail.
    `on_line` sees each line of the log as it is written (progress reports)."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with log_file.open("w") as out, log_file.open(errors="replace") as follow:
        proc = subprocess.Popen(list(cmd), env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        while True:
            done = proc.poll() is not None
            for line in follow.readlines() if on_line else ():
                on_line(line)
            if done:
                break
            time.sleep(0.5)
    if proc.returncode != 0:
        tail = "\n".join(log_file.read_text(errors="replace").splitlines()[-40:])
        raise StepFailed(
            f"{' '.join(cmd[:3])} failed (exit {proc.returncode}); log {log_file}:\n{tail}"
        )


def airflow_db_migrate(env: dict[str, str]) -> None:
    run_logged(
        [venv_bin("airflow"), "db", "migrate"],
        env=env, log_file=Path(env["AIRFLOW_HOME"]) / "logs" / "db-migrate.log",
    )  # fmt: skip


class DagProgress:
    """Short progress lines from the DAG runner's log: each DAG's start and end, and
    while dbt builds, how many of its nodes are done (every few seconds)."""

    DBT_NODE = re.compile(r"\b(\d+) of (\d+) (OK|PASS|WARN|ERROR|FAIL|SKIP|NO-OP)\b")

    def __init__(self, echo: Callable[[str], None] = print, every: float = 5.0):
        self.echo, self.every = echo, every
        self.durations: dict[str, float] = {}
        self._done: set[int] = set()
        self._failed = 0
        self._last = 0.0

    def __call__(self, line: str) -> None:
        if line.startswith(MARKER):
            event, dag_id, *rest = line[len(MARKER) :].split()
            if event == "start":
                self._done.clear()
                self._failed = 0
                self.echo(f"      DAG {dag_id} ...")
            else:
                self.durations[dag_id] = float(rest[0].split()[0])
                self.echo(f"      DAG {dag_id}: {event} in {rest[0]}s")
            return
        m = self.DBT_NODE.search(line)
        if not m or int(m[1]) in self._done:
            return
        self._done.add(int(m[1]))
        self._failed += m[3] in ("ERROR", "FAIL")
        now = time.monotonic()
        if now - self._last >= self.every or len(self._done) == int(m[2]):
            self._last = now
            failed = f", {self._failed} failed" if self._failed else ""
            self.echo(f"        dbt: {len(self._done)}/{m[2]} nodes done{failed}")


def run_dags(
    dag_ids: Sequence[str], env: dict[str, str], *, echo: Callable[[str], None] = print,
    log_name: str = "dags",
) -> dict[str, float]:  # fmt: skip
    """Run DAGs once each, in order, through Airflow in one process (ingest.dag_runner:
    `DAG.test()`, as `airflow dags test` runs one), printing progress; stops at the first
    failed DAG run (StepFailed). Returns each DAG's seconds."""
    progress = DagProgress(echo)
    run_logged(
        [venv_bin("python"), "-m", "ingest.dag_runner", *dag_ids], env=env,
        log_file=Path(env["AIRFLOW_HOME"]) / "logs" / f"{log_name}.log", on_line=progress,
    )  # fmt: skip
    return progress.durations


def dbt_parse(dsn: str, *, log_name: str = "dbt-parse") -> Path:
    """The manifest cosmos renders the transform DAG from, parsed for the target the
    DAG builds (`shadow`), so that its `dbt build` can reuse the parse."""
    from ingest.orchestration import dbt_manifest

    # The producer passes --profile and --target: the same flags, or dbt parses anew.
    dbt(["parse", "--profile", "migration_warehouse", "--target", "shadow"], dsn,
        log_name=log_name)  # fmt: skip
    return dbt_manifest()


def dbt(args: Sequence[str], dsn: str, *, log_name: str = "dbt") -> None:
    """dbt as the pipeline runs it: the transformer's login on `dsn`'s database."""
    from ingest.roles import TRANSFORMER, runtime_dsn

    env = {**os.environ, **TELEMETRY_OFF, **dbt_env(runtime_dsn(dsn, TRANSFORMER))}
    run_logged(
        [dbt_executable(), *args, "--project-dir", str(DBT_PROJECT_DIR),
         "--profiles-dir", str(DBT_PROJECT_DIR)],
        env=env, log_file=state_dir() / "logs" / f"{log_name}.log",
    )  # fmt: skip


@contextmanager
def step(n: int, total: int, label: str, echo: Callable[[str], None] = print):
    echo(f"[{n}/{total}] {label} ...")
    started = time.perf_counter()
    yield
    echo(f"[{n}/{total}] {label}: done in {time.perf_counter() - started:.1f}s")


__all__ = ["StepFailed", "ensure_warehouse", "redact", "step"]
