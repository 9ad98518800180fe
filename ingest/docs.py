"""GX Data Docs: a static HTML site of the suites and their latest validations.

Validation runs in an ephemeral GX context and keeps nothing on disk; what the site
needs is already stored in `quality.validation_runs.gx_result` (GX's own result,
counts only). So the site is rebuilt from the warehouse in a fresh ephemeral context,
after the runs and off their critical path, into a git-ignored folder.

The site works offline (docs_assets: the CDN files GX's pages load are vendored and
served from the site) and shows each expectation's severity (docs_severity).
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

from ingest.config import state_dir
from ingest.sites import building
from ingest.sources import SOURCE_NAMES, datasets
from ingest.warehouse import connect

log = logging.getLogger(__name__)

SITE_NAME = "warehouse"  # "local_site" already exists in an ephemeral context
RUNS_PER_DATASET = 50
# In the site: the newest validation run it shows, so a DAG can tell it is current.
LAST_RUN_FILE = ".last_run_id"


def data_docs_dir() -> Path:
    return Path(os.environ.get("MWH_DATA_DOCS_DIR", state_dir() / "data_docs"))


def data_docs_index(out_dir: Path | None = None) -> Path | None:
    """The site's index.html, or None when no site has been built yet."""
    index = (out_dir or data_docs_dir()) / "index.html"
    return index if index.exists() else None


def last_run_id(dsn: str) -> int | None:
    with connect(dsn) as conn:
        return conn.execute(
            "select max(run_id) from quality.validation_runs where gx_result is not null"
        ).fetchone()[0]


def data_docs_current(dsn: str, out_dir: Path | None = None) -> bool:
    """Whether the site shows the newest validation run already (or there is none)."""
    last = last_run_id(dsn)
    marker = (out_dir or data_docs_dir()) / LAST_RUN_FILE
    return last is None or (marker.exists() and marker.read_text().strip() == str(last))


def latest_runs(dsn: str, per_dataset: int = RUNS_PER_DATASET) -> list[tuple]:
    """(batch_id, source, dataset, suite, validated_at, gx_result), oldest first."""
    with connect(dsn) as conn:
        return conn.execute(
            """select batch_id, source, dataset, suite, validated_at, gx_result
               from (select *, row_number() over (
                                 partition by source, dataset order by run_id desc) as n
                     from quality.validation_runs
                     where gx_result is not null) as r
               where n <= %s
               order by run_id""",
            (per_dataset,),
        ).fetchall()


def build_data_docs(dsn: str, out_dir: Path | None = None) -> Path:
    """Rebuild the site from the stored results; returns the path of its index.html.

    The site is built in a sibling folder and then moved into place, so a reader sees
    the old site or the new one, never half of one.
    """
    from ingest.quality import import_gx, load_suite_config, suite_path

    gx = import_gx()
    from great_expectations.core.expectation_validation_result import (
        expectationSuiteValidationResultSchema,
    )
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.base import ProgressBarsConfig
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    from ingest import docs_severity
    from ingest.docs_assets import make_self_contained

    out_dir = Path(out_dir or data_docs_dir()).resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    last = last_run_id(dsn)  # before the runs: a newer one makes the next build rebuild
    runs = latest_runs(dsn)

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    # Every known suite, so a dataset's suite page exists before its first run.
    for source in SOURCE_NAMES:
        for ds in datasets(source).values():
            if suite_path(ds).exists():
                cfg = load_suite_config(ds)
                context.suites.add(gx.ExpectationSuite(**docs_severity.suite_kwargs(cfg)))
    for batch_id, source, dataset, suite, validated_at, gx_result in runs:
        key = ValidationResultIdentifier(
            ExpectationSuiteIdentifier(suite),
            RunIdentifier(run_name=f"batch {batch_id}", run_time=validated_at),
            f"{source}__{dataset}",
        )
        # The schema rebuilds the nested result objects the renderers expect.
        result = expectationSuiteValidationResultSchema.load(gx_result)
        context.validation_results_store.set(key, result)

    with building(out_dir) as tmp:
        context.add_data_docs_site(
            SITE_NAME,
            {
                "class_name": "SiteBuilder",
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(tmp),
                },
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
                # Renderers that show each expectation's severity (docs_severity).
                "site_section_builders": docs_severity.SITE_SECTION_BUILDERS,
                # GX's walkthrough and how-to buttons link to its online documentation.
                "show_how_to_buttons": False,
            },
        )
        context.build_data_docs(site_names=[SITE_NAME])
        make_self_contained(tmp)
        (tmp / LAST_RUN_FILE).write_text(f"{last}\n")
    log.info(
        "GX Data Docs: %s validation results in %s (%.1fs)",
        len(runs), out_dir, time.perf_counter() - started,
    )  # fmt: skip
    return out_dir / "index.html"
