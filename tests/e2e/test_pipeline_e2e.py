"""The pipeline end to end: every source's ingest DAG and the transform DAG run by
Airflow against a real PostgreSQL, as `make run` runs them."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from ingest.bench_transform import mart_digest
from ingest.runtime import StepFailed
from ingest.sources import SOURCE_NAMES, datasets
from ingest.sources.eurostat.client import load_sample
from ingest.sources.eurostat.datasets import DATASETS

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def env(warehouse_dsn, airflow_metadata, dbt_manifest, tmp_path_factory):
    from ingest.runtime import airflow_env

    e = airflow_env(warehouse_dsn, home=airflow_metadata)
    e["MWH_PAYLOAD_DIR"] = str(tmp_path_factory.mktemp("payloads"))
    e["MWH_DATA_DOCS_DIR"] = str(tmp_path_factory.mktemp("data_docs"))
    e["MWH_LANDING_URL"] = tmp_path_factory.mktemp("landing").as_uri()
    return e


def _sample_expectations():
    """Independent of the parser: figures straight from the sample's JSON-stat."""
    doc = json.loads(load_sample("migr_asyappctzm"))
    dims = doc["id"]
    sizes = doc["size"]
    cats = []
    for d in dims:
        idx = doc["dimension"][d]["category"]["index"]
        cats.append(sorted(idx, key=idx.get) if isinstance(idx, dict) else list(idx))
    cells = {}
    # A flagged cell with no value (e.g. confidential 'c') is an observation with no figure.
    for key, value in {**dict.fromkeys(doc["status"]), **doc["value"]}.items():
        i = int(key)
        coords = {}
        for d, size, c in zip(reversed(dims), reversed(sizes), reversed(cats), strict=True):
            coords[d] = c[i % size]
            i //= size
        cells[(coords["geo"], coords["citizen"], coords["applicant"], coords["time"])] = value
    n_obs = len(set(doc["value"]) | set(doc.get("status", {})))
    return cells, n_obs


def _cell(doc, **coords):
    """The flat JSON-stat index of one observation (row-major over doc["id"])."""
    coords = {"freq": "M", "unit": "PER", "sex": "T", "age": "TOTAL", **coords}
    i = 0
    for d, size in zip(doc["id"], doc["size"], strict=True):
        index = doc["dimension"][d]["category"]["index"]
        pos = index[coords[d]] if isinstance(index, dict) else index.index(coords[d])
        i = i * size + pos
    return str(i)


def _run(*dag_ids, env):
    """The DAGs once each, in order, in one Airflow process (as `mwh run` runs them)."""
    from ingest.runtime import run_dags

    run_dags(dag_ids, env, echo=lambda line: None)


@pytest.fixture(scope="module")
def ran_all(env, warehouse_dsn):
    """Every source's sample payloads through its DAG, the example submissions through
    the landing zone's DAG, then transform, once."""
    from airflow.sdk import ObjectStoragePath

    from ingest.submissions.landing import drop_examples

    drop_examples(ObjectStoragePath(env["MWH_LANDING_URL"]))
    _run(*(f"ingest_{s}" for s in SOURCE_NAMES), "ingest_submissions", "transform", env=env)
    return warehouse_dsn


