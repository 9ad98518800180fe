"""The quality gate: validate one batch with its GX suite, quarantine what fails.

Only the batch's rows are read (a query on `_batch_id`), so the cost grows with
the batch, not with the table. Each expectation carries a severity in its meta:

* `blocking` on a row-level expectation (a column map, compound uniqueness): every
  failing row goes to `quality.quarantine` with its rule and a readable reason, and
  the rest of the batch is promoted (status `partial`);
* `blocking` on a table-level expectation (row count, column set): the batch is not
  promoted (status `failed`);
* `warning`: reported in `quality.*`, the batch is promoted (status `warned`).

GX counts the failing rows of every expectation but returns at most a sample of
them, so the rows themselves come from our own query over the batch, built from the
same expectation configuration, and the two counts must agree.
"""

from __future__ import annotations

import csv
import functools
import json
import logging
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from ingest import ledger
from ingest.config import DBT_PROJECT_DIR, EXPECTATIONS_DIR, TELEMETRY_OFF, sqlalchemy_url
from ingest.datasets import RawDataset
from ingest.warehouse import SharedConnection, connect, shared_session

log = logging.getLogger(__name__)

SEVERITIES = ("blocking", "warning")
# Counts and percentages only: no sample of unexpected values (they may be personal
# data) and no extra query per expectation to fetch them.
RESULT_FORMAT = {"result_format": "BASIC", "partial_unexpected_count": 0}
# The uniqueness check groups the whole batch; more memory keeps it off disk.
WORK_MEM = os.environ.get("MWH_VALIDATION_WORK_MEM", "128MB")
# In a parallel plan each process builds the key's whole hash table again, so on few
# cores one helper is faster than two.
PARALLEL_WORKERS = os.environ.get("MWH_VALIDATION_PARALLEL_WORKERS", "1")


def session_settings() -> dict[str, str]:
    """PostgreSQL settings of a validation session (GX's, and the bench baseline's)."""
    return {"work_mem": WORK_MEM, "max_parallel_workers_per_gather": PARALLEL_WORKERS}


def session_options() -> str:
    """`session_settings` as libpq connection options."""
    return " ".join(f"-c {k}={v}" for k, v in session_settings().items())


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
    meta: dict = field(default_factory=dict)

    @property
    def rule(self) -> str:
        """A stable name, e.g. `expect_column_values_to_match_regex(value)`."""
        return rule_name(self.expectation, self.kwargs | {"column": self.column})

    @property
    def row_level(self) -> bool:
        return self.expectation in ROW_RULES


@dataclass
class ValidationOutcome:
    batch_id: int
    suite: str
    evaluated: int
    seconds: float
    gx_version: str
    results: list[ExpectationOutcome] = field(default_factory=list)
    rows_quarantined: int = 0
    gx_result: dict | None = None  # GX's own result (counts only), for Data Docs
    # passed | warned | partial | failed: known once the quarantine is written
    status: str | None = None

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
            "rows_quarantined": self.rows_quarantined,
            "seconds": round(self.seconds, 3),
            "gx_version": self.gx_version,
        }


def rule_name(expectation: str, kwargs: dict) -> str:
    target = (
        kwargs.get("column") or ", ".join(kwargs.get("column_list") or ()) or kwargs.get("label")
    )
    return f"{expectation}({target})" if target else expectation


# Row-level expectations: the rows GX counts as unexpected, as SQL over the batch
# (`b`), and a readable reason for one row. Nulls pass every check but not_null, as
# in GX. A blocking expectation of another type is table-level. (Raw columns are
# text, so GX's numeric range checks do not apply there: lengths and regexes do.)
@dataclass(frozen=True)
class RowRule:
    predicate: Callable[[dict], sql.Composable]
    reason: Callable[[dict], sql.Composable]
    needs_key_count: bool = False


def _col(kw: dict) -> sql.Identifier:
    return sql.Identifier("b", kw["column"])


