"""`mwh bench validate`: what the quality gate costs next to the SQL a DBA would write.

One run loads a realistic synthetic batch of asylum applications (the shape of
Eurostat's migr_asyappctzm) with the real COPY loader into a scratch database, then
times, alternately, the whole gate as production runs it (`quality.validate_batch`:
GX, quarantine, stored results, ledger) and one hand-written SQL statement computing
the same counts. With `table_rows`, the batch sits in a table of that many rows (the
other batches loaded first) and is validated again in a database where it is alone:
the gate reads only its batch, so both should cost about the same.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import random
import statistics
import time
from collections.abc import Iterator

import psycopg
from psycopg import sql

from ingest import quality
from ingest.config import dsn_parts, with_dbname
from ingest.loader import load_batch
from ingest.sources.eurostat.datasets import DATASETS
from ingest.warehouse import connect, migrate

log = logging.getLogger(__name__)

DS = DATASETS["asylum_applicants_monthly"]
DATABASE = "mwh_bench"
FILLER_BATCH_ROWS = 1_000_000

# The code lists of migr_asyappctzm: ISO 3166 alpha-2 (EL for Greece, UK, XK) and
# Eurostat's aggregates.
CITIZENS = (
    "TOTAL", "EXT_EU27_2020", "UNK", "STLS",
    "AD", "AE", "AF", "AG", "AL", "AM", "AO", "AR", "AT", "AU", "AZ", "BA", "BB", "BD",
    "BE", "BF", "BG", "BH", "BI", "BJ", "BN", "BO", "BR", "BS", "BT", "BW", "BY", "BZ",
    "CA", "CD", "CF", "CG", "CH", "CI", "CL", "CM", "CN", "CO", "CR", "CU", "CV", "CY",
    "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE", "EG", "EL", "ER", "ES", "ET",
    "FI", "FJ", "FM", "FR", "GA", "GD", "GE", "GH", "GM", "GN", "GQ", "GT", "GW", "GY",
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IN", "IQ", "IR", "IS", "IT", "JM", "JO",
    "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KZ", "LA", "LB", "LC",
    "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MG", "MH",
    "MK", "ML", "MM", "MN", "MR", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA", "NE",
    "NG", "NI", "NL", "NO", "NP", "NR", "NZ", "OM", "PA", "PE", "PG", "PH", "PK", "PL",
    "PS", "PT", "PW", "PY", "QA", "RO", "RS", "RU", "RW", "SA", "SB", "SC", "SD", "SE",
    "SG", "SI", "SK", "SL", "SM", "SN", "SO", "SR", "SS", "ST", "SV", "SY", "SZ", "TD",
    "TG", "TH", "TJ", "TL", "TM", "TN", "TO", "TR", "TT", "TV", "TZ", "UA", "UG", "UK",
    "US", "UY", "UZ", "VC", "VE", "VN", "VU", "WS", "XK", "YE", "ZA", "ZM", "ZW",
)  # fmt: skip
SEXES = ("T", "M", "F", "UNK")
APPLICANTS = ("TOTAL", "FRST", "SSEQ")
AGES = ("TOTAL", "Y_LT14", "Y14-17", "Y_LT18", "Y18-34", "Y35-64", "Y_GE65", "UNK")
GEOS = (
    "EU27_2020", "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR",
    "HR", "HU", "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI",
    "SK", "CH", "NO",
)  # fmt: skip
# Share of the (citizen, sex, applicant, age) cells a country reports in a month.
DENSITY = 0.5


def _month(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def generate_rows(seed: int = 2008) -> Iterator[tuple[str, ...]]:
    """Endless rows in `DS.columns` order, month by month from 2008-01, each natural key
    once. Every row passes the suite's blocking rules and its warnings: values are
    rounded to 5, mostly zeros, 5% provisional (`p`), 0.5% confidential (empty, `c`),
    and a country's monthly total moves by at most a fifth around its level."""
    rng = random.Random(seed)
    level = {geo: 5 * rng.randint(40, 8000) for geo in GEOS}
    cells = list(itertools.product(CITIZENS, SEXES, APPLICANTS, AGES))
    total_cell = ("TOTAL", "T", "TOTAL", "TOTAL")
    for month in itertools.count(2008 * 12):
        period = _month(month)
        for geo in GEOS:
            for cell in cells:
                if cell == total_cell:
                    value = str(5 * round(level[geo] * rng.uniform(0.8, 1.2) / 5))
                    yield ("M", "PER", *cell, geo, period, DS.code, value, "")
                    continue
                if rng.random() >= DENSITY:
                    continue
                u = rng.random()
                if u < 0.005:
                    value, flag = "", "c"
                else:
                    value = "0" if u < 0.55 else str(5 * min(int(rng.paretovariate(1.2)), 99_999))
                    flag = "p" if rng.random() < 0.05 else ""
                yield ("M", "PER", *cell, geo, period, DS.code, value, flag)