def test_example_submissions_land_validated_and_staged(ran_all, env):
    """Every example lands as its steward would see it: the good ones passed and
    processed; Kumanovo's file partial, its one bad row in quarantine with its reason;
    Struga's failed, every row quarantined, the file in rejected/ and none of it staged."""

    from ingest.submissions.examples.make_examples import FAILING
    from ingest.submissions.landing import EXAMPLES

    landing = Path(env["MWH_LANDING_URL"].removeprefix("file://"))
    assert not [p for p in (landing / "incoming").rglob("*") if p.is_file()]
    batches = {}
    with psycopg.connect(ran_all) as conn:
        for name, dataset, scope in EXAMPLES:
            row = conn.execute(
                "select batch_id, status, rows_received, rows_loaded, rows_quarantined,"
                " municipality, report_path from ops.batches"
                " where source = 'submissions' and file_name = %s",
                (name,),
            ).fetchone()
            assert row, name
            batch_id, status, received, loaded, quarantined, municipality, report = row
            batches[name] = row
            assert received == loaded + quarantined and received > 0, row
            if name not in FAILING:
                assert status == "passed" and quarantined == 0, row
            assert municipality == (None if scope == "national" else scope)
            outcome = "rejected" if status == "failed" else "processed"
            assert (landing / outcome / dataset / scope / f"{batch_id}-{name}").is_file()
            assert (landing / "reports" / dataset / scope / Path(report).name).is_file()

        # Kumanovo: one row with a negative count quarantined, with its reason; the rest
        # promoted.
        batch_id, status, received, loaded, quarantined, _, _ = batches[
            "registered_arrivals_kumanovo.csv"
        ]
        assert (status, quarantined) == ("partial", 1) and loaded == received - 1 > 0
        (held,) = conn.execute(
            "select row_data->>'persons', rules, reasons from quality.quarantine"
            " where batch_id = %s",
            (batch_id,),
        ).fetchall()
        persons, rules, reasons = held
        assert persons == "-3" and rules and reasons, held
        assert any("-3" in r for r in reasons), reasons
        (staged,) = conn.execute(
            "select count(*) from staging.stg_submissions__registered_arrivals where batch_id = %s",
            (batch_id,),
        ).fetchone()
        assert staged == loaded

        # Struga: every row quarantined, so the batch failed and nothing of it is staged.
        batch_id, status, received, loaded, quarantined, _, _ = batches[
            "needs_assessment_struga.csv"
        ]
        assert (status, loaded) == ("failed", 0) and quarantined == received > 0
        (held, sectors) = conn.execute(
            "select count(*), count(*) filter (where array_to_string(reasons, ' ') like"
            " '%%' || (row_data->>'sector') || '%%')"
            " from quality.quarantine where batch_id = %s",
            (batch_id,),
        ).fetchone()
        assert held == sectors == received
        (staged,) = conn.execute(
            "select count(*) from staging.stg_submissions__needs_assessment where batch_id = %s",
            (batch_id,),
        ).fetchone()
        assert staged == 0

        # Staging holds the promoted batches' loaded rows, and only theirs.
        for dataset in {d for _, d, _ in EXAMPLES}:
            (loaded,) = conn.execute(
                "select sum(rows_loaded) from ops.batches where source = 'submissions'"
                " and dataset = %s and status in ('passed', 'warned', 'partial')",
                (dataset,),
            ).fetchone()
            (staged,) = conn.execute(
                sql.SQL("select count(*) from {}").format(
                    sql.Identifier("staging", f"stg_submissions__{dataset}")
                )
            ).fetchone()
            assert staged == loaded, dataset


def test_data_docs_show_the_submissions_validations(ran_all, env):
    """ingest_submissions rebuilds the GX Data Docs after its validations, as the
    ingest DAGs (which ran before it) do: the failing example has its page."""
    site = Path(env["MWH_DATA_DOCS_DIR"])
    pages = list(site.glob("validations/submissions__needs_assessment/*/*/*.html"))
    assert pages and "submissions__needs_assessment" in (site / "index.html").read_text()


def _local_arrivals(name: str) -> int:
    """A municipality's own example file as the marts count it (macro
    arrivals_authority_rule): per day the larger of its crossings' sum and its own
    registrations' sum, without the rows the gate quarantines (negative counts)."""
    import csv
    from collections import defaultdict

    from ingest.submissions.landing import EXAMPLES_DIR

    per_day = defaultdict(lambda: {"crossing": 0, "municipality": 0})
    with (Path(EXAMPLES_DIR) / name).open(encoding="utf-8-sig") as f:
        for r in csv.DictReader(f):
            if int(r["persons"]) >= 0:
                kind = "crossing" if r["location_code"].startswith("MK-BCP-") else "municipality"
                per_day[r["arrival_date"]][kind] += int(r["persons"])
    return sum(max(day.values()) for day in per_day.values())