def _says(kw: dict, text: str) -> sql.Composable:
    # format('<column> %L <text>', value): the value quoted, so '' and ' x' stay visible.
    return sql.SQL("format({}, {})").format(sql.Literal(f"{kw['column']} %L {text}"), _col(kw))


def _not_in(values: list) -> str:
    # A long list (e.g. every municipality code) would bury the reason: the count says it.
    if len(values) > 12:
        return f"is not one of the {len(values)} allowed values"
    return "is not one of " + ", ".join(map(str, values))


def _lengths(kw: dict) -> sql.Composable:
    length = sql.SQL("length({})").format(_col(kw))
    parts = []
    if kw.get("min_value") is not None:
        parts.append(sql.SQL("{} >= {}").format(length, sql.Literal(kw["min_value"])))
    if kw.get("max_value") is not None:
        parts.append(sql.SQL("{} <= {}").format(length, sql.Literal(kw["max_value"])))
    return sql.SQL("{} is not null and not ({})").format(_col(kw), sql.SQL(" and ").join(parts))


def _key_columns(kw: dict) -> sql.Composable:
    return sql.SQL(", ").join(sql.Identifier("b", c) for c in kw["column_list"])


ROW_RULES: dict[str, RowRule] = {
    "expect_column_values_to_not_be_null": RowRule(
        lambda kw: sql.SQL("{} is null").format(_col(kw)),
        lambda kw: sql.Literal(f"{kw['column']} is missing"),
    ),
    "expect_column_values_to_be_in_set": RowRule(
        lambda kw: sql.SQL("{} is not null and not ({} = any({}))").format(
            _col(kw), _col(kw), sql.Literal(list(kw["value_set"]))
        ),
        lambda kw: _says(kw, _not_in(kw["value_set"])),
    ),
    "expect_column_values_to_match_regex": RowRule(
        lambda kw: sql.SQL("{} is not null and {} !~ {}").format(
            _col(kw), _col(kw), sql.Literal(kw["regex"])
        ),
        lambda kw: _says(kw, f"does not match {kw['regex']}"),
    ),
    "expect_column_value_lengths_to_be_between": RowRule(
        _lengths,
        lambda kw: _says(
            kw, f"is not {kw.get('min_value', 0)} to {kw.get('max_value')} characters long"
        ),
    ),
    "expect_compound_key_to_be_unique": RowRule(
        # A key with a null part never counts as a duplicate, as in GX's built-in
        # (not_null rules catch those rows).
        lambda kw: sql.SQL("b._key_rows > 1 and num_nulls({}) = 0").format(_key_columns(kw)),
        lambda kw: sql.SQL("format({}, concat_ws(', ', {}), b._key_rows)").format(
            sql.Literal(f"({', '.join(kw['column_list'])}) = (%s) occurs %s times in the batch"),
            _key_columns(kw),
        ),
        needs_key_count=True,
    ),
    "expect_column_values_to_not_match_regex": RowRule(
        lambda kw: sql.SQL("{} is not null and {} ~ {}").format(
            _col(kw), _col(kw), sql.Literal(kw["regex"])
        ),
        lambda kw: _says(kw, f"matches {kw['regex']}"),
    ),
    # A rule across columns (ingest.gx_expectations): the row's own reason. The
    # condition names the batch's columns unqualified, as in the GX query.
    "expect_row_condition": RowRule(
        lambda kw: sql.SQL("not coalesce(({}), true)").format(sql.SQL(kw["condition"])),
        lambda kw: sql.SQL("({})").format(sql.SQL(kw["reason"])),
    ),
}
# GX's built-in counts the same rows (ingest.gx_expectations says why ours is used).
ROW_RULES["expect_compound_columns_to_be_unique"] = ROW_RULES["expect_compound_key_to_be_unique"]


def suite_path(ds: RawDataset) -> Path:
    return EXPECTATIONS_DIR / f"{ds.suite_name}.json"


