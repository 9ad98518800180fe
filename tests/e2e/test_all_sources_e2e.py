"""Every source's DAG from its sample payloads, then transform: what `make run` does,
run by Airflow against a real PostgreSQL."""

from __future__ import annotations

import psycopg
import pytest
from psycopg import sql

from ingest.sources import SOURCE_NAMES, datasets

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def ran(warehouse_dsn, airflow_metadata, dbt_manifest, tmp_path_factory):
    from ingest.runtime import airflow_dags_test, airflow_env

    env = airflow_env(warehouse_dsn, home=airflow_metadata)
    env["MWH_PAYLOAD_DIR"] = str(tmp_path_factory.mktemp("payloads"))
    env["MWH_DATA_DOCS_DIR"] = str(tmp_path_factory.mktemp("data_docs"))
    for source in SOURCE_NAMES:
        airflow_dags_test(f"ingest_{source}", env)
    airflow_dags_test("transform", env)
    return warehouse_dsn


@pytest.mark.parametrize(
    "key", [ds.key for s in SOURCE_NAMES for ds in datasets(s).values()]
)  # fmt: skip
def test_every_dataset_lands_validated_and_staged(ran, key):
    source, dataset = key.split("__", 1)
    with psycopg.connect(ran) as conn:
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
        # One batch, its natural key unique: every promoted row is one staging row.
        assert staged == loaded