def test_every_mart_is_built_from_the_samples(ran_all):
    """transform (cosmos, run by Airflow) builds every governance level's marts from the
    samples, each row with its provenance and quality score, and the arrivals in March
    2025 of Gevgelija and Kumanovo (the municipalities whose own files are among the
    examples) add up to the national and regional figures."""
    gevgelija = _local_arrivals("registered_arrivals.csv")
    kumanovo = _local_arrivals("registered_arrivals_kumanovo.csv")
    marts = ("mart_local_situation", "mart_national_situation", "mart_regional_situation",
             "mart_reconciliation", "mart_municipality_pressure")  # fmt: skip
    with psycopg.connect(ran_all) as conn:
        for mart in marts:
            n, provenance, scored = conn.execute(
                sql.SQL(
                    "select count(*), count(source_datasets), count(quality_score) from {}"
                ).format(sql.Identifier("marts", mart))  # fmt: skip
            ).fetchone()
            assert n > 0 and provenance == n and scored == n, (mart, n, provenance, scored)
        levels = dict(conn.execute(
            "select geography_level, count(*) from marts.mart_quality_scorecard group by 1"
        ).fetchall())  # fmt: skip
        assert set(levels) == {"municipality", "country", "region_group", "dataset"}
        local = dict(conn.execute(
            "select municipality_lau_code, arrivals from marts.mart_local_situation"
            " where period_grain = 'month' and period_start = '2025-03-01'"
            " and arrivals is not null"
        ).fetchall())  # fmt: skip
        assert local == {"MK00405": gevgelija, "MK00703": kumanovo}
        # The examples that fail on purpose lower the scorecard, with their reasons:
        # Kumanovo's quarantined row its month, Struga's failed file (no accepted row,
        # so no period) the needs assessments' dataset row.
        kumanovo_score = conn.execute(
            "select validity_score, validity_reason from marts.mart_quality_scorecard"
            " where source_dataset_key = 'submissions__registered_arrivals'"
            " and geography_key = 'MK00703' and period_grain = 'month'"
            " and period_start = '2025-03-01'"
        ).fetchone()
        assert kumanovo_score[0] < 1 and ", 1 quarantined" in kumanovo_score[1]
        needs = conn.execute(
            "select validity_score, quality_band, validity_reason"
            " from marts.mart_quality_scorecard where geography_level = 'dataset'"
            " and source_dataset_key = 'submissions__needs_assessment'"
        ).fetchone()
        assert needs[:2] == (0, "poor") and "1 file(s) or batch(es) failed" in needs[2]
        # Western Balkans: UNHCR fills the countries Eurostat lacks; Kosovo has no
        # figure in any sample and is named, not silently left out.
        assert conn.execute(
            "select member_countries, asylum_applications_countries,"
            " asylum_applications_countries_missing from marts.mart_regional_situation"
            " where region_group_key = 'western_balkans' and period_grain = 'year'"
            " and period_start = '2023-01-01'"
        ).fetchone() == (6, 5, "XKX")
        # Greece's 2025 arrivals: the full-year figure per place, not four months of the
        # series; 2026's first quarter is the quarter so far (the series ends 1 March).
        greece = conn.execute(
            "select period_grain, arrivals_international_source, is_complete_period,"
            " incomplete_figures from marts.mart_national_situation where country_key = 'GRC'"
            " and ((period_grain = 'year' and period_start = '2025-01-01')"
            " or (period_grain = 'quarter' and period_start = '2026-01-01')) order by 1"
        ).fetchall()
        assert greece == [
            ("quarter", "unhcr_odp__arrivals_timeseries", False,
             "arrivals_international 60/90 days"),
            ("year", "unhcr_odp__arrivals_by_sublocation", True, None),
        ]  # fmt: skip
        march = conn.execute(
            "select (select arrivals from marts.mart_national_situation"
            "        where country_key = 'MKD' and period_grain = 'month'"
            "        and period_start = '2025-03-01'),"
            "       (select arrivals from marts.mart_regional_situation"
            "        where region_group_key = 'western_balkans' and period_grain = 'month'"
            "        and period_start = '2025-03-01')"
        ).fetchone()
        assert march == (gevgelija + kumanovo, gevgelija + kumanovo)


# ---------------------------------------------------------------- the sample warehouse
# Read as analysts and BI tools read it: the README's analyst example returns rows,
# every table the build made has planner statistics (dbt's on-run-end ANALYZE), no
# index is named after dbt's `__dbt_tmp` build name, and the asylum mart holds the
# harmonised fact's figures. Here rather than in a module of its own, so the sample
# warehouse is built once (by the DAGs above) for the whole suite.