@functools.cache
def seed_values(reference: str) -> tuple[str, ...]:
    """The values of a reference list kept as a dbt seed, `<seed>.<column>`: the gate
    checks submitted codes against the same lists staging joins to."""
    seed, _, column = reference.partition(".")
    path = DBT_PROJECT_DIR / "seeds" / f"{seed}.csv"
    with path.open(encoding="utf-8", newline="") as f:
        return tuple(sorted({row[column] for row in csv.DictReader(f) if row[column]}))


def _resolve_value_sets(exp: dict) -> None:
    """`"value_set": {"seeds": ["ref_municipalities.lau_code", ...]}` -> the values."""
    value_set = exp["kwargs"].get("value_set")
    if isinstance(value_set, dict):
        exp["kwargs"]["value_set"] = sorted(
            {v for ref in value_set["seeds"] for v in seed_values(ref)}
        )


def load_suite_config(ds: RawDataset) -> dict:
    path = suite_path(ds)
    if not path.exists():
        raise FileNotFoundError(f"no GX suite for {ds.key}: expected {path}")
    cfg = json.loads(path.read_text())
    seen: set[str] = set()
    for exp in cfg["expectations"]:
        _resolve_value_sets(exp)
        severity = exp.get("meta", {}).get("severity")
        if severity not in SEVERITIES:
            raise ValueError(
                f"{path.name}: {exp['type']} needs meta.severity in {SEVERITIES}, got {severity!r}"
            )
        if severity == "blocking" and exp["type"] in ROW_RULES:
            if "mostly" in exp["kwargs"]:
                # Every failing row is quarantined: a tolerated share would be lost.
                raise ValueError(f"{path.name}: blocking {exp['type']} cannot use mostly")
            rule = rule_name(exp["type"], exp["kwargs"])
            if rule in seen:
                raise ValueError(f"{path.name}: {rule} is declared twice as blocking")
            seen.add(rule)
    return cfg


def batch_status(
    failures: list[ExpectationOutcome], *, rows_received: int = 0, rows_quarantined: int = 0
) -> str:
    blocking = [f for f in failures if f.severity == "blocking"]
    if any(not f.row_level for f in blocking):
        return "failed"
    if blocking:
        # Nothing left to promote when every row is quarantined.
        return "failed" if rows_quarantined >= rows_received else "partial"
    return "warned" if failures else "passed"


def import_gx():
    """The `great_expectations` module (heavy: imported only when needed), quiet and
    with our own expectations registered."""
    os.environ.update({k: v for k, v in TELEMETRY_OFF.items() if k not in os.environ})
    # GX logs every decorated function at INFO on import; nobody needs that.
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    import great_expectations as gx

    import ingest.gx_expectations  # noqa: F401  (registers them)

    return gx


@contextmanager
def batch_view(dsn: str, ds: RawDataset, batch_id: int) -> Iterator[str]:
    """A view of one batch's rows for GX, dropped afterwards.

    A query asset would do too, but GX runs an asset's query in full to learn its
    columns (a second read of the batch); a view's columns come from the catalog.
    """
    name = f"{ds.key}__batch_{int(batch_id)}"
    view = sql.Identifier("validation", name)
    with connect(dsn, autocommit=True) as conn:
        conn.execute(
            sql.SQL("create or replace view {} as select * from {} where _batch_id = {}").format(
                view, sql.Identifier("raw", ds.key), sql.Literal(int(batch_id))
            )
        )
        try:
            yield name
        finally:
            conn.execute(sql.SQL("drop view if exists {}").format(view))


