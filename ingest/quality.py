"""The quality gate: validate one batch with its GX suite and record the outcome.

Only the batch's rows are read (a query on `_batch_id`), so the cost grows with
the batch, not with the table. Each expectation carries a severity in its meta:
`blocking` failures keep the batch out of staging, `warning` ones are reported.
"""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from ingest import ledger
from ingest.config import EXPECTATIONS_DIR, TELEMETRY_OFF, sqlalchemy_url
from ingest.datasets import RawDataset
from ingest.warehouse import connect

log = logging.getLogger(__name__)

SEVERITIES = ("blocking", "warning")


@dataclass
class ExpectationOutcome:
    expectation: str
    column: str | None
    severity: str
    success: bool
    unexpected_count: int | None = None
    unexpected_percent: float | None = None
    element_count: int | None = None
    # Only numbers and booleans: values taken from rows could be personal data.
    observed_value: float | None = None
    kwargs: dict = field(default_factory=dict)


@dataclass
class ValidationOutcome:
    batch_id: int
    suite: str
    status: str  # passed | warned | failed
    evaluated: int
    seconds: float
    gx_version: str
    results: list[ExpectationOutcome] = field(default_factory=list)

    @property
    def failures(self) -> list[ExpectationOutcome]:
        return [r for r in self.results if not r.success]

    def summary(self) -> dict:
        return {
            "suite": self.suite,
            "evaluated": self.evaluated,
            "failed": [
                {
                    k: getattr(f, k)
                    for k in ("expectation", "column", "severity", "unexpected_count")
                }
                for f in self.failures
            ],
            "seconds": round(self.seconds, 3),
            "gx_version": self.gx_version,
        }


def suite_path(ds: RawDataset) -> Path:
    return EXPECTATIONS_DIR / f"{ds.key}.json"


def load_suite_config(ds: RawDataset) -> dict:
    path = suite_path(ds)
    if not path.exists():
        raise FileNotFoundError(f"no GX suite for {ds.key}: expected {path}")
    cfg = json.loads(path.read_text())
    for exp in cfg["expectations"]:
        severity = exp.get("meta", {}).get("severity")
        if severity not in SEVERITIES:
            raise ValueError(
                f"{path.name}: {exp['type']} needs meta.severity in {SEVERITIES}, got {severity!r}"
            )
    return cfg


def batch_status(failures: list[ExpectationOutcome]) -> str:
    if any(f.severity == "blocking" for f in failures):
        return "failed"
    return "warned" if failures else "passed"


def _quiet_gx() -> None:
    os.environ.update({k: v for k, v in TELEMETRY_OFF.items() if k not in os.environ})
    # GX logs every decorated function at INFO on import; nobody needs that.
    logging.getLogger("great_expectations").setLevel(logging.WARNING)


def run_suite(dsn: str, ds: RawDataset, batch_id: int) -> ValidationOutcome:
    """Run the dataset's suite on one batch (no writes)."""
    _quiet_gx()
    import great_expectations as gx  # heavy: imported only when a batch is validated

    cfg = load_suite_config(ds)
    started = time.perf_counter()
    context = gx.get_context(mode="ephemeral")
    source = context.data_sources.add_postgres("warehouse", connection_string=sqlalchemy_url(dsn))
    # batch_id is an integer from the ledger, never user text.
    asset = source.add_query_asset(
        name=f"{ds.key}__batch_{batch_id}",
        query=f"select * from {ds.raw_table} where _batch_id = {int(batch_id)}",  # noqa: S608
    )
    batch_def = asset.add_batch_definition_whole_table("batch")
    suite = context.suites.add(
        gx.ExpectationSuite(
            name=cfg["name"], expectations=cfg["expectations"], meta=cfg.get("meta")
        )
    )
    vd = context.validation_definitions.add(
        gx.ValidationDefinition(name=f"{ds.key}__{batch_id}", data=batch_def, suite=suite)
    )
    result = vd.run(result_format="SUMMARY")
    results = [_outcome(r) for r in result.results]
    return ValidationOutcome(
        batch_id=batch_id,
        suite=cfg["name"],
        status=batch_status([r for r in results if not r.success]),
        evaluated=len(result.results),
        seconds=time.perf_counter() - started,
        gx_version=gx.__version__,
        results=results,
    )


def _outcome(r) -> ExpectationOutcome:
    conf = r.expectation_config
    res = r.result or {}
    observed = res.get("observed_value")
    # Value lists (allowed codes) are configuration, not data; sample rows are never kept.
    kwargs = {k: v for k, v in conf.kwargs.items() if k not in ("batch_id", "column")}
    return ExpectationOutcome(
        expectation=conf.type,
        column=conf.kwargs.get("column"),
        severity=conf.meta.get("severity", "blocking"),
        success=bool(r.success),
        unexpected_count=res.get("unexpected_count"),
        unexpected_percent=res.get("unexpected_percent"),
        element_count=res.get("element_count"),
        observed_value=float(observed) if isinstance(observed, int | float) else None,
        kwargs=kwargs,
    )


def validate_batch(dsn: str, ds: RawDataset, batch_id: int) -> ValidationOutcome:
    """Validate one batch and write its status to the ledger (passed/warned/failed)."""
    outcome = run_suite(dsn, ds, batch_id)
    # The ledger status and the stored results commit together.
    with connect(dsn) as conn:
        record_results(conn, ds, outcome)
        ledger.set_validation(conn, batch_id, outcome.status, outcome.summary())
    log.info(
        "%s batch %s: %s (%s expectations, %s failed) in %.1fs",
        ds.key, batch_id, outcome.status, outcome.evaluated, len(outcome.failures),
        outcome.seconds,
    )  # fmt: skip
    return outcome


def record_results(conn, ds: RawDataset, outcome: ValidationOutcome) -> int:
    """One quality.validation_runs row and one quality.expectation_results row per
    expectation; returns the run id."""
    (run_id,) = conn.execute(
        """insert into quality.validation_runs
               (batch_id, source, dataset, suite, status, success, evaluated,
                failed_blocking, failed_warning, seconds, gx_version)
           values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) returning run_id""",
        (
            outcome.batch_id, ds.source, ds.name, outcome.suite, outcome.status,
            outcome.status != "failed", outcome.evaluated,
            sum(f.severity == "blocking" for f in outcome.failures),
            sum(f.severity == "warning" for f in outcome.failures),
            round(outcome.seconds, 3), outcome.gx_version,
        ),
    ).fetchone()  # fmt: skip
    copy_sql = """copy quality.expectation_results
                      (run_id, batch_id, expectation_type, column_name, kwargs, severity,
                       success, observed_value, unexpected_count, unexpected_percent,
                       element_count) from stdin"""
    with conn.cursor() as cur, cur.copy(copy_sql) as copy:
        for r in outcome.results:
            copy.write_row(
                (run_id, outcome.batch_id, r.expectation, r.column, json.dumps(r.kwargs),
                 r.severity, r.success, r.observed_value, r.unexpected_count,
                 r.unexpected_percent, r.element_count)
            )  # fmt: skip
    return run_id