README = Path(__file__).resolve().parents[2] / "README.md"
DBT_SCHEMAS = ("marts", "detail", "reference", "snapshots")
MART = "mart_asylum_applications_monthly"


def _sample_rows(dsn: str, query: str, *args):
    with psycopg.connect(dsn) as conn:
        return conn.execute(query, args or None).fetchall()


def _readme_sql(marker: str) -> str:
    """The README's ```sql block that contains `marker`, verbatim."""
    blocks = re.findall(r"^```sql\n(.*?)^```", README.read_text(encoding="utf-8"), re.M | re.S)
    found = [b for b in blocks if marker in b]
    assert len(found) == 1, f"{len(found)} sql blocks in README.md contain {marker!r}"
    return found[0]


def test_readme_analyst_example_returns_sample_rows(ran_all):
    query = _readme_sql("The most affected municipalities")
    with psycopg.connect(ran_all) as conn:
        conn.execute("set role analyst")  # as the README's analysts run it
        cur = conn.execute(query)
        columns = [c.name for c in cur.description]
        rows = cur.fetchall()
    assert rows, "the README's analyst example returns no row on the sample warehouse"
    # One month: the latest with data.
    assert len({r[columns.index("period_start")] for r in rows}) == 1


def test_every_built_table_has_statistics(ran_all):
    """ANALYZE ran on every table (a clone keeps pg_class and pg_statistic, not the
    cumulative statistics of pg_stat_user_tables): reltuples is never -1 (never
    analyzed) and a table with rows has column statistics."""
    tables = _sample_rows(
        ran_all,
        "select n.nspname, c.relname, c.reltuples,"
        "       exists (select 1 from pg_statistic s where s.starelid = c.oid)"
        " from pg_class c join pg_namespace n on n.oid = c.relnamespace"
        " where c.relkind in ('r', 'p') and n.nspname = any(%s)",
        list(DBT_SCHEMAS),
    )
    assert {s for s, *_ in tables} == set(DBT_SCHEMAS)
    assert MART in {t for _, t, *_ in tables}
    unanalyzed, without_stats = [], []
    with psycopg.connect(ran_all) as conn:
        for schema, table, reltuples, has_stats in tables:
            if reltuples < 0:
                unanalyzed.append(f"{schema}.{table}")
            (rows,) = conn.execute(f'select count(*) from "{schema}"."{table}"').fetchone()
            if rows and not (has_stats and reltuples > 0):
                without_stats.append(f"{schema}.{table} ({rows} rows)")
    assert not unanalyzed, unanalyzed
    assert not without_stats, without_stats


def test_no_index_is_named_after_dbt_tmp(ran_all):
    names = _sample_rows(
        ran_all,
        "select schemaname || '.' || indexname from pg_indexes where indexname like '%dbt_tmp%'"
        " union all select conrelid::regclass::text || ' ' || conname from pg_constraint"
        " where conname like '%dbt_tmp%'",
    )
    assert names == []
    # Contracted tables and incremental facts keep PostgreSQL's own name for their key.
    keys = dict(_sample_rows(
        ran_all,
        "select tablename, indexname from pg_indexes where schemaname = 'marts'"
        " and indexname like '%pkey'",
    ))  # fmt: skip
    assert keys[MART] == f"{MART}_pkey"
    assert keys["fct_asylum_applications"] == "fct_asylum_applications_pkey"


def test_asylum_mart_holds_the_facts_monthly_figures(ran_all):
    """One row per ISO3 country of asylum, origin and month, its figures those of the
    fact's all-sexes, all-ages rows of Eurostat's monthly dataset."""
    rows = _sample_rows(
        ran_all,
        f"select country_key, country_name, origin_key, origin_kind, month,"
        f" first_time_applicants, applicants_total, source_country_code,"
        f" source_origin_code, source_dataset_key from marts.{MART}",
    )
    assert rows
    assert {r[9] for r in rows} == {"eurostat__asylum_applicants_monthly"}
    greece = {(r[2], r[4].isoformat()): r for r in rows if r[0] == "GRC"}
    assert greece and {r[7] for r in greece.values()} == {"EL"}
    assert {r[1] for r in greece.values()} == {"Greece"}
    assert {r[3] for r in rows} >= {"country", "all"}
    fact = dict(_sample_rows(
        ran_all,
        "select application_type, applications from marts.fct_asylum_applications"
        " where source_dataset_key = 'eurostat__asylum_applicants_monthly'"
        " and country_key = 'GRC' and origin_kind = 'all' and sex = 'T' and is_all_ages"
        " and period_start = '2025-03-01'",
    ))  # fmt: skip
    march = greece[("all", "2025-03-01")]
    assert (march[5], march[6]) == (fact["first_time"], fact["total"])
    assert march[8] == "TOTAL"