def run_suite(dsn: str, ds: RawDataset, batch_id: int) -> ValidationOutcome:
    """Run the dataset's suite on one batch (reads only; `validate_batch` quarantines
    and sets the status)."""
    gx = import_gx()
    from great_expectations.data_context.types.base import ProgressBarsConfig

    cfg = load_suite_config(ds)
    started = time.perf_counter()
    context = gx.get_context(mode="ephemeral")
    # No progress bars in task logs.
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_postgres(
        "warehouse", connection_string=sqlalchemy_url(dsn), kwargs=_engine_kwargs()
    )
    suite = context.suites.add(
        gx.ExpectationSuite(
            name=cfg["name"], expectations=cfg["expectations"], meta=cfg.get("meta")
        )
    )
    with batch_view(dsn, ds, batch_id) as view:
        asset = source.add_table_asset(name=view, table_name=view)
        vd = context.validation_definitions.add(
            gx.ValidationDefinition(
                name=view, data=asset.add_batch_definition_whole_table("batch"), suite=suite
            )
        )
        try:
            result = vd.run(result_format=RESULT_FORMAT)
        finally:
            # GX's pooled connections would otherwise outlive the view.
            source.get_execution_engine().engine.dispose()
    errors = [f"{r.expectation_config.type}: {e}" for r in result.results if (e := _gx_error(r))]
    if errors:
        # Not a verdict on the data: the batch stays 'loaded' and the task can retry.
        raise RuntimeError(f"GX could not evaluate {ds.key} batch {batch_id}: {errors[:3]}")
    results = [_outcome(r) for r in result.results]
    return ValidationOutcome(
        batch_id=batch_id,
        suite=cfg["name"],
        evaluated=len(result.results),
        seconds=time.perf_counter() - started,
        gx_version=gx.__version__,
        results=results,
        gx_result=result.to_json_dict(),
    )


def _engine_kwargs() -> dict:
    """GX's SQLAlchemy engine: its own connections with the validation settings, or
    inside `warehouse.rolled_back` (a dry run) that block's session, whose uncommitted
    rows only it can see."""
    shared = shared_session()
    if shared is None:
        # The batch views' schema first: GX names tables without a schema.
        return {"connect_args": {"options": f"{session_options()} -c search_path=validation"}}
    from sqlalchemy.pool import StaticPool

    # Until the block ends (is_local): its savepoints and settings are the session's.
    settings = {**session_settings(), "search_path": "validation, public"}
    for name, value in settings.items():
        shared.execute("select set_config(%s, %s, true)", (name, value))
    return {"creator": lambda: SharedConnection.of(shared), "poolclass": StaticPool}


def _gx_error(r) -> str | None:
    """The message of an exception GX caught while evaluating an expectation; GX keeps
    it at the top level or per metric."""
    info = r.exception_info or {}
    for entry in (info, *(v for v in info.values() if isinstance(v, dict))):
        if entry.get("raised_exception"):
            return str(entry.get("exception_message") or "unknown error")
    return None


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
        meta=dict(conf.meta or {}),
    )


def validate_batch(dsn: str, ds: RawDataset, batch_id: int) -> ValidationOutcome:
    """Validate one batch, quarantine its failing rows and set its ledger status.

    The quarantine, the stored results and the ledger status commit together, and a
    re-run replaces them, so validating a batch twice is safe.
    """
    outcome = run_suite(dsn, ds, batch_id)
    with connect(dsn) as conn:
        received = ledger.get(conn, batch_id).rows_received or 0
        conn.execute("delete from quality.quarantine where batch_id = %s", (batch_id,))
        outcome.rows_quarantined = quarantine(conn, ds, outcome)
        outcome.status = batch_status(
            outcome.failures, rows_received=received, rows_quarantined=outcome.rows_quarantined
        )
        record_results(conn, ds, outcome)
        ledger.set_validation(
            conn, batch_id, outcome.status, outcome.summary(), quarantined=outcome.rows_quarantined
        )
    log.info(
        "%s batch %s: %s (%s expectations, %s failed, %s rows quarantined) in %.1fs",
        ds.key, batch_id, outcome.status, outcome.evaluated, len(outcome.failures),
        outcome.rows_quarantined, outcome.seconds,
    )  # fmt: skip
    return outcome