def load_rows(dsn: str, rows: Iterator[tuple[str, ...]], n: int, tag: str) -> int:
    """Load the next `n` rows as one batch with the production loader; its batch id."""
    sha = hashlib.sha256(f"mwh bench {tag}".encode()).hexdigest()
    result = load_batch(dsn, DS, itertools.islice(rows, n), sha256=sha, request=f"bench {tag}")
    if result.rows_loaded != n:
        raise RuntimeError(f"bench: loaded {result.rows_loaded} rows for {tag}, expected {n}")
    return result.batch_id


def setup_database(dsn: str, rows: int, table_rows: int, *, seed: int = 2008) -> int:
    """Fill a migrated database: `table_rows - rows` other rows in batches of at most
    FILLER_BATCH_ROWS first, then the measured batch (the first `rows` generated, the
    same in every database); returns the measured batch's id."""
    filler = itertools.islice(generate_rows(seed), rows, None)
    loaded = 0
    while loaded < table_rows - rows:
        n = min(FILLER_BATCH_ROWS, table_rows - rows - loaded)
        load_rows(dsn, filler, n, f"filler {loaded}+{n}")
        loaded += n
        log.info("bench: %s of %s filler rows loaded", loaded, table_rows - rows)
    batch_id = load_rows(dsn, generate_rows(seed), rows, f"batch of {rows}")
    with connect(dsn, autocommit=True) as conn:
        conn.execute("vacuum analyze")
    return batch_id


def checkpoint(dsn: str) -> None:
    """Write the load's dirty pages out now rather than during the timed runs (needs
    superuser or pg_checkpoint; skipped otherwise)."""
    with connect(dsn, autocommit=True) as conn:
        try:
            conn.execute("checkpoint")
        except psycopg.errors.InsufficientPrivilege:
            log.info("bench: no privilege to checkpoint; timing with the load's writes pending")


def recreate_database(admin_dsn: str, name: str) -> str:
    """Drop and create `name` on the admin connection's server, migrated; its DSN."""
    if dsn_parts(admin_dsn).get("dbname") == name:
        admin_dsn = with_dbname(admin_dsn, "postgres")
    with connect(admin_dsn, autocommit=True) as conn:
        _drop_database(conn, name)
        conn.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    dsn = with_dbname(admin_dsn, name)
    migrate(dsn)
    return dsn


def _drop_database(conn: psycopg.Connection, name: str) -> None:
    conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))


def drop_databases(admin_dsn: str, database: str = DATABASE) -> None:
    """Drop the bench's scratch databases (runs leave them for inspection)."""
    with connect(with_dbname(admin_dsn, "postgres"), autocommit=True) as conn:
        for name in (database, f"{database}_alone"):
            _drop_database(conn, name)


