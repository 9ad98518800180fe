"""Blue/green publishing of the dbt schemas: readers only ever see a whole generation.

The transform builds every dbt schema (`staging`, `intermediate`, `marts`, `reference`,
`snapshots`) as a shadow copy `<schema>__next` (dbt target `shadow`, see
dbt_project/macros/generate_schema_name.sql) and runs every test there. Only when the
whole build passed does `publish` swap each shadow in for its live schema, all in one
transaction: analysts and BI tools see either the previous generation or the new one,
never a mix and never a failed one.

- `prepare` starts a shadow generation: it drops what a failed build left, creates the
  empty shadow schemas (no reader grants yet, so nobody reads a half-built one) and
  copies into them the tables that carry state from one run to the next (incremental
  facts and snapshots), so that dbt's incremental logic works as it would in place.
- `publish` gives each shadow schema its live schema's grants, renames live to
  `<schema>__prev` and shadow to live in one transaction, then drops the previous
  generation (a leftover `__prev` is dropped by the next `prepare`). Views follow the
  rename (PostgreSQL binds them to objects, not names).

Objects outside these schemas that depend on a published relation (a user's own view
on a mart, say) are dropped with the previous generation: build on the marts by name
at query time, or recreate such objects after a publish.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

from psycopg import sql

from ingest.warehouse import connect

log = logging.getLogger(__name__)

SHADOW = "__next"
PREVIOUS = "__prev"
# Serialises prepare and publish across processes (any constant will do).
_LOCK = 7_341_015


@dataclass(frozen=True)
class Layout:
    """What the dbt project builds, read from its manifest: the (unsuffixed) schemas,
    and the relations whose rows carry over between runs."""

    schemas: tuple[str, ...]
    stateful: tuple[tuple[str, str], ...]  # (schema, relation)


def layout(manifest: Path) -> Layout:
    nodes = json.loads(manifest.read_text())["nodes"].values()
    built = [n for n in nodes if n["resource_type"] in ("model", "seed", "snapshot")]
    unschemed = sorted(n["name"] for n in built if not n["config"].get("schema"))
    if unschemed:
        # A node in the target schema would be published piecemeal: refuse it.
        raise ValueError(f"dbt nodes without a custom schema cannot be published: {unschemed}")
    stateful = {
        (n["config"]["schema"], n.get("alias") or n["name"])
        for n in built
        if n["resource_type"] == "snapshot" or n["config"].get("materialized") == "incremental"
    }
    return Layout(
        schemas=tuple(sorted({n["config"]["schema"] for n in built})),
        stateful=tuple(sorted(stateful)),
    )


def _exists(conn, schema: str, name: str | None = None) -> bool:
    if name is None:
        q = "select 1 from pg_namespace where nspname = %s"
        return conn.execute(q, (schema,)).fetchone() is not None
    q = "select 1 from pg_tables where schemaname = %s and tablename = %s"
    return conn.execute(q, (schema, name)).fetchone() is not None


def prepare(dsn: str, manifest: Path) -> dict[str, int]:
    """Empty shadow schemas with copies of the stateful tables; rows copied per table."""
    plan = layout(manifest)
    copied: dict[str, int] = {}
    with connect(dsn) as conn:
        conn.execute("select pg_advisory_xact_lock(%s)", (_LOCK,))
        for schema in plan.schemas:
            for leftover in (schema + SHADOW, schema + PREVIOUS):
                conn.execute(sql.SQL("drop schema if exists {} cascade").format(
                    sql.Identifier(leftover)))  # fmt: skip
            conn.execute(sql.SQL("create schema {}").format(sql.Identifier(schema + SHADOW)))
        for schema, name in plan.stateful:
            if not _exists(conn, schema, name):
                continue  # first build: dbt creates it
            live, shadow = sql.Identifier(schema, name), sql.Identifier(schema + SHADOW, name)
            # Indexes, constraints, defaults and comments come along; dbt re-applies grants.
            conn.execute(sql.SQL("create table {} (like {} including all)").format(shadow, live))
            cur = conn.execute(sql.SQL("insert into {} select * from {}").format(shadow, live))
            copied[f"{schema}.{name}"] = cur.rowcount
    log.info("shadow generation prepared: %s; stateful rows copied %s", plan.schemas, copied)
    return copied


def publish(dsn: str, manifest: Path) -> tuple[str, ...]:
    """Swap every shadow schema in for its live one, in one transaction; then drop the
    previous generation (after the swap's commit, so that a reader still querying the
    previous generation holds up only the drop, never the swap)."""
    plan = layout(manifest)
    with connect(dsn) as conn:
        conn.execute("select pg_advisory_xact_lock(%s)", (_LOCK,))
        missing = [s + SHADOW for s in plan.schemas if not _exists(conn, s + SHADOW)]
        if missing:
            raise RuntimeError(f"nothing to publish: no shadow schema {', '.join(missing)}")
        for schema in plan.schemas:
            _copy_schema_grants(conn, schema, schema + SHADOW)
            if _exists(conn, schema):
                conn.execute(sql.SQL("alter schema {} rename to {}").format(
                    sql.Identifier(schema), sql.Identifier(schema + PREVIOUS)))  # fmt: skip
            conn.execute(sql.SQL("alter schema {} rename to {}").format(
                sql.Identifier(schema + SHADOW), sql.Identifier(schema)))  # fmt: skip
    log.info("published a new generation of %s", ", ".join(plan.schemas))
    with connect(dsn) as conn:
        for schema in plan.schemas:
            conn.execute(sql.SQL("drop schema if exists {} cascade").format(
                sql.Identifier(schema + PREVIOUS)))  # fmt: skip
    return plan.schemas


def _copy_schema_grants(conn, source: str, target: str) -> None:
    """The live schema's USAGE/CREATE grants (migration 0006) onto its successor."""
    grants = conn.execute(
        """select a.privilege_type,
                  case when a.grantee = 0 then 'public' else a.grantee::regrole::text end
           from pg_namespace n, aclexplode(n.nspacl) a
           where n.nspname = %s and a.grantee <> n.nspowner""",
        (source,),
    ).fetchall()
    for privilege, grantee in grants:
        role = sql.SQL("public") if grantee == "public" else sql.Identifier(grantee.strip('"'))
        conn.execute(sql.SQL("grant {} on schema {} to {}").format(
            sql.SQL(privilege), sql.Identifier(target), role))  # fmt: skip
