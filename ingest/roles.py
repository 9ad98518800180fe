"""The pipeline's own logins: `loader` (ingest and GX) and `transformer` (dbt and the
blue/green publish). Neither is a superuser; migrations, run with the warehouse's
admin DSN, are the only superuser step.

    admin DSN (WAREHOUSE_DSN, or the embedded server's superuser)
        -> migrate(): migrations, then `ensure_runtime_roles` below
        -> runtime_dsn(admin, "loader"), runtime_dsn(admin, "transformer"): what the
           Airflow connections `warehouse` and `warehouse_transform` hold

Each role owns the schemas it writes (and everything in them), so it can create,
alter and drop there and nothing else: loader owns raw, ops, quality and validation;
transformer owns the dbt schemas and may create schemas in the database (the shadow
generation). transformer reads what loader writes through default privileges.

Passwords: MWH_LOADER_PASSWORD / MWH_TRANSFORMER_PASSWORD when set (docker compose,
a managed server), else generated once into `<MWH_HOME>/logins.json` (mode 0600).
The embedded server keeps them with its superuser's (`use_embedded_passwords`).
"""

from __future__ import annotations

import json
import os
import secrets

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo

from ingest.config import private_opener, state_dir, to_uri

LOADER, TRANSFORMER = "loader", "transformer"
RUNTIME_ROLES = (LOADER, TRANSFORMER)
LOADER_SCHEMAS = ("raw", "ops", "quality", "validation")
# The dbt schemas (dbt_project.yml; ingest.generations reads the same list from the manifest).
TRANSFORMER_SCHEMAS = ("staging", "intermediate", "detail", "marts", "reference", "snapshots")


def password_env(role: str) -> str:
    return f"MWH_{role.upper()}_PASSWORD"


def _password_file():
    return state_dir() / "logins.json"


def password(role: str) -> str:
    """`role`'s password: from the environment, else kept in `<MWH_HOME>/logins.json`."""
    if given := os.environ.get(password_env(role)):
        return given
    path = _password_file()
    saved = json.loads(path.read_text()) if path.exists() else {}
    if role not in saved:
        saved[role] = secrets.token_urlsafe(24)
        path.parent.mkdir(parents=True, exist_ok=True)
        part = path.with_suffix(".part")
        with open(part, "w", opener=private_opener) as f:
            json.dump(saved, f, indent=2)
        part.replace(path)
    return saved[role]


def use_embedded_passwords(server) -> None:
    """Take the runtime roles' passwords from the embedded server's password file, so
    every checkout and test session using that server agrees on them."""
    for role in RUNTIME_ROLES:
        os.environ.setdefault(password_env(role), server.password(role))


def runtime_dsn(admin_dsn: str, role: str) -> str:
    """The admin DSN's server and database, logged in as `role`."""
    return to_uri(make_conninfo(admin_dsn, user=role, password=password(role)))


def ensure_runtime_roles(conn: psycopg.Connection) -> None:
    """As the migrating superuser, on every migrate (cheap, idempotent): the runtime
    roles may log in with their current passwords, own their schemas and everything in
    them, and transformer reads what loader makes. (The database's own grants, CREATE
    for the shadow schemas among them, are `warehouse.restrict_database`'s.)"""
    from ingest.users import set_password

    for role in RUNTIME_ROLES:
        # Created NOLOGIN by migration 0001, with no other attribute (no superuser).
        conn.execute(sql.SQL("alter role {} login").format(sql.Identifier(role)))
        set_password(conn, role, password(role))
    for role, schemas in ((LOADER, LOADER_SCHEMAS), (TRANSFORMER, TRANSFORMER_SCHEMAS)):
        _own(conn, role, schemas)
    # What loader creates later (a new dataset's raw table, say) transformer can read.
    conn.execute(sql.SQL(
        "alter default privileges for role loader in schema raw, ops, quality"
        " grant select on tables to transformer"
    ))  # fmt: skip


def _own(conn: psycopg.Connection, role: str, schemas: tuple[str, ...]) -> None:
    """`role` owns each existing schema (with its shadow and previous generations) and
    every table, view, sequence and function in it that another role owns."""
    owned = conn.execute(
        """select n.nspname from pg_namespace n
           where n.nspname = any(%(s)s) or n.nspname like any(%(g)s)""",
        {"s": list(schemas), "g": [f"{s}\\_\\_%" for s in schemas]},
    ).fetchall()
    rid = sql.Identifier(role)
    for (schema,) in owned:
        conn.execute(sql.SQL("alter schema {} owner to {}").format(sql.Identifier(schema), rid))
        relations = conn.execute(
            """select c.relname, c.relkind from pg_class c
               join pg_namespace n on n.oid = c.relnamespace
               where n.nspname = %s and c.relkind in ('r', 'p', 'v', 'm', 'S', 'f')
                 and c.relowner <> %s::regrole
                 -- sequences owned by a table's column follow their table
                 and not exists (select from pg_depend d where d.objid = c.oid
                                 and d.deptype in ('a', 'i') and c.relkind = 'S')""",
            (schema, role),
        ).fetchall()
        for name, kind in relations:
            what = {"v": "view", "m": "materialized view", "S": "sequence",
                    "f": "foreign table"}.get(kind, "table")  # fmt: skip
            conn.execute(sql.SQL("alter {} {} owner to {}").format(
                sql.SQL(what), sql.Identifier(schema, name), rid))  # fmt: skip
        functions = conn.execute(
            """select p.oid::regprocedure::text from pg_proc p
               join pg_namespace n on n.oid = p.pronamespace
               where n.nspname = %s and p.proowner <> %s::regrole""",
            (schema, role),
        ).fetchall()
        for (signature,) in functions:
            conn.execute(sql.SQL("alter routine {} owner to {}").format(sql.SQL(signature), rid))
