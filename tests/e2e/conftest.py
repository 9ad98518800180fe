"""What the end-to-end tests share."""

from __future__ import annotations

import shutil

import pytest


@pytest.fixture(scope="session")
def broken_project(tmp_path_factory):
    """A copy of the dbt project whose regional mart fails at run time: it is built
    after the facts and the local and national marts it reads."""
    from ingest.config import DBT_PROJECT_DIR

    copy = tmp_path_factory.mktemp("broken") / "dbt_project"
    shutil.copytree(DBT_PROJECT_DIR, copy, ignore=shutil.ignore_patterns("target", "logs"))
    mart = copy / "models" / "marts" / "regional" / "mart_regional_situation.sql"
    text = mart.read_text()
    assert text.rstrip().endswith("select * from final")
    mart.write_text(text.rstrip() + " where 1 / (select count(*) * 0 from final) = 1\n")
    return copy