# The reference: one statement over the batch, written by hand for this suite as a DBA
# would, computing every count GX computes. Each output column is named by the
# expectation it stands for (rule and severity, as in ExpectationOutcome).
BASELINE = """
with batch_rows as (
    select count(*) as row_count,
           count(*) filter (where freq is null) as freq_null,
           count(*) filter (where unit is null) as unit_null,
           count(*) filter (where citizen is null) as citizen_null,
           count(*) filter (where sex is null) as sex_null,
           count(*) filter (where applicant is null) as applicant_null,
           count(*) filter (where age is null) as age_null,
           count(*) filter (where geo is null) as geo_null,
           count(*) filter (where time is null) as time_null,
           count(*) filter (where freq <> 'M') as freq_not_in_set,
           count(*) filter (where unit <> 'PER') as unit_not_in_set,
           count(*) filter (where sex not in ('T', 'M', 'F', 'UNK')) as sex_not_in_set,
           count(*) filter (
               where applicant not in ('TOTAL', 'FRST', 'SSEQ')
           ) as applicant_not_in_set,
           count(*) filter (
               where age not in ('TOTAL', 'Y_LT14', 'Y14-17', 'Y_LT18', 'Y18-34', 'Y35-64',
                                 'Y_GE65', 'UNK')
           ) as age_not_in_set,
           count(*) filter (where geo !~ '^[A-Z]{{2}}[A-Z0-9_]*$') as geo_not_a_code,
           count(*) filter (where citizen !~ '^[A-Z]{{2}}[A-Z0-9_]*$') as citizen_not_a_code,
           count(*) filter (
               where time !~ '^(200[89]|20[1-9][0-9])-(0[1-9]|1[0-2])$'
           ) as time_not_a_month,
           count(*) filter (where value !~ '^[0-9]*$') as value_not_a_count,
           count(*) filter (where length(value) > 9) as value_too_long,
           count(*) filter (where value !~ '^([0-9]*[05])?$') as value_not_rounded,
           count(*) filter (where flag !~ '^[bcdefimnpsuz:]*$') as flag_unknown
    from {table} where _batch_id = {batch}
),

-- Rows whose natural key occurs more than once. GX joins each key's count back to
-- the rows on equality, so a row with a null key part is never counted.
duplicate_keys as (
    select coalesce(sum(key_rows), 0) as duplicate_key_rows
    from (
        select count(*) as key_rows
        from {table}
        where _batch_id = {batch}
          and citizen is not null and sex is not null and applicant is not null
          and age is not null and geo is not null and time is not null
        group by citizen, sex, applicant, age, geo, time
        having count(*) > 1
    ) as keys
),

-- The suite's month-on-month check on country totals, same logic. The totals are
-- picked first (materialized), so the regexes run on them only, not on every row.
country_totals as materialized (
    select geo, time, value
    from {table}
    where _batch_id = {batch}
      and citizen = 'TOTAL' and sex = 'T' and age = 'TOTAL' and applicant = 'TOTAL'
),

totals as (
    select geo,
           cast(substr(time, 1, 4) as integer) * 12
           + cast(substr(time, 6, 2) as integer) as month_index,
           cast(value as bigint) as applicants
    from country_totals
    where time ~ '^[0-9][0-9][0-9][0-9]-(0[1-9]|1[0-2])$'
      and value ~ '^[0-9]+$' and length(value) <= 9
),

changes as (
    select month_index,
           applicants,
           lag(applicants) over (partition by geo order by month_index) as previous,
           lag(month_index) over (partition by geo order by month_index) as previous_month
    from totals
),

jumps as (
    select count(*) as jump_rows
    from changes
    where previous_month = month_index - 1
      and greatest(applicants, previous) >= 100
      and (applicants > 3 * previous or 3 * applicants < previous)
),

-- The table's columns against the expected set (missing or unexpected ones).
column_set as (
    select count(*) as columns_mismatched
    from (
        select attname::text as name from pg_attribute
        where attrelid = {table_name}::regclass and attnum > 0 and not attisdropped
    ) as actual
    full join unnest(array[
        'freq', 'unit', 'citizen', 'sex', 'applicant', 'age', 'geo', 'time', 'measure',
        'value', 'flag', '_batch_id', '_row_number'
    ]) as expected (name) using (name)
    where actual.name is null or expected.name is null
)

select * from batch_rows, duplicate_keys, jumps, column_set
"""


def _rule(expectation: str, column: str | None = None, **kw) -> str:
    return quality.rule_name(expectation, kw | {"column": column})


_NOT_NULL = "expect_column_values_to_not_be_null"
_IN_SET = "expect_column_values_to_be_in_set"
_REGEX = "expect_column_values_to_match_regex"
_KEY = ["citizen", "sex", "applicant", "age", "geo", "time"]
BASELINE_RULES: dict[str, tuple[str, str]] = {
    "row_count": (_rule("expect_table_row_count_to_be_between"), "blocking"),
    "columns_mismatched": (_rule("expect_table_columns_to_match_set"), "blocking"),
    **{
        f"{c}_null": (_rule(_NOT_NULL, c), "blocking")
        for c in ("freq", "unit", "citizen", "sex", "applicant", "age", "geo", "time")
    },
    **{
        f"{c}_not_in_set": (_rule(_IN_SET, c), "blocking")
        for c in ("freq", "unit", "sex", "applicant", "age")
    },
    "geo_not_a_code": (_rule(_REGEX, "geo"), "blocking"),
    "citizen_not_a_code": (_rule(_REGEX, "citizen"), "blocking"),
    "time_not_a_month": (_rule(_REGEX, "time"), "blocking"),
    "value_not_a_count": (_rule(_REGEX, "value"), "blocking"),
    "value_too_long": (_rule("expect_column_value_lengths_to_be_between", "value"), "blocking"),
    "duplicate_key_rows": (
        _rule("expect_compound_key_to_be_unique", column_list=_KEY),
        "blocking",
    ),
    "value_not_rounded": (_rule(_REGEX, "value"), "warning"),
    "flag_unknown": (_rule(_REGEX, "flag"), "warning"),
    "jump_rows": (_rule("unexpected_rows_expectation"), "warning"),
}


def baseline_statement(batch_id: int) -> sql.Composed:
    return sql.SQL(BASELINE).format(
        table=sql.Identifier("raw", DS.key),
        table_name=sql.Literal(DS.raw_table),
        batch=sql.Literal(int(batch_id)),
    )


def baseline_counts(conn: psycopg.Connection, batch_id: int) -> dict[tuple[str, str], int]:
    """The baseline's count per expectation, keyed (rule, severity)."""
    cur = conn.execute(baseline_statement(batch_id))
    row = cur.fetchone()
    names = [d.name for d in cur.description]
    return {BASELINE_RULES[name]: int(v) for name, v in zip(names, row, strict=True)}