@pytest.fixture(scope="module")
def rebuilt(ran_all, run_dbt):
    """The asylum mart built again over its existing table (dbt keeps the previous one
    as `__dbt_backup` until its commit), after the statistics of the clone are reset."""
    with psycopg.connect(ran_all, autocommit=True) as conn:
        conn.execute("select pg_stat_reset()")
    run_dbt(ran_all, "run", "--select", MART)
    return ran_all


def test_a_rebuild_analyzes_and_names_the_key_again(rebuilt):
    (analyzed,) = _sample_rows(
        rebuilt,
        "select last_analyze is not null from pg_stat_user_tables"
        " where schemaname = 'marts' and relname = %s",
        MART,
    )
    assert analyzed == (True,)
    indexes = _sample_rows(
        rebuilt,
        "select indexname from pg_indexes where schemaname = 'marts'"
        " and (indexname like %s or indexname like '%%dbt%%')",
        f"{MART}%",
    )
    assert indexes == [(f"{MART}_pkey",)]


@pytest.mark.parametrize(
    "key", [ds.key for s in SOURCE_NAMES for ds in datasets(s).values()]
)  # fmt: skip
def test_every_dataset_lands_validated_and_staged(ran_all, key):
    source, dataset = key.split("__", 1)
    with psycopg.connect(ran_all) as conn:
        batches = conn.execute(
            "select batch_id, status, rows_received, rows_loaded, rows_quarantined"
            " from ops.batches where source = %s and dataset = %s",
            (source, dataset),
        ).fetchall()
        assert len(batches) == 1, batches
        batch_id, status, received, loaded, quarantined = batches[0]
        assert status in ("passed", "warned"), f"{key}: batch {batch_id} {status}"
        assert received == loaded + quarantined and received > 0
        (raw,) = conn.execute(
            sql.SQL("select count(*) from {}").format(sql.Identifier("raw", key))
        ).fetchone()
        assert raw == received
        (runs,) = conn.execute(
            "select count(*) from quality.validation_runs where batch_id = %s", (batch_id,)
        ).fetchone()
        assert runs == 1
        (staged,) = conn.execute(
            sql.SQL("select count(*) from {}").format(
                sql.Identifier("staging", f"stg_{source}__{dataset}")
            )
        ).fetchone()
        # At most one staging row per promoted row (some models pivot measures into
        # columns), and none lost entirely.
        assert 0 < staged <= loaded


