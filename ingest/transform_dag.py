"""The transform DAG: one `dbt build` of the whole project into a shadow generation,
one Airflow task per dbt model and per model's tests, and a publish step that swaps
the generation in only when all of them passed.

Cosmos's watcher execution mode runs the build: its producer task
(`dbt_producer_watcher`) runs the single `dbt build` with dbt's own threads and
reports each node's result through XCom; the per-model tasks only read that result,
so the Airflow UI shows which model or which model's tests failed.

Importing this module is cheap (no dbt, no I/O at DAG parse time).
"""

from __future__ import annotations

import os

import pendulum

from ingest.orchestration import (
    DBT_ENV_TEMPLATE,
    DBT_QUEUE,
    DEFAULT_ARGS,
    TRANSFORM_CONN_ID,
    asset_for,
    dbt_executable,
    dbt_manifest,
    dbt_project_dir,
    dbt_threads,
    task_warehouse_dsn,
)

PRODUCER_TASK_ID = "dbt_producer_watcher"
# Downstream DAGs (reports, exports) are scheduled on a whole published generation.
PUBLISHED = "warehouse_published"


def build_transform_dag(*, doc_md: str | None):
    from airflow.sdk import Asset, AssetAny, task
    from cosmos import DbtDag, ExecutionConfig, ProfileConfig, ProjectConfig, RenderConfig
    from cosmos.constants import ExecutionMode, InvocationMode, LoadMode

    from ingest.sources import ALL_SOURCES, datasets

    project = dbt_project_dir()
    dag = _dag_class(DbtDag)(
        dag_id="transform",
        # Any validated batch of any raw dataset (a plain list would wait for all of them).
        schedule=AssetAny(*(asset_for(ds) for s in ALL_SOURCES for ds in datasets(s).values())),
        start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
        catchup=False,
        max_active_runs=1,
        default_args={**DEFAULT_ARGS, "retries": min(1, DEFAULT_ARGS["retries"])},
        tags=["transform", "dbt"],
        doc_md=doc_md,
        project_config=ProjectConfig(
            dbt_project_path=project,
            manifest_path=dbt_manifest(),
            install_dbt_deps=False,
        ),
        profile_config=ProfileConfig(
            profile_name="migration_warehouse",
            target_name="shadow",
            profiles_yml_filepath=project / "profiles.yml",
        ),
        execution_config=ExecutionConfig(
            execution_mode=ExecutionMode.WATCHER,
            dbt_executable_path=dbt_executable(),
            invocation_mode=InvocationMode.SUBPROCESS,
        ),
        render_config=RenderConfig(load_method=LoadMode.DBT_MANIFEST),
        operator_args={
            "env": DBT_ENV_TEMPLATE,
            "append_env": True,
            "dbt_cmd_flags": ["--threads", str(dbt_threads())],
            # Shadow relations are no one's input: the published generation is.
            "emit_datasets": False,
        },
    )

    with dag:

        @task
        def prepare_shadow() -> dict[str, int]:
            """Empty shadow schemas, with the incremental facts and snapshots copied in."""
            from ingest.generations import prepare

            return prepare(task_warehouse_dsn(TRANSFORM_CONN_ID), dbt_manifest())

        @task(outlets=[Asset(name=PUBLISHED, group="warehouse")])
        def publish() -> list[str]:
            """The whole generation in for the previous one, in one transaction."""
            from ingest.generations import publish as swap

            return list(swap(task_warehouse_dsn(TRANSFORM_CONN_ID), dbt_manifest()))

        wire_generation(dag, prepare_shadow(), publish())
    return dag


def _dag_class(dbt_dag):
    """DbtDag with a cheap hash. Airflow hashes the DAG each time two tasks are linked,
    and the hash of an AssetAny of every raw dataset costs ~3 ms (attrs.asdict per
    asset): 2 s of every parse of this DAG, which each of its ~100 tasks pays when it
    starts. Equal DAGs have equal ids, so the id is a valid hash."""

    class TransformDag(dbt_dag):
        def __hash__(self):
            return hash((dbt_dag, self.dag_id))

    return TransformDag


def wire_generation(dag, prepare, publish) -> None:  # the two tasks' XComArgs
    """prepare -> producer -> publish, with a task per dbt node between prepare and
    publish, linked as dbt's lineage links the nodes.

    Under a scheduler each node's task runs in the triggerer (ingest/watcher.py) and
    starts with the build: it reports its node soon after dbt finishes it (each level
    of the lineage costs Airflow about 3 s, so the last levels trail the build).
    `airflow dags test` (`mwh run`) runs one task at a time and would wait on a node
    before the build ran, so there the first nodes' tasks follow the producer instead,
    whatever its outcome (all_done: they report the failures too).
    MWH_NODE_TASKS_AFTER_BUILD=1 chooses that shape; `mwh run` sets it.
    """
    from ingest.watcher import start_in_triggerer

    prepare, publish = prepare.operator, publish.operator
    producer = dag.get_task(PRODUCER_TASK_ID)
    # Celery sends the dbt build to its own queue (a worker sized for it); the
    # LocalExecutor ignores queues.
    producer.queue = DBT_QUEUE
    # cosmos skips a producer's second try (the node tasks rerun their own nodes), and
    # a skipped producer would skip publish, which ends the run as a success.
    producer.retries = 0
    prepare >> producer
    after_build = os.environ.get("MWH_NODE_TASKS_AFTER_BUILD") == "1"
    consumers = [t for t in dag.tasks if t not in (prepare, producer, publish)]
    for t in consumers:
        # Cosmos gives the nodes with no upstream node (here every staging model
        # and seed) no upstream task at all.
        if not t.upstream_task_ids:
            if after_build:
                producer >> t
                t.trigger_rule = "all_done"
            else:
                prepare >> t
        # ~160 tasks that only read the build's results: no worker each.
        start_in_triggerer(t, dag.dag_id)
    # Published only when the build ended (its on-run-end hooks too) and every model
    # and every test passed (the default all_success).
    [producer, *consumers] >> publish
