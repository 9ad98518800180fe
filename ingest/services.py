"""`mwh up --services` / `mwh down`: Airflow 3's own services on this machine.

The api-server (UI and REST API on 127.0.0.1:8080), scheduler, dag-processor and
triggerer, and with `--executor celery` Celery workers on Redis, each a process of its
own with its log in `.mwh/services/logs/` and its PID in `.mwh/services/<name>.pid`.
Airflow's metadata lives in a PostgreSQL database (`airflow`) on the warehouse's
server: the embedded one unless WAREHOUSE_DSN names another. `mwh down` stops only
the processes whose PID files `mwh up` wrote, and only if they are still those
processes (a PID reused by something else is left alone).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from ingest.config import PROJECT_ROOT, dsn_parts, state_dir
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


def services_dir() -> Path:
    return state_dir() / "services"


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

    path = services_dir() / name
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


def _pid_file(name: str) -> Path:
    return services_dir() / f"{name}.pid"


def log_file(name: str) -> Path:
    return services_dir() / "logs" / f"{name}.log"


def _start_time(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (/proc/<pid>/stat field 22):
    with the PID, it names one process even after the PID is reused."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


def running(name: str) -> int | None:
    """The PID of service `name` if `mwh up` started it and it still runs."""
    try:
        pid_s, started = _pid_file(name).read_text().split()
    except (OSError, ValueError):
        return None
    pid = int(pid_s)
    if _start_time(pid) != started:
        return None
    state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    return None if state == "Z" else pid


def start(name: str, argv: list[str], env: dict[str, str]) -> int:
    """Start one service in a session of its own (so `stop` reaches its children)."""
    log = log_file(name)
    log.parent.mkdir(parents=True, exist_ok=True)
    service_env = dict(env)
    if name == "scheduler" or name in CELERY_WORKERS:
        service_env["MWH_PRELOAD_TASK_MODULES"] = "1"
    if name in WORKER_LOG_PORTS:
        service_env["AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT"] = str(WORKER_LOG_PORTS[name])
    with log.open("a") as out:
        proc = subprocess.Popen(
            argv, env=service_env, cwd=PROJECT_ROOT, stdout=out, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
    _pid_file(name).write_text(f"{proc.pid} {_start_time(proc.pid)}\n")
    return proc.pid


def stop(*names: str, timeout: float = 30.0, sig: int = signal.SIGTERM) -> list[str]:
    """Stop services and their children (each one's process group): `sig` to all at
    once, then SIGKILL to what still runs after `timeout`. Returns those that ran."""
    pids = {}
    for name in names:
        pid = running(name)
        _pid_file(name).unlink(missing_ok=True)
        if pid is not None:
            pids[name] = pid
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, sig)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(map(_group_alive, pids.values())):
        time.sleep(0.2)
    for pid in pids.values():
        if _group_alive(pid):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
    return list(pids)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    # A zombie leader (not yet reaped by its parent) keeps the group "alive".
    return any(
        _stat_field(p, 4) == str(pgid) and _stat_field(p, 2) != "Z"
        for p in Path("/proc").iterdir()
        if p.name.isdigit()
    )


def _stat_field(proc: Path, n: int) -> str | None:
    try:
        return (proc / "stat").read_text().rsplit(")", 1)[1].split()[n - 2]
    except (OSError, IndexError):
        return None


def started_services() -> list[str]:
    return sorted(p.stem for p in services_dir().glob("*.pid"))


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
        dead = [n for n in names if running(n) is None]
        if dead:
            raise RuntimeError(f"{dead[0]} exited; its log {log_file(dead[0])}:\n{_tail(dead[0])}")
        waiting = _unhealthy(names)
        if not waiting:
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"not healthy after {timeout:.0f}s: {', '.join(waiting)}")
        time.sleep(1)


def _tail(name: str, lines: int = 30) -> str:
    try:
        return "\n".join(log_file(name).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


# ------------------------------------------------------------------ up / down


def up(admin_dsn: str, executor: str = "local", echo: Callable[[str], None] = print) -> dict:
    """Start every service not already running; returns the environment they run in."""
    from ingest.runtime import airflow_db_migrate

    env = services_env(admin_dsn, executor)
    echo("      Airflow metadata: airflow db migrate (PostgreSQL)")
    airflow_db_migrate(env)
    commands = planned(executor)
    for name, argv in commands.items():
        if running(name):
            echo(f"      {name}: already running (pid {running(name)})")
            continue
        echo(f"      {name}: started (pid {start(name, argv, env)}), log {log_file(name)}")
    wait_healthy(list(commands))
    return env


def down(echo: Callable[[str], None] = print) -> list[str]:
    """Stop what `up` started: workers first, the api-server last."""
    order = [*reversed(CELERY_WORKERS), "scheduler", "triggerer", "dag-processor", "api-server"]
    names = sorted(started_services(), key=lambda n: order.index(n) if n in order else -1)
    stopped = stop(*names)
    for name in stopped:
        echo(f"      {name}: stopped")
    return stopped
