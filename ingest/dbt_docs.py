"""dbt's documentation site: models, sources, lineage, and the columns the warehouse holds.

`dbt docs generate --static` writes `static_index.html` with the manifest and the
catalog inlined: one file that opens from disk, no `dbt docs serve` needed. It is
generated into its own target folder, never dbt_project/target, so it does not race
the manifest that cosmos reads (or rewrite it with a different parse).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from ingest.config import state_dir

STATIC_INDEX = "static_index.html"


def dbt_docs_dir() -> Path:
    return Path(os.environ.get("MWH_DBT_DOCS_DIR", state_dir() / "dbt_docs"))


def build_dbt_docs(dsn: str, out_dir: Path | None = None) -> Path:
    """Generate the docs against the warehouse (the catalog reads its columns and
    types); returns the path of the self-contained static index. Raises StepFailed
    with dbt's output when dbt fails."""
    from ingest.runtime import StepFailed, dbt

    out_dir = Path(out_dir or dbt_docs_dir()).resolve()
    index = out_dir / STATIC_INDEX
    started = time.time()
    dbt(["docs", "generate", "--static", "--target-path", str(out_dir),
         "--log-path", str(out_dir / "logs")],
        dsn, log_name="dbt-docs")  # fmt: skip
    # A file left by an earlier build must not pass for this one.
    if not index.exists() or index.stat().st_mtime < started - 1:
        raise StepFailed(f"dbt docs generate wrote no {STATIC_INDEX} in {out_dir}")
    return index
