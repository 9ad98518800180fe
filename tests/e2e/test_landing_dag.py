"""The `ingest_submissions` DAG run by Airflow: quiet when nothing waits, and a failed
`check_<dataset>` with a readable summary when a batch is stuck unvalidated."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from ingest.runtime import StepFailed, run_dags
from ingest.submissions.datasets import DATASETS

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def env(warehouse_dsn, airflow_metadata, tmp_path_factory):
    from ingest.runtime import airflow_env

    e = airflow_env(warehouse_dsn, home=airflow_metadata)
    e["MWH_LANDING_URL"] = tmp_path_factory.mktemp("landing").as_uri()
    return e


def test_nothing_waiting_is_a_quiet_run_and_a_stuck_batch_fails_the_check(
    env, warehouse_dsn, tmp_path
):
    # Nothing waits: every submit_<dataset> skips, every check_<dataset> passes.
    run_dags(["ingest_submissions"], env, echo=lambda line: None, log_name="landing-quiet")

    ds = DATASETS["funding"].raw
    with psycopg.connect(warehouse_dsn) as conn:
        (batch_id,) = conn.execute(
            """insert into ops.batches (source, dataset, raw_table, status, started_at,
                                        loaded_at, rows_received, rows_loaded)
               values (%s, %s, %s, 'loaded', now() - interval '3 hours',
                       now() - interval '3 hours', 0, 0) returning batch_id""",
            (ds.source, ds.name, ds.raw_table),
        ).fetchone()
    with pytest.raises(StepFailed):
        run_dags(["ingest_submissions"], env, echo=lambda line: None, log_name="landing-stuck")
    log = (Path(env["AIRFLOW_HOME"]) / "logs" / "landing-stuck.log").read_text()
    assert "1 problem(s) in the landing zone for funding" in log
    assert f"funding: batch {batch_id} has been loaded (not validated) since" in log
    for other in set(DATASETS) - {"funding"}:
        assert f"problem(s) in the landing zone for {other}" not in log
