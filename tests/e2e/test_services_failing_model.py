"""A model that fails under the scheduler, where the transform's node tasks run in the
triggerer (ingest/watcher.py): the build fails; a node task with no good result goes
to a worker, fails with cosmos's message, is retried there by running dbt for its
node alone, and fails again; what follows it in dbt's lineage never starts, nothing
is published and the readers keep the previous generation.
"""

from __future__ import annotations

import pytest

from ingest.bench_transform import mart_digest
from tests.e2e.services_api import running_services

# `make test-services`: minutes of scheduler time that `make test` cannot afford.
pytestmark = [pytest.mark.e2e, pytest.mark.services]

FAILING = "mart_regional_situation"


@pytest.fixture(scope="module")
def up(built_warehouse_dsn, dbt_manifest, databases, broken_project, tmp_path_factory):
    home = tmp_path_factory.mktemp("services-failing")
    yield from running_services(
        "local", built_warehouse_dsn, dbt_manifest, databases.dsn("postgres"), home,
        MWH_DBT_PROJECT_DIR=str(broken_project),
    )  # fmt: skip


def test_failed_model_under_the_scheduler(up, built_warehouse_dsn):
    _, api = up
    published = mart_digest(built_warehouse_dsn, role="bi_reader")
    api.unpause("transform")
    run_id = api.trigger("transform")["dag_run_id"]
    with pytest.raises(RuntimeError, match=r"\('dbt_producer_watcher', 'failed'\)"):
        api.wait_run("transform", run_id=run_id, timeout=900)
    tasks = {t["task_id"]: t for t in api.tasks("transform", run_id)}

    # No second try of the build (cosmos would skip it, and skip publish with it).
    producer = tasks["dbt_producer_watcher"]
    assert (producer["state"], producer["try_number"]) == ("failed", 1)
    assert tasks["publish"]["state"] == "upstream_failed"
    assert tasks[f"{FAILING}.run"]["state"] in ("failed", "upstream_failed")
    # The node tasks that failed went to a worker (cosmos's message) and were retried
    # there, running dbt for their own node alone (retries=1).
    failed = [t for t in tasks.values() if t["state"] == "failed" and t is not producer]
    assert failed and all(t["queued_when"] and t["try_number"] == 2 for t in failed), failed
    # Everything dbt built before it reported success from the triggerer.
    in_triggerer = [t for t in tasks.values() if t["state"] == "success" and not t["queued_when"]]
    assert len(in_triggerer) > 100, len(in_triggerer)
    assert tasks["stg_eurostat__asylum_applicants_monthly.run"] in in_triggerer
    # Readers keep the generation the template built.
    assert mart_digest(built_warehouse_dsn, role="bi_reader") == published