def quarantine_statement(
    ds: RawDataset, batch_id: int, failed: list[ExpectationOutcome]
) -> sql.Composed:
    """One pass over the batch: every row failing one of `failed` (row-level
    expectations), with all its failed rules and reasons."""
    rules = [(f, ROW_RULES[f.expectation], f.kwargs | {"column": f.column}) for f in failed]
    extra = sql.SQL("")
    keyed = [kw for _, rule, kw in rules if rule.needs_key_count]
    if keyed:
        # The count of rows sharing the natural key; one window serves one key.
        extra = sql.SQL(", count(*) over (partition by {}) as _key_rows").format(
            sql.SQL(", ").join(sql.Identifier(c) for c in keyed[0]["column_list"])
        )
    predicates = [sql.SQL("({})").format(rule.predicate(kw)) for _, rule, kw in rules]

    def why(f: ExpectationOutcome) -> str:
        return f" ({f.meta['why']})" if f.meta.get("why") else ""

    names = [
        sql.SQL("case when {} then {} end").format(p, sql.Literal(f.rule))
        for p, (f, _, _) in zip(predicates, rules, strict=True)
    ]
    reasons = [
        sql.SQL("case when {} then {} || {} end").format(p, rule.reason(kw), sql.Literal(why(f)))
        for p, (f, rule, kw) in zip(predicates, rules, strict=True)
    ]
    return sql.SQL(
        """insert into quality.quarantine
               (batch_id, row_number, source, dataset, rules, reasons, row_data)
           select b._batch_id, b._row_number, {source}, {dataset},
                  array_remove(array[{names}]::text[], null),
                  array_remove(array[{reasons}]::text[], null),
                  jsonb_build_object({row})
           from (select *{extra} from {table} where _batch_id = {batch}) as b
           where {any}"""
    ).format(
        source=sql.Literal(ds.source),
        dataset=sql.Literal(ds.name),
        names=sql.SQL(", ").join(names),
        reasons=sql.SQL(", ").join(reasons),
        row=sql.SQL(", ").join(
            sql.SQL("{}, {}").format(sql.Literal(c), sql.Identifier("b", c)) for c in ds.columns
        ),
        extra=extra,
        table=sql.Identifier("raw", ds.key),
        batch=sql.Literal(int(batch_id)),
        any=sql.SQL(" or ").join(predicates),
    )


def quarantine(conn: psycopg.Connection, ds: RawDataset, outcome: ValidationOutcome) -> int:
    """Write every row failing a row-level blocking expectation to quality.quarantine;
    returns the number of rows (a row failing several rules counts once)."""
    failed = [
        f for f in outcome.results
        if f.severity == "blocking" and f.row_level and (f.unexpected_count or 0) > 0
    ]  # fmt: skip
    if not failed:
        return 0
    conn.execute(quarantine_statement(ds, outcome.batch_id, failed))
    counted = dict(
        conn.execute(
            """select rule, count(*) from quality.quarantine, unnest(rules) as rule
               where batch_id = %s group by rule""",
            (outcome.batch_id,),
        ).fetchall()
    )
    for f in failed:
        if counted.get(f.rule, 0) != f.unexpected_count:
            # Our SQL and GX disagree on a rule: stop rather than promote or drop rows.
            raise RuntimeError(
                f"{ds.key} batch {outcome.batch_id}: GX counts {f.unexpected_count} rows "
                f"failing {f.rule}, the quarantine query found {counted.get(f.rule, 0)}"
            )
    (n,) = conn.execute(
        "select count(*) from quality.quarantine where batch_id = %s", (outcome.batch_id,)
    ).fetchone()
    return n


def record_results(conn, ds: RawDataset, outcome: ValidationOutcome) -> int:
    """One quality.validation_runs row and one quality.expectation_results row per
    expectation; returns the run id."""
    (run_id,) = conn.execute(
        """insert into quality.validation_runs
               (batch_id, source, dataset, suite, status, success, evaluated,
                failed_blocking, failed_warning, seconds, gx_version, rows_quarantined,
                gx_result)
           values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) returning run_id""",
        (
            outcome.batch_id, ds.source, ds.name, outcome.suite, outcome.status,
            outcome.status != "failed", outcome.evaluated,
            sum(f.severity == "blocking" for f in outcome.failures),
            sum(f.severity == "warning" for f in outcome.failures),
            round(outcome.seconds, 3), outcome.gx_version, outcome.rows_quarantined,
            Jsonb(outcome.gx_result) if outcome.gx_result is not None else None,
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
