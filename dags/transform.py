"""
### Transform: dbt models in PostgreSQL

Builds the dbt project (staging, intermediate, marts) with astronomer-cosmos,
one task per model running `dbt build` (the model and its tests). Scheduled by
the Assets of the raw datasets: it runs when a validated batch of any of them lands.

The warehouse comes from the Airflow connection `warehouse`, rendered into the
variables `profiles.yml` reads. The dbt manifest is produced by `mwh dbt-parse`
(run by `make run`, the tests and the image build), so parsing this file never
calls dbt or the database.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import AssetAny
from cosmos import DbtDag, ExecutionConfig, ProfileConfig, ProjectConfig, RenderConfig
from cosmos.constants import LoadMode, TestBehavior, TestIndirectSelection

from ingest.config import DBT_PROJECT_DIR
from ingest.orchestration import (
    DBT_ENV_TEMPLATE,
    DEFAULT_ARGS,
    asset_for,
    dbt_executable,
    dbt_manifest,
)
from ingest.sources import ALL_SOURCES, datasets

transform = DbtDag(
    dag_id="transform",
    # Any validated batch of any raw dataset (a plain list would wait for all of them).
    schedule=AssetAny(*(asset_for(ds) for src in ALL_SOURCES for ds in datasets(src).values())),
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args={**DEFAULT_ARGS, "retries": min(1, DEFAULT_ARGS["retries"])},
    tags=["transform", "dbt"],
    doc_md=__doc__,
    project_config=ProjectConfig(
        dbt_project_path=DBT_PROJECT_DIR,
        manifest_path=dbt_manifest(),
        install_dbt_deps=False,
    ),
    profile_config=ProfileConfig(
        profile_name="migration_warehouse",
        target_name="warehouse",
        profiles_yml_filepath=DBT_PROJECT_DIR / "profiles.yml",
    ),
    # Each task builds one model: a test across two models (e.g. a relationships test)
    # runs with the later one, once both exist ("eager" would run it with the first).
    execution_config=ExecutionConfig(
        dbt_executable_path=dbt_executable(),
        test_indirect_selection=TestIndirectSelection.BUILDABLE,
    ),
    render_config=RenderConfig(load_method=LoadMode.DBT_MANIFEST, test_behavior=TestBehavior.BUILD),
    operator_args={"env": DBT_ENV_TEMPLATE, "append_env": True},
)
