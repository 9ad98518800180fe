"""Local runtime: the warehouse to use, and Airflow/dbt invoked as the DAGs would be.

`mwh run` and the tests both go through here, so the newcomer's path and CI's are one.
"""

from __future__ import annotations

import os
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
    to_uri,
    warehouse_dsn,
)
from ingest.orchestration import dbt_executable, venv_bin


class StepFailed(RuntimeError):
    pass


def ensure_warehouse() -> tuple[str, bool]:
    """The configured warehouse, or the embedded one (started if needed). (dsn, embedded)."""
    dsn = warehouse_dsn()
    if dsn:
        return dsn, False
    from ingest.embedded import default_server

    return default_server().start(), True


def airflow_home() -> Path:
    return Path(os.environ.get("AIRFLOW_HOME", state_dir() / "airflow"))


def airflow_env(dsn: str, home: Path | None = None) -> dict[str, str]:
    """Environment for a local Airflow: SQLite metadata in the state folder, our DAGs only."""
    home = home or airflow_home()
    home.mkdir(parents=True, exist_ok=True)
    secret_file = home / "jwt_secret"
    if not secret_file.exists():
        secret_file.write_text(secrets.token_urlsafe(32))
        secret_file.chmod(0o600)
    env = {
        **os.environ,
        **TELEMETRY_OFF,
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(PROJECT_ROOT / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
        "AIRFLOW__API_AUTH__JWT_SECRET": secret_file.read_text().strip(),
        "AIRFLOW__LOGGING__LOGGING_LEVEL": "INFO",
        "AIRFLOW_CONN_WAREHOUSE": to_uri(dsn),
        # `dags test` waits out retry delays in-process; a local run reports failures at once.
        "MWH_TASK_RETRIES": os.environ.get("MWH_TASK_RETRIES", "0"),
        "WAREHOUSE_DSN": dsn,
    }
    env.setdefault("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", f"sqlite:///{home / 'airflow.db'}")
    return env


def run_logged(
    cmd: Sequence[str], *, env: dict[str, str], log_file: Path, cwd: Path = PROJECT_ROOT
) -> None:
    """Run a command with its output in a log file; on failure show the log's tail."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with log_file.open("w") as out:
        res = subprocess.run(list(cmd), env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
    if res.returncode != 0:
        tail = "\n".join(log_file.read_text(errors="replace").splitlines()[-40:])
        raise StepFailed(
            f"{' '.join(cmd[:3])} failed (exit {res.returncode}); log {log_file}:\n{tail}"
        )


def airflow_db_migrate(env: dict[str, str]) -> None:
    run_logged(
        [venv_bin("airflow"), "db", "migrate"],
        env=env, log_file=Path(env["AIRFLOW_HOME"]) / "logs" / "db-migrate.log",
    )  # fmt: skip


def airflow_dags_test(dag_id: str, env: dict[str, str], logical_date: str | None = None) -> Path:
    """Run one DAG once through Airflow (`airflow dags test`): real scheduler code paths,
    real task runner, no separate scheduler process needed."""
    log_file = Path(env["AIRFLOW_HOME"]) / "logs" / f"dags-test-{dag_id}.log"
    cmd = [venv_bin("airflow"), "dags", "test", dag_id]
    if logical_date:
        cmd.append(logical_date)
    # `dags test` exits non-zero when the run fails.
    run_logged(cmd, env=env, log_file=log_file)
    return log_file


def dbt(args: Sequence[str], dsn: str, *, log_name: str = "dbt") -> None:
    env = {**os.environ, **TELEMETRY_OFF, **dbt_env(dsn)}
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
