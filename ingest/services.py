"""`mwh up --services` / `mwh down`: Airflow 3's own services on this machine.

The api-server (UI and REST API on 127.0.0.1:8080), scheduler, dag-processor and
triggerer, and with `--executor celery` Celery workers on Redis, each a process group
of its own under supervisord (ingest/supervision.py), which starts it again whenever
it exits, with its log in `.mwh/services/logs/`. Airflow's metadata lives in a
PostgreSQL database (`airflow`) on the warehouse's server: the embedded one unless
WAREHOUSE_DSN names another. `mwh down` stops the services, supervisord and whatever
is left in supervisord's session, nothing else.
"""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from ingest import supervision
from ingest.config import PROJECT_ROOT, dsn_parts
from ingest.orchestration import AIRFLOW_SETTINGS, DBT_QUEUE, venv_bin

EXECUTORS = {"local": "LocalExecutor", "celery": "CeleryExecutor"}
CORE = ("api-server", "scheduler", "dag-processor", "triggerer")
# Two workers, one per queue: the dbt build (MWH_DBT_QUEUE) apart from every other
# task, as on two machines. docker-compose.yml runs the same two (a test checks it).
CELERY_WORKERS = {
    "worker": ["--queues", "default"],
    "worker-dbt": ["--queues", DBT_QUEUE, "--concurrency", "1"],
}
# Each worker serves its task logs to the UI on a port of its own (8793 is the
# LocalExecutor's, 8794 the triggerer's).
WORKER_LOG_PORTS = {"worker": 8795, "worker-dbt": 8796}
DEFAULT_BROKER = "redis://127.0.0.1:6379/0"


def api_port() -> int:
    return int(os.environ.get("MWH_API_PORT", "8080"))


def api_url() -> str:
    return f"http://127.0.0.1:{api_port()}"


def password_file(env: dict[str, str]) -> Path:
    """Airflow's own file of generated SimpleAuthManager passwords."""
    configured = env.get("AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE")
    return Path(
        configured or Path(env["AIRFLOW_HOME"]) / "simple_auth_manager_passwords.json.generated"
    )


def admin_password(env: dict[str, str]) -> str:
    user = AIRFLOW_SETTINGS["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS"].split(":")[0]
    return json.loads(password_file(env).read_text())[user]


# ------------------------------------------------------------------ environment


def metadata_url(admin_dsn: str) -> str:
    """SQLAlchemy URL of Airflow's metadata database beside the warehouse, created if
    missing (MWH_AIRFLOW_DB names it; `airflow` by default)."""
    import psycopg
    from psycopg import sql
    from sqlalchemy.engine import URL

    name = os.environ.get("MWH_AIRFLOW_DB", "airflow")
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        exists = conn.execute("select 1 from pg_database where datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    p = dsn_parts(admin_dsn)
    return URL.create(
        "postgresql+psycopg", username=p.get("user"), password=p.get("password"),
        host=p.get("host"), port=int(p.get("port") or 5432), database=name,
    ).render_as_string(hide_password=False)  # fmt: skip


def _secret(name: str) -> str:
    """A per-installation secret every service must share, kept in the state folder."""
    import secrets

    path = supervision.services_dir() / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(32))
        path.chmod(0o600)
    return path.read_text().strip()


def services_env(admin_dsn: str, executor: str = "local") -> dict[str, str]:
    """`mwh run`'s Airflow environment (ingest/runtime.py) plus what long-running
    services need: PostgreSQL metadata, the executor, the API's address, the shared
    secrets and real task retries."""
    from ingest.runtime import airflow_env

    env = airflow_env(admin_dsn)
    if "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN" not in os.environ:
        env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = metadata_url(admin_dsn)
    metadata = env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
    if metadata.startswith("postgresql+psycopg:"):
        # Airflow would derive asyncpg (not installed) for its async engine; psycopg
        # 3 does both.
        env.setdefault("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_ASYNC",
                       metadata.replace("+psycopg:", "+psycopg_async:", 1))  # fmt: skip
    env.update({
        "AIRFLOW__CORE__EXECUTOR": EXECUTORS[executor],
        # A scheduler runs the transform's node tasks alongside the build.
        "MWH_NODE_TASKS_AFTER_BUILD": "0",
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__API__PORT": str(api_port()),
        "AIRFLOW__API__BASE_URL": api_url(),
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{api_url()}/execution/",
        "AIRFLOW__API__SECRET_KEY": _secret("api_secret_key"),
        # Two cores run a handful of tasks well; dozens at once only thrash.
        "AIRFLOW__CORE__PARALLELISM": os.environ.get(
            "AIRFLOW__CORE__PARALLELISM", str(max(4, 2 * (os.cpu_count() or 2)))),
        "MWH_TASK_RETRIES": os.environ.get("MWH_TASK_RETRIES")
        or AIRFLOW_SETTINGS["MWH_TASK_RETRIES"],
        # ingest/preload/airflow_local_settings.py: the task forks' imports, done once.
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(PROJECT_ROOT / "ingest" / "preload"), os.environ.get("PYTHONPATH")])),
        "AIRFLOW__CELERY__BROKER_URL": os.environ.get("MWH_CELERY_BROKER_URL", DEFAULT_BROKER),
        "AIRFLOW__CELERY__RESULT_BACKEND": "db+" + metadata.replace("+psycopg", "", 1),
    })  # fmt: skip
    return env


