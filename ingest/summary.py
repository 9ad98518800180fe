"""The short report that ends `mwh run`: what was loaded, validated and built."""

from __future__ import annotations

import psycopg

from ingest import ledger
from ingest.config import redact

DBT_SCHEMAS = ("staging", "intermediate", "marts", "reference")


def collect(dsn: str) -> dict:
    with psycopg.connect(dsn) as conn:
        batches = ledger.latest(conn)
        totals = dict(
            conn.execute(
                """select source || '__' || dataset, sum(rows_loaded)
                   from ops.batches where status in ('passed', 'warned')
                   group by 1"""
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
        v = b["validation_summary"] or {}
        failed = ", ".join(
            f"{f['expectation']}({f.get('column') or ''}) [{f['severity']}]"
            for f in v.get("failed", [])
        )
        print(
            f"  {key}: batch {b['batch_id']} {b['status']}, {b['rows_loaded']} rows loaded, "
            f"{b['rows_quarantined']} quarantined; {info['promoted_rows'].get(key, 0)} rows "
            f"promoted in all; expectations {v.get('evaluated', 0) - len(v.get('failed', []))}"
            f"/{v.get('evaluated', 0)} passed" + (f"; failing: {failed}" if failed else "")
        )
    print("Models built:")
    for schema, name, kind, n in info["models"]:
        print(f"  {schema}.{name} ({kind}): {n} rows")
    if seconds is not None:
        print(f"Finished in {seconds:.0f}s.")
    print("\nWarehouse connection string (psql, BI tools):")
    print(f"  {dsn if embedded else redact(dsn)}")
    if embedded:
        print("The embedded PostgreSQL keeps running; stop it with `make stop`.")


def print_quality(dsn: str) -> None:
    """Per dataset: the latest validated batch, its failing expectations, its quarantine."""
    with psycopg.connect(dsn) as conn:
        runs = conn.execute(
            """select distinct on (r.source, r.dataset)
                      r.source, r.dataset, r.run_id, r.batch_id, r.status, r.evaluated,
                      r.validated_at, b.rows_received, b.rows_quarantined
               from quality.validation_runs r join ops.batches b using (batch_id)
               order by r.source, r.dataset, r.run_id desc"""
        ).fetchall()
        if not runs:
            print("No batch has been validated yet.")
            return
        for source, dataset, run_id, batch_id, status, evaluated, at, received, quar in runs:
            failing = conn.execute(
                """select expectation_type, column_name, severity, unexpected_count,
                          unexpected_percent
                   from quality.expectation_results where run_id = %s and not success
                   order by severity, expectation_type""",
                (run_id,),
            ).fetchall()
            print(
                f"{source}__{dataset}: batch {batch_id} {status} at {at:%Y-%m-%d %H:%M}; "
                f"{evaluated - len(failing)}/{evaluated} expectations passed; "
                f"{quar} of {received} rows quarantined"
            )
            for exp, col, severity, n, pct in failing:
                where = f" on {col}" if col else ""
                share = f" ({n} rows, {pct:.2f}%)" if n is not None and pct is not None else ""
                print(f"  [{severity}] {exp}{where}{share}")