def test_pipeline_end_to_end(ran_all, env, warehouse_dsn):
    cells, n_obs = _sample_expectations()

    with psycopg.connect(warehouse_dsn) as conn:
        batches = conn.execute(
            "select batch_id, status, rows_received, rows_loaded, rows_quarantined"
            " from ops.batches where dataset = 'asylum_applicants_monthly' order by batch_id"
        ).fetchall()
        assert len(batches) == 1
        batch_id, status, received, loaded, quarantined = batches[0]
        assert status in ("passed", "warned")
        assert received == loaded + quarantined == n_obs

        (raw_rows,) = conn.execute(
            "select count(*) from raw.eurostat__asylum_applicants_monthly"
        ).fetchone()
        assert raw_rows == n_obs

        # The mart holds the sample's own figures, keyed by ISO3 as the facts are:
        # compared on the Eurostat codes it keeps as provenance.
        rows = conn.execute(
            "select source_country_code, source_origin_code, to_char(month, 'YYYY-MM'),"
            " first_time_applicants, applicants_total, country_key, origin_kind,"
            " source_dataset_key from marts.mart_asylum_applications_monthly"
        ).fetchall()
        assert rows
        geo_codes = dict(conn.execute(
            "select country_key, eurostat_geo_code from marts.dim_country"
        ).fetchall())  # fmt: skip
        # Groups never land (neither a country of asylum nor an origin); Eurostat's
        # all-origins total, stateless and unknown are origins of their own kind.
        groups = {"EU27_2020", "EXT_EU27_2020"}
        kinds = {"TOTAL": "all", "STLS": "stateless", "UNK": "unknown"}
        for geo, citizen, month, frst, total, country, kind, dataset in rows:
            assert geo not in groups and citizen not in groups
            assert geo_codes[country] == geo
            assert kind == kinds.get(citizen, "country")
            assert dataset == "eurostat__asylum_applicants_monthly"
            assert frst == cells.get((geo, citizen, "FRST", month))
            assert total == cells.get((geo, citizen, "TOTAL", month))
        expected = {
            (g, c, t) for (g, c, _, t) in cells if g not in groups and c not in groups
        }  # fmt: skip
        assert {(g, c, m) for g, c, m, *_ in rows} == expected
        assert {k for *_, k, _ in rows} == {"country", "all", "stateless", "unknown"}
        mart_count = len(rows)

    # A second run of the same payload is a no-op: no new batch, no duplicate rows. (A
    # rebuild over the published generation is checked by the failing-batch test, whose
    # second transform reads a revision of the same cells: it saves a transform here.)
    _run("ingest_eurostat", env=env)
    with psycopg.connect(warehouse_dsn) as conn:
        (n_batches,) = conn.execute(
            "select count(*) from ops.batches where dataset = 'asylum_applicants_monthly'"
        ).fetchone()
        (raw_rows2,) = conn.execute(
            "select count(*) from raw.eurostat__asylum_applicants_monthly"
        ).fetchone()
        (mart_count2,) = conn.execute(
            "select count(*) from marts.mart_asylum_applications_monthly"
        ).fetchone()
        (n_runs,) = conn.execute(
            "select count(*) from quality.validation_runs"
            " where dataset = 'asylum_applicants_monthly'"
        ).fetchone()
    assert (n_batches, raw_rows2, mart_count2) == (1, n_obs, mart_count)
    # The unchanged payload was not validated a second time.
    assert n_runs == 1
    assert os.path.isdir(env["MWH_PAYLOAD_DIR"])


def _assert_levels_add_up(dsn):
    """As BI tools read them: each region group's figures are its members' sums."""
    with psycopg.connect(dsn) as conn:
        conn.execute("set role bi_reader")
        compared, differ = conn.execute(
            "with sums as ("
            "  select m.region_group_key, n.period_start, n.period_grain,"
            "         sum(n.arrivals) as arrivals,"
            "         sum(n.asylum_applications) as asylum_applications"
            "  from marts.mart_national_situation as n"
            "  join marts.dim_region_group_member as m"
            "    on n.country_key = m.country_key and m.is_active_member"
            "  group by 1, 2, 3)"
            " select count(*), count(*) filter (where"
            "   r.arrivals is distinct from s.arrivals"
            "   or r.asylum_applications is distinct from s.asylum_applications)"
            " from marts.mart_regional_situation as r"
            " join sums as s using (region_group_key, period_start, period_grain)"
        ).fetchone()
    assert compared > 0 and differ == 0, (compared, differ)


