"""The pipeline end to end: both DAGs run by Airflow against a real PostgreSQL."""

from __future__ import annotations

import json
import os

import psycopg
import pytest

from ingest.sources.eurostat.client import load_sample

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def env(warehouse_dsn, airflow_metadata, dbt_manifest, tmp_path_factory):
    from ingest.runtime import airflow_env

    e = airflow_env(warehouse_dsn, home=airflow_metadata)
    e["MWH_PAYLOAD_DIR"] = str(tmp_path_factory.mktemp("payloads"))
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


def _run(dag_id, env):
    from ingest.runtime import airflow_dags_test

    airflow_dags_test(dag_id, env)


def test_pipeline_end_to_end(env, warehouse_dsn):
    cells, n_obs = _sample_expectations()
    _run("ingest_eurostat", env)
    _run("transform", env)

    with psycopg.connect(warehouse_dsn) as conn:
        batches = conn.execute(
            "select batch_id, status, rows_received, rows_loaded, rows_quarantined"
            " from ops.batches order by batch_id"
        ).fetchall()
        assert len(batches) == 1
        batch_id, status, received, loaded, quarantined = batches[0]
        assert status in ("passed", "warned")
        assert received == loaded + quarantined == n_obs

        (raw_rows,) = conn.execute(
            "select count(*) from raw.eurostat__asylum_applicants_monthly"
        ).fetchone()
        assert raw_rows == n_obs

        # Countries only in the mart, with the sample's own figures.
        rows = conn.execute(
            "select geo_code, citizen_code, to_char(month, 'YYYY-MM'), first_time_applicants,"
            " applicants_total from marts.mart_asylum_applications_monthly"
        ).fetchall()
        assert rows
        aggregates = {"EU27_2020", "TOTAL", "EXT_EU27_2020", "UNK", "STLS"}
        for geo, citizen, month, frst, total in rows:
            assert geo not in aggregates and citizen not in aggregates
            assert frst == cells.get((geo, citizen, "FRST", month))
            assert total == cells.get((geo, citizen, "TOTAL", month))
        expected = {
            (g, c, t) for (g, c, a, t) in cells if a == "FRST" and g not in aggregates
            and c not in aggregates
        }  # fmt: skip
        assert {(g, c, m) for g, c, m, _, _ in rows} == expected

        (in_totals,) = conn.execute(
            "select count(*) from marts.mart_asylum_applications_monthly_totals"
            " where geo_code = 'EU27_2020' or citizen_code = 'TOTAL'"
        ).fetchone()
        assert in_totals > 0
        mart_count = len(rows)

    # A second run of the same payload is a no-op: no new batch, no duplicate rows.
    _run("ingest_eurostat", env)
    _run("transform", env)
    with psycopg.connect(warehouse_dsn) as conn:
        (n_batches,) = conn.execute("select count(*) from ops.batches").fetchone()
        (raw_rows2,) = conn.execute(
            "select count(*) from raw.eurostat__asylum_applicants_monthly"
        ).fetchone()
        (mart_count2,) = conn.execute(
            "select count(*) from marts.mart_asylum_applications_monthly"
        ).fetchone()
        (n_runs,) = conn.execute("select count(*) from quality.validation_runs").fetchone()
    assert (n_batches, raw_rows2, mart_count2) == (1, n_obs, mart_count)
    # The unchanged payload was not validated a second time.
    assert n_runs == 1
    assert os.path.isdir(env["MWH_PAYLOAD_DIR"])
