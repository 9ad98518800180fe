"""One DagBag for all DAG tests: no import errors, and the policies every DAG follows."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from ingest.orchestration import ALLOWED_TAGS
from ingest.transform_dag import PRODUCER_TASK_ID

DAGS_DIR = Path(__file__).resolve().parents[2] / "dags"


@pytest.fixture(scope="module")
def dagbag(dbt_manifest):
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS_DIR))


def test_no_import_errors(dagbag):
    assert dagbag.import_errors == {}


def test_expected_dags(dagbag):
    assert {"ingest_eurostat", "transform"} <= set(dagbag.dag_ids)


def test_policies(dagbag):
    for dag_id, dag in dagbag.dags.items():
        assert dag.tags, f"{dag_id} has no tags"
        assert set(dag.tags) <= ALLOWED_TAGS, f"{dag_id} tags {dag.tags} not in {ALLOWED_TAGS}"
        assert dag.doc_md and dag.doc_md.strip(), f"{dag_id} has no documentation"
        assert not dag.catchup, f"{dag_id} would backfill on first deploy"
        for t in dag.tasks:
            assert t.owner and t.owner != "airflow", f"{dag_id}.{t.task_id} has no owner"
            if (dag_id, t.task_id) == ("transform", PRODUCER_TASK_ID):
                # cosmos skips a retried build; its node tasks retry their own nodes.
                continue
            assert t.retries >= 1, f"{dag_id}.{t.task_id} has no retries"


def test_ingest_chain_and_asset(dagbag):
    dag = dagbag.dags["ingest_eurostat"]
    fetch = dag.get_task("fetch_asylum_applicants_monthly")
    load = dag.get_task("load_asylum_applicants_monthly")
    validate = dag.get_task("validate_asylum_applicants_monthly")
    assert load.task_id in fetch.downstream_task_ids
    assert validate.task_id in load.downstream_task_ids
    assert [o.name for o in validate.outlets] == ["eurostat__asylum_applicants_monthly"]


@pytest.mark.parametrize(
    ("dag_id", "validating"), [("ingest_eurostat", "validate_"), ("ingest_submissions", "submit_")]
)
def test_data_docs_run_after_every_validation_off_the_critical_path(dagbag, dag_id, validating):
    dag = dagbag.dags[dag_id]
    docs = dag.get_task("data_docs")
    validates = {t for t in dag.task_ids if t.startswith(validating)}
    assert validates and docs.upstream_task_ids == validates
    assert not docs.downstream_task_ids and not docs.outlets
    # A teardown with no setup runs once its upstreams are done (all_done), failed or
    # skipped, and is left out of the run's state: a failed validation still fails it.
    assert docs.is_teardown and not docs.on_failure_fail_dagrun
    assert docs.trigger_rule == "all_done_setup_success"


def test_transform_is_scheduled_by_the_raw_asset_and_builds_models(dagbag):
    dag = dagbag.dags["transform"]
    assert "eurostat__asylum_applicants_monthly" in str(dag.timetable.asset_condition)
    task_ids = set(dag.task_ids)
    assert any("stg_eurostat__asylum_applicants_monthly" in t for t in task_ids)
    assert any("mart_asylum_applications_monthly" in t for t in task_ids)


@pytest.mark.parametrize("after_build", ["0", "1"])
def test_transform_node_tasks_start_in_the_triggerer(dbt_manifest, monkeypatch, after_build):
    """Under a scheduler the node tasks follow prepare_shadow and watch the build as it
    runs; under `dags test` (MWH_NODE_TASKS_AFTER_BUILD=1) they follow the build. In
    both, each starts in the triggerer (a serialised StartTriggerArgs the scheduler
    reads) and publish waits for the build and every node."""
    from airflow.serialization.serialized_objects import DagSerialization

    from ingest.transform_dag import build_transform_dag

    monkeypatch.setenv("MWH_NODE_TASKS_AFTER_BUILD", after_build)
    dag = build_transform_dag(doc_md=None)
    scheduled = DagSerialization.from_dict(DagSerialization.to_dict(dag))
    ends = {"prepare_shadow", PRODUCER_TASK_ID, "publish"}
    nodes = [t for t in scheduled.tasks if t.task_id not in ends]
    assert len(nodes) > 100
    assert all(t.start_from_trigger for t in nodes)
    assert {t.start_trigger_args.trigger_cls for t in nodes} == {"ingest.watcher.NodeResultTrigger"}
    assert not any(t.start_from_trigger for t in scheduled.tasks if t.task_id in ends)
    first = [t for t in nodes if not t.upstream_task_ids - ends]
    expected = PRODUCER_TASK_ID if after_build == "1" else "prepare_shadow"
    assert first and all(t.upstream_task_ids == {expected} for t in first)
    rules = {str(t.trigger_rule).rsplit(".", 1)[-1].lower() for t in first}
    assert rules == ({"all_done"} if after_build == "1" else {"all_success"})
    publish = scheduled.get_task("publish")
    assert publish.upstream_task_ids == {PRODUCER_TASK_ID, *(t.task_id for t in nodes)}
    # A retried producer is skipped by cosmos, and would skip publish: a green run.
    assert scheduled.get_task(PRODUCER_TASK_ID).retries == 0


def test_report_follows_the_published_generation(dagbag):
    dag = dagbag.dags["report"]
    assert dag.task_ids == ["publish_report"]
    assert "warehouse_published" in str(dag.timetable.asset_condition)
    assert set(dag.tags) == {"publish"}


@pytest.mark.parametrize("path", sorted(DAGS_DIR.glob("*.py")), ids=lambda p: p.name)
def test_dag_files_are_thin(path):
    """No GX or dbt import at module level: the dag-processor parses these files often."""
    tree = ast.parse(path.read_text())
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = (
                [node.module] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
            )
            for name in names:
                root = (name or "").split(".")[0]
                assert root not in {"great_expectations", "dbt", "requests", "psycopg"}, (
                    f"{path.name} imports {name} at module level"
                )


def test_every_source_has_its_ingest_dag(dagbag):
    from ingest.sources import SOURCE_NAMES, datasets

    for source in SOURCE_NAMES:
        dag = dagbag.dags[f"ingest_{source}"]
        assert "ingest" in dag.tags
        for name, ds in datasets(source).items():
            validate = dag.get_task(f"validate_{name}")
            assert [o.name for o in validate.outlets] == [ds.key]
            assert f"load_{name}" in validate.upstream_task_ids


def test_transform_runs_when_any_raw_dataset_is_validated(dagbag):
    from airflow.sdk import AssetAny

    from ingest.sources import ALL_SOURCES, datasets

    condition = dagbag.dags["transform"].timetable.asset_condition
    assert isinstance(condition, AssetAny)
    keys = {ds.key for s in ALL_SOURCES for ds in datasets(s).values()}
    assert {a.name for a in condition.objects} == keys


def test_submissions_dag_updates_each_datasets_asset(dagbag):
    from ingest.sources import datasets

    dag = dagbag.dags["ingest_submissions"]
    assert "submissions" in dag.tags
    outlets = {t.task_id: [o.name for o in t.outlets] for t in dag.tasks}
    names = datasets("submissions")
    assert outlets == {f"submit_{name}": [ds.key] for name, ds in names.items()} | {
        f"check_{name}": [] for name in names
    } | {"data_docs": []}
    for name in names:  # the check runs whatever the submission did
        check = dag.get_task(f"check_{name}")
        assert check.upstream_task_ids == {f"submit_{name}"}
        assert check.trigger_rule == "all_done"
