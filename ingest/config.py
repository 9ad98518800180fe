"""Settings, read from the environment only (see .env.example)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlencode

from psycopg.conninfo import conninfo_to_dict, make_conninfo

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

# Telemetry would try the network, which production warehouses may not reach.
TELEMETRY_OFF = {
    "GX_ANALYTICS_ENABLED": "false",
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    "AIRFLOW__COSMOS__ENABLE_TELEMETRY": "False",
    "SCARF_ANALYTICS": "false",
    "DO_NOT_TRACK": "1",
}


def state_dir() -> Path:
    """Project-local, git-ignored folder for runtime state (embedded server, Airflow home)."""
    return Path(os.environ.get("MWH_HOME", PROJECT_ROOT / ".mwh"))


def private_dir(path: Path) -> Path:
    """`path` as a folder only this user can enter: reports and payloads name places
    and people's figures (the folders above it are the caller's to keep private)."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def private_opener(path: str, flags: int) -> int:
    """`open(..., opener=private_opener)`: a new file readable by this user only."""
    return os.open(path, flags, 0o600)


def payload_dir() -> Path:
    """Where fetched payloads wait between the fetch and load tasks (shared by workers)."""
    return Path(os.environ.get("MWH_PAYLOAD_DIR", state_dir() / "payloads"))


def live_mode() -> bool:
    """Live API calls only on request; the default reads the bundled sample payloads."""
    return os.environ.get("MWH_LIVE", "0").strip().lower() in {"1", "true", "yes", "on"}


def warehouse_dsn() -> str | None:
    """The one warehouse setting: WAREHOUSE_DSN, or the Airflow connection `warehouse`
    given as AIRFLOW_CONN_WAREHOUSE (what the compose file and `mwh run` set)."""
    dsn = os.environ.get("WAREHOUSE_DSN") or os.environ.get("AIRFLOW_CONN_WAREHOUSE")
    return normalise_dsn(dsn) if dsn else None


def normalise_dsn(dsn: str) -> str:
    """Accept libpq URIs, Airflow's `postgres://` form and SQLAlchemy's `+driver` form."""
    dsn = dsn.strip()
    for prefix in ("postgresql+psycopg://", "postgresql+psycopg2://", "postgres://"):
        if dsn.startswith(prefix):
            dsn = "postgresql://" + dsn[len(prefix) :]
    # Airflow URIs may carry `__extra__` query parameters that libpq would reject.
    if "__extra__" in dsn:
        dsn = dsn.split("?", 1)[0]
    return dsn


def dsn_parts(dsn: str) -> dict[str, str]:
    parts = conninfo_to_dict(dsn)
    return {k: str(v) for k, v in parts.items() if v is not None}


def sqlalchemy_url(dsn: str) -> str:
    """GX talks to PostgreSQL through SQLAlchemy; psycopg 3 is the installed driver."""
    p = dsn_parts(dsn)
    from sqlalchemy.engine import URL

    query = {k: v for k, v in p.items() if k not in {"host", "port", "user", "password", "dbname"}}
    url = URL.create(
        "postgresql+psycopg",
        username=p.get("user"),
        password=p.get("password"),
        host=p.get("host"),
        port=int(p["port"]) if "port" in p else None,
        database=p.get("dbname"),
        query=query,
    )
    return url.render_as_string(hide_password=False)


def dbt_env(dsn: str) -> dict[str, str]:
    """profiles.yml reads these; they are derived from the single DSN."""
    p = dsn_parts(dsn)
    return {
        "WAREHOUSE_HOST": p.get("host", "127.0.0.1"),
        "WAREHOUSE_PORT": p.get("port", "5432"),
        "WAREHOUSE_USER": p.get("user", os.environ.get("USER", "postgres")),
        "WAREHOUSE_PASSWORD": p.get("password", ""),
        "WAREHOUSE_DBNAME": p.get("dbname", "postgres"),
    }


def to_uri(dsn: str, *, password_mask: str | None = None) -> str:
    """Any libpq DSN as a `postgresql://` URI: Airflow connections only parse URIs."""
    p = dsn_parts(dsn)
    user = quote(p.pop("user", ""), safe="")
    password = p.pop("password", None)
    if password:
        password = password_mask or quote(password, safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = p.pop("host", "127.0.0.1")
    port = p.pop("port", "5432")
    dbname = quote(p.pop("dbname", "postgres"), safe="")
    query = f"?{urlencode(p)}" if p else ""
    return f"postgresql://{auth}{host}:{port}/{dbname}{query}"


def with_dbname(dsn: str, dbname: str) -> str:
    return to_uri(make_conninfo(dsn, dbname=dbname))


def redact(dsn: str) -> str:
    """A DSN fit for logs: the password never reaches them."""
    return to_uri(dsn, password_mask="***")


@contextlib.contextmanager
def patched_environ(settings: dict[str, str]) -> Iterator[None]:
    """os.environ with `settings` for the block, restored after (set or unset)."""
    saved = {k: os.environ.get(k) for k in settings}
    os.environ.update(settings)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