def test_a_failing_batch_end_to_end(ran_all, env, warehouse_dsn, broken_project):
    """A revised payload from the (fake) live API with two impossible figures and an
    implausible jump: the two rows are quarantined with their reasons, the jump is a
    warning, the rest of the batch is promoted and staging keeps the earlier figures
    for the quarantined observations."""
    from tests.fakehttp import FakeServer, Reply

    doc = json.loads(load_sample("migr_asyappctzm"))
    negative = _cell(doc, geo="DE", citizen="SY", applicant="FRST", time="2025-03")
    fraction = _cell(doc, geo="AT", citizen="AF", applicant="TOTAL", time="2025-04")
    jump = _cell(doc, geo="SI", citizen="TOTAL", applicant="TOTAL", time="2025-06")
    before = {k: doc["value"][k] for k in (negative, fraction)}
    doc["value"][negative] = -5
    doc["value"][fraction] = 12.5
    doc["value"][jump] = doc["value"][jump] * 10
    revised = _cell(doc, geo="IT", citizen="UA", applicant="FRST", time="2025-02")
    doc["value"][revised] = doc["value"][revised] + 100

    # The other Eurostat datasets get their unchanged samples (a no-op each).
    others = {
        f"/{ds.code}": [Reply(body=load_sample(ds.code))]
        for ds in DATASETS.values()
        if ds.code != "migr_asyappctzm"
    }
    with FakeServer([Reply(body=json.dumps(doc).encode())], routes=others) as api:
        live_env = {**env, "MWH_LIVE": "1", "MWH_EUROSTAT_BASE_URL": api.url}
        _run("ingest_eurostat", env=live_env)
        assert api.seen, "the DAG did not call the (fake) API"
    # A model failing halfway through the build publishes nothing: readers keep the
    # previous generation, whole and consistent (and the shadow stays out of reach).
    published = mart_digest(warehouse_dsn, role="bi_reader")
    mart_rows = _sample_rows(warehouse_dsn, f"select count(*) from marts.{MART}")
    with pytest.raises(StepFailed, match="transform"):
        _run("transform", env={**env, "MWH_DBT_PROJECT_DIR": str(broken_project)})
    assert mart_digest(warehouse_dsn, role="bi_reader") == published
    _assert_levels_add_up(warehouse_dsn)
    with psycopg.connect(warehouse_dsn) as conn:
        (readable,) = conn.execute(
            "select has_schema_privilege('bi_reader', 'marts__next', 'usage')"
        ).fetchone()
        assert readable is False
    # The fixed project publishes the new generation.
    _run("transform", env=env)
    assert mart_digest(warehouse_dsn, role="bi_reader") != published
    _assert_levels_add_up(warehouse_dsn)
    # The rebuild over the previous generation revises figures and adds no rows.
    assert _sample_rows(warehouse_dsn, f"select count(*) from marts.{MART}") == mart_rows

    with psycopg.connect(warehouse_dsn) as conn:
        batch_id, status, received, loaded, quarantined = conn.execute(
            "select batch_id, status, rows_received, rows_loaded, rows_quarantined"
            " from ops.batches where dataset = 'asylum_applicants_monthly'"
            " order by batch_id desc limit 1"
        ).fetchone()
        assert (status, quarantined) == ("partial", 2)
        assert received == loaded + quarantined
        reasons = dict(
            conn.execute(
                "select row_data->>'citizen', reasons[1] from quality.quarantine"
                " where batch_id = %s",
                (batch_id,),
            ).fetchall()
        )
        assert reasons["SY"].startswith("value '-5' does not match ^[0-9]*$")
        assert reasons["AF"].startswith("value '12.5' does not match ^[0-9]*$")
        failing = conn.execute(
            "select e.expectation_type, e.severity from quality.expectation_results e"
            " join quality.validation_runs r using (run_id)"
            " where r.batch_id = %s and not e.success order by 1, 2",
            (batch_id,),
        ).fetchall()
        assert ("unexpected_rows_expectation", "warning") in failing

        def staged(geo, citizen, applicant, month):
            return conn.execute(
                "select applicants, batch_id from"
                " staging.stg_eurostat__asylum_applicants_monthly where geo_code = %s"
                " and citizen_code = %s and applicant_type = %s"
                " and to_char(month, 'YYYY-MM') = %s",
                (geo, citizen, applicant, month),
            ).fetchone()

        (first,) = conn.execute(
            "select min(batch_id) from ops.batches where dataset = 'asylum_applicants_monthly'"
        ).fetchone()
        # Quarantined: the earlier batch's figure stays.
        assert staged("DE", "SY", "FRST", "2025-03") == (before[negative], first)
        assert staged("AT", "AF", "TOTAL", "2025-04") == (before[fraction], first)
        # Promoted: the revision replaces the earlier figure.
        assert staged("IT", "UA", "FRST", "2025-02") == (doc["value"][revised], batch_id)
        (frst,) = conn.execute(
            "select first_time_applicants from marts.mart_asylum_applications_monthly"
            " where country_key = 'DEU' and origin_key = 'SYR' and month = '2025-03-01'"
        ).fetchone()
        assert frst == before[negative]
