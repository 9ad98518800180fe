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


@dataclass
class ValidationOutcome:
    batch_id: int
    suite: str
    status: str  # passed | warned | failed
    evaluated: int
    seconds: float
    gx_version: str
    failures: list[ExpectationOutcome] = field(default_factory=list)

    def summary(self) -> dict:
        return {
            "suite": self.suite,
            "evaluated": self.evaluated,
            "failed": [f.__dict__ for f in self.failures],
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
    failures = []
    for r in result.results:
        if r.success:
            continue
        conf = r.expectation_config
        failures.append(
            ExpectationOutcome(
                expectation=conf.type,
                column=conf.kwargs.get("column"),
                severity=conf.meta.get("severity", "blocking"),
                success=False,
                unexpected_count=(r.result or {}).get("unexpected_count"),
            )
        )
    return ValidationOutcome(
        batch_id=batch_id,
        suite=cfg["name"],
        status=batch_status(failures),
        evaluated=len(result.results),
        seconds=time.perf_counter() - started,
        gx_version=gx.__version__,
        failures=failures,
    )


def validate_batch(dsn: str, ds: RawDataset, batch_id: int) -> ValidationOutcome:
    """Validate one batch and write its status to the ledger (passed/warned/failed)."""
    outcome = run_suite(dsn, ds, batch_id)
    with connect(dsn) as conn:
        ledger.set_validation(conn, batch_id, outcome.status, outcome.summary())
    log.info(
        "%s batch %s: %s (%s expectations, %s failed) in %.1fs",
        ds.key, batch_id, outcome.status, outcome.evaluated, len(outcome.failures),
        outcome.seconds,
    )  # fmt: skip
    return outcome