def planned(executor: str) -> dict[str, list[str]]:
    """Each service's command line, in start order."""
    airflow = venv_bin("airflow")
    out = {name: [airflow, name] for name in CORE}
    out["api-server"] += ["--host", "127.0.0.1", "--port", str(api_port())]
    if executor == "celery":
        for name, args in CELERY_WORKERS.items():
            out[name] = [airflow, "celery", "worker", *args,
                         "--celery-hostname", f"{name}@%h"]  # fmt: skip
    return out


# ------------------------------------------------------------------ processes


def environments() -> dict[str, dict[str, str]]:
    """What each service adds to the shared environment."""
    out: dict[str, dict[str, str]] = {
        "scheduler": {"MWH_PRELOAD_TASK_MODULES": "1"},
        "dag-processor": {"MWH_PRELOAD_TASK_MODULES": "parse"},
    }
    for name, port in WORKER_LOG_PORTS.items():
        out[name] = {"MWH_PRELOAD_TASK_MODULES": "1",
                     "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(port)}  # fmt: skip
    return out


def running(name: str) -> int | None:
    """The PID of service `name` if it runs under `mwh up`'s supervisord."""
    info = supervision.processes().get(name)
    return info["pid"] if info and info["statename"] == "RUNNING" else None


def started_services() -> list[str]:
    return sorted(supervision.processes())


# ------------------------------------------------------------------ health


def health() -> dict:
    """The api-server's /api/v2/monitor/health (no login needed), {} when unreachable."""
    try:
        with urllib.request.urlopen(f"{api_url()}/api/v2/monitor/health", timeout=5) as r:
            return json.load(r)
    except (urllib.error.URLError, OSError, ValueError):
        return {}


def _unhealthy(names: list[str]) -> list[str]:
    h = health()
    if not h:
        return ["api-server"]
    parts = {"scheduler": "scheduler", "dag-processor": "dag_processor",
             "triggerer": "triggerer"}  # fmt: skip
    return [n for n in names if n in parts and h.get(parts[n], {}).get("status") != "healthy"]


def wait_healthy(names: list[str], *, timeout: float = 180.0) -> None:
    """Until the api-server answers and the named services report healthy heartbeats;
    a service that exits meanwhile fails at once with its log's tail."""
    deadline = time.monotonic() + timeout
    while True:
        states = supervision.processes()
        dead = [n for n in names if states.get(n, {}).get("statename") in (None, "FATAL")]
        if dead:
            raise RuntimeError(
                f"{dead[0]} keeps exiting; its log {supervision.log_file(dead[0])}:\n"
                + supervision.tail(dead[0])
            )
        waiting = _unhealthy(names)
        if not waiting:
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"not healthy after {timeout:.0f}s: {', '.join(waiting)}")
        time.sleep(1)


# ------------------------------------------------------------------ up / down


def up(admin_dsn: str, executor: str = "local", echo: Callable[[str], None] = print) -> dict:
    """Start the services under supervisord (or start again those that stopped);
    returns the environment they run in."""
    from ingest.runtime import airflow_db_migrate

    env = services_env(admin_dsn, executor)
    commands = planned(executor)
    current = supervision.supervisord()
    if current and current[1] != executor:
        raise RuntimeError(f"the services run with the {current[1]} executor: `mwh down` first")
    echo("      Airflow metadata: airflow db migrate (PostgreSQL)")
    airflow_db_migrate(env)
    if current:
        echo(f"      supervisord already running (pid {current[0]}): starting what stopped")
        supervision.start_stopped()
    else:
        pid = supervision.start(commands, environments(), env, executor)
        echo(f"      supervisord (pid {pid}) started {', '.join(commands)}; "
             f"logs in {supervision.log_file('supervisord').parent}")  # fmt: skip
    wait_healthy(list(commands))
    return env


def down(echo: Callable[[str], None] = print) -> list[str]:
    """Stop what `up` started (workers first, the api-server last) and supervisord."""
    names = [n for n, i in supervision.processes().items() if i["statename"] != "STOPPED"]
    supervision.shutdown()
    for name in names:
        echo(f"      {name}: stopped")
    return names
