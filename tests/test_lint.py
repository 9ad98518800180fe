"""Style is part of the build: ruff for Python, sqlfluff for the dbt SQL."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _run(*cmd: str, cwd: Path = ROOT) -> None:
    res = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    assert res.returncode == 0, f"{' '.join(cmd)}:\n{res.stdout[-4000:]}{res.stderr[-2000:]}"


def test_ruff_check():
    _run(str(BIN / "ruff"), "check", ".")


def test_ruff_format():
    _run(str(BIN / "ruff"), "format", "--check", ".")


def test_sqlfluff():
    # One process per core: the rest of the suite runs one test at a time.
    _run(str(BIN / "sqlfluff"), "lint", "--processes", "0", "models", "tests", "macros",
         cwd=ROOT / "dbt_project")  # fmt: skip
