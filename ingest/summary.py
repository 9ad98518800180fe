"""The short report that ends `mwh run`: what was loaded, validated and built."""

from __future__ import annotations

import psycopg

from ingest import ledger
from ingest.config import redact

DBT_SCHEMAS = ("staging", "intermediate", "detail", "marts", "reference")


def collect(dsn: str) -> dict:
    with psycopg.connect(dsn) as conn:
        batches = ledger.latest(conn)
        totals = dict(
            conn.execute(
                """select source || '__' || dataset, sum(rows_loaded)
                   from ops.batches where status = any(%s)
                   group by 1""",
                (list(ledger.PROMOTED),),
            ).fetchall()
        )
        rels = conn.execute(
            """select table_schema, table_name, table_type from information_schema.tables
               where table_schema = any(%s) order by 1, 2""",
            (list(DBT_SCHEMAS),),
        ).fetchall()
        models = []
        for schema, name, kind in rels:
            (n,) = conn.execute(
                psycopg.sql.SQL("select count(*) from {}").format(
                    psycopg.sql.Identifier(schema, name)
                )
            ).fetchone()
            models.append((schema, name, "view" if kind == "VIEW" else "table", n))
    return {"batches": batches, "promoted_rows": totals, "models": models}


def print_summary(dsn: str, *, embedded: bool, seconds: float | None = None) -> None:
    info = collect(dsn)
    print("\n=== Migration data warehouse: summary ===")
    print("Datasets (latest batch):")
    for b in info["batches"]:
        key = f"{b['source']}__{b['dataset']}"
        print(
            f"  {key}: batch {b['batch_id']} {b['status']}: {b['rows_received']} rows received"
            f" = {b['rows_loaded']} loaded + {b['rows_quarantined']} quarantined;"
            f" {info['promoted_rows'].get(key, 0)} rows promoted in all batches"
        )
    print("Quality (latest validated batch per dataset; `mwh quality` prints this again):")
    print_quality(dsn, indent="  ")
    print("Models built:")
    for schema, name, kind, n in info["models"]:
        print(f"  {schema}.{name} ({kind}): {n} rows")
    if seconds is not None:
        print(f"Finished in {seconds:.0f}s.")
    print("\nWarehouse connection string for BI tools (reads the published marts):")
    print(f"  {bi_login(dsn) if embedded else 'make one: .venv/bin/mwh users add NAME --kind bi'}")
    print(
        f"The warehouse's admin (superuser, migrations only): {redact(dsn)}; "
        "with its password: .venv/bin/mwh dsn"
    )
    print("The pipeline runs as `loader` (ingest, GX) and `transformer` (dbt), not as it.")
    if embedded:
        print("The embedded PostgreSQL keeps running; stop it with `make stop`.")


def bi_login(dsn: str) -> str:
    """The embedded server's BI login (its password kept with the server's)."""
    from ingest.embedded import default_server
    from ingest.users import DEMO_BI_LOGIN, ensure_demo_bi_login

    return ensure_demo_bi_login(dsn, default_server().password(DEMO_BI_LOGIN))


def print_quality(dsn: str, *, indent: str = "") -> None:
    """Per dataset: the latest validated batch, its failing expectations, its quarantine."""
    with psycopg.connect(dsn) as conn:
        runs = conn.execute(
            """select distinct on (r.source, r.dataset)
                      r.source, r.dataset, r.run_id, r.batch_id, r.status, r.evaluated,
                      r.validated_at, b.rows_received, r.rows_quarantined
               from quality.validation_runs r join ops.batches b using (batch_id)
               order by r.source, r.dataset, r.run_id desc"""
        ).fetchall()
        if not runs:
            print(f"{indent}No batch has been validated yet.")
            return
        for source, dataset, run_id, batch_id, status, evaluated, at, received, quar in runs:
            failing = conn.execute(
                """select expectation_type, column_name, severity, unexpected_count,
                          unexpected_percent, observed_value
                   from quality.expectation_results where run_id = %s and not success
                   order by severity, expectation_type, column_name""",
                (run_id,),
            ).fetchall()
            reasons = conn.execute(
                """select rule, count(*) from quality.quarantine, unnest(rules) as rule
                   where batch_id = %s group by rule order by 2 desc, 1""",
                (batch_id,),
            ).fetchall()
            print(
                f"{indent}{source}__{dataset}: batch {batch_id} {status} at {at:%Y-%m-%d %H:%M}; "
                f"{evaluated - len(failing)}/{evaluated} expectations passed; "
                f"{quar} of {received} rows quarantined"
            )
            for exp, col, severity, n, pct, observed in failing:
                where = f" on {col}" if col else ""
                if n is not None and pct is not None:
                    share = f" ({n} rows, {pct:.2f}%)"
                elif observed is not None:
                    share = f" (observed {observed:g})"
                else:
                    share = ""
                print(f"{indent}  [{severity}] {exp}{where}{share}")
            for rule, n in reasons:
                print(f"{indent}  quarantined {n} rows: {rule}")
            if reasons:
                print(f"{indent}  rows and reasons: quality.quarantine, batch_id = {batch_id}")