def gx_counts(outcome: quality.ValidationOutcome) -> dict[tuple[str, str], int]:
    """GX's count per expectation, keyed like `baseline_counts`: the unexpected count,
    the observed value (row count, unexpected rows), or the mismatched columns."""
    counts = {}
    for r in outcome.results:
        if r.unexpected_count is not None:
            n = r.unexpected_count
        elif r.observed_value is not None:
            n = int(r.observed_value)
        else:  # the column set: GX observes the column names
            (res,) = [
                x["result"]
                for x in (outcome.gx_result or {}).get("results", [])
                if x["expectation_config"]["type"] == r.expectation
            ]
            mismatched = res.get("details", {}).get("mismatched") or {}
            n = sum(len(v) for v in mismatched.values())
        counts[(r.rule, r.severity)] = n
    return counts


def run_baseline(dsn: str, batch_id: int) -> tuple[float, dict[tuple[str, str], int]]:
    """Time the baseline as GX's side is timed: connection included, same settings."""
    started = time.perf_counter()
    with connect(dsn, options=quality.session_options()) as conn:
        counts = baseline_counts(conn, batch_id)
    return time.perf_counter() - started, counts


def run_gate(dsn: str, batch_id: int) -> tuple[float, quality.ValidationOutcome]:
    started = time.perf_counter()
    outcome = quality.validate_batch(dsn, DS, batch_id)
    seconds = time.perf_counter() - started
    if outcome.status not in ("passed", "warned"):
        raise RuntimeError(f"bench: the generated batch was {outcome.status}: {outcome.failures}")
    return seconds, outcome


def bench_validate(
    admin_dsn: str,
    rows: int,
    table_rows: int | None = None,
    repeat: int = 3,
    *,
    database: str = DATABASE,
) -> dict:
    """Run the benchmark in fresh databases `database` (and `<database>_alone` with
    `table_rows`) on the admin connection's server; the report as a dict."""
    if rows < 1 or repeat < 1 or (table_rows is not None and table_rows < rows):
        raise ValueError("bench: need rows >= 1, repeat >= 1 and table_rows >= rows")
    started = time.perf_counter()
    quality.import_gx()  # timed apart from validation

    gx_import_s = time.perf_counter() - started

    started = time.perf_counter()
    dsn = recreate_database(admin_dsn, database)
    log.info("bench: loading %s rows into %s", table_rows or rows, database)
    batch_id = setup_database(dsn, rows, table_rows or rows)
    alone_dsn = alone_batch = None
    if table_rows is not None:
        alone_dsn = recreate_database(admin_dsn, f"{database}_alone")
        log.info("bench: loading the %s-row batch alone into %s_alone", rows, database)
        alone_batch = setup_database(alone_dsn, rows, rows)
    setup_s = time.perf_counter() - started

    checkpoint(dsn)
    # Interleaved, so a slow spell of the machine hits every side alike.
    ours, baseline, alone = [], [], []
    for i in range(repeat):
        seconds, outcome = run_gate(dsn, batch_id)
        ours.append(seconds)
        seconds, counts = run_baseline(dsn, batch_id)
        baseline.append(seconds)
        if counts != gx_counts(outcome):
            raise RuntimeError(f"bench: baseline {counts} disagrees with GX {gx_counts(outcome)}")
        if alone_dsn is not None:
            alone.append(run_gate(alone_dsn, alone_batch)[0])
        log.info(
            "bench: run %s/%s: ours %.2fs, baseline %.2fs%s", i + 1, repeat, ours[-1],
            seconds, f", alone {alone[-1]:.2f}s" if alone else "",
        )  # fmt: skip

    with connect(dsn) as conn:
        (server_version,) = conn.execute("show server_version").fetchone()
    ours_s, baseline_s = statistics.median(ours), statistics.median(baseline)
    report = {
        "rows": rows,
        "table_rows": table_rows or rows,
        "repeat": repeat,
        "ours_s": round(ours_s, 3),
        "baseline_s": round(baseline_s, 3),
        "ratio": round(ours_s / baseline_s, 2),
        "gx_import_s": round(gx_import_s, 3),
        "setup_s": round(setup_s, 1),
        "server_version": server_version,
        "session": quality.session_settings(),
        "ours_runs_s": [round(s, 3) for s in ours],
        "baseline_runs_s": [round(s, 3) for s in baseline],
    }
    if alone:
        alone_s = statistics.median(alone)
        report |= {
            "alone_s": round(alone_s, 3),
            "in_table_vs_alone": round(ours_s / alone_s, 2),
            "alone_runs_s": [round(s, 3) for s in alone],
        }
    return report
