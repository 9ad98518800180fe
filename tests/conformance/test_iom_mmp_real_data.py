"""Every real Missing Migrants export in ../shared/real-data parses, and what we parse and
load has the file's own count of entries and sum of every number field, computed here
with the csv module alone. Skipped where the folder is absent (a user's fresh clone)."""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

import pytest

from ingest.sources.iom_mmp import parse_saved
from tests.conftest import REAL_DATA

IOM = REAL_DATA / "iom"
FILES = sorted(IOM.glob("mmp_*.csv")) if IOM.is_dir() else []

pytestmark = pytest.mark.skipif(not FILES, reason=f"no real MMP exports at {IOM}")

# The file's own column for each measure, in either header (written out here, not
# taken from the parser, so the test checks the parser's mapping too).
ID_COLUMNS = ("Main ID", "Web ID")
MEASURE_COLUMNS = {
    "number_dead": ("Number of Dead", "Number Dead"),
    "number_missing": ("Minimum Estimated Number of Missing",),
    "total_dead_and_missing": ("Total Number of Dead and Missing", "Total Dead and Missing"),
    "number_survivors": ("Number of Survivors",),
    "number_females": ("Number of Females",),
    "number_males": ("Number of Males",),
    "number_children": ("Number of Children",),
}


def _column(header: list[str], names: tuple[str, ...]) -> str:
    (found,) = [h for h in header if h in names]
    return found


def _file_figures(content: bytes) -> tuple[list[str], dict[str, tuple[int, int]]]:
    """Straight from the file: the entry IDs, and per measure (blank cells, sum)."""
    records = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    header = list(records[0])
    ids = [r[_column(header, ID_COLUMNS)] for r in records]
    figures = {}
    for measure, names in MEASURE_COLUMNS.items():
        cells = [r[_column(header, names)].strip() for r in records]
        figures[measure] = (cells.count(""), sum(int(c) for c in cells if c))
    return ids, figures


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_real_export(path: Path):
    content = path.read_bytes()
    ids, figures = _file_figures(content)
    dims, long_rows = parse_saved(content)
    long_rows = list(long_rows)
    assert len(long_rows) == len(ids) * len(MEASURE_COLUMNS)
    main_id, measure, value = dims.index("main_id"), -3, -2
    # Every entry, once per measure: (main_id, measure) is the natural key.
    assert sorted({r[main_id] for r in long_rows}) == sorted(ids)
    assert len({(r[main_id], r[measure]) for r in long_rows}) == len(long_rows)
    for name, (blanks, total) in figures.items():
        values = [r[value] for r in long_rows if r[measure] == name]
        assert len(values) == len(ids), name
        assert values.count("") == blanks, name
        assert sum(int(v) for v in values if v) == total, name
    # The file's header says which format it is; every date is ISO after parsing.
    fmt = {r[dims.index("export_format")] for r in long_rows}
    assert fmt == ({"legacy_2020"} if "Web ID" in content[:200].decode() else {"current"})
    dates = {r[dims.index("incident_date")] for r in long_rows}
    assert all(len(d) == 10 and d[4] == d[7] == "-" for d in dates)


def test_the_known_files_are_all_there():
    names = {p.name for p in FILES}
    assert {"mmp_current_format_head20.csv", "mmp_legacy_2020_format_data.csv"} <= names


def test_legacy_export_figures():
    """The 2020 export as SOURCES.txt describes it: 6,339 entries from 2014 to 2020."""
    ids, figures = _file_figures((IOM / "mmp_legacy_2020_format_data.csv").read_bytes())
    assert len(ids) == 6339
    assert figures["total_dead_and_missing"][1] == 34688
    dims, long_rows = parse_saved((IOM / "mmp_legacy_2020_format_data.csv").read_bytes())
    years = {r[dims.index("incident_year")] for r in long_rows}
    assert years == {str(y) for y in range(2014, 2021)}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_real_export_loads_with_its_counts_and_sums(warehouse_dsn, path: Path):
    """Through the loader and the quality gate: the raw table holds the file's figures,
    and real exports pass every blocking rule (nothing quarantined)."""
    import psycopg

    from ingest.loader import load_batch
    from ingest.quality import validate_batch
    from ingest.sources.iom_mmp import rows
    from ingest.sources.iom_mmp.datasets import DATASETS

    ds = DATASETS["incidents"]
    content = path.read_bytes()
    ids, figures = _file_figures(content)
    count = len(ids) * len(MEASURE_COLUMNS)
    result = load_batch(
        warehouse_dsn, ds, rows(ds, content), sha256=hashlib.sha256(content).hexdigest()
    )
    assert result.rows_received == result.rows_loaded == count
    with psycopg.connect(warehouse_dsn) as conn:
        loaded = dict(
            conn.execute(
                "select measure, coalesce(sum(nullif(value, '')::bigint), 0)"
                " from raw.iom_mmp__incidents"
                " where _batch_id = %s group by measure",
                (result.batch_id,),
            ).fetchall()
        )
    assert loaded == {m: total for m, (_, total) in figures.items()}
    outcome = validate_batch(warehouse_dsn, ds, result.batch_id)
    assert outcome.status in ("passed", "warned"), outcome.summary()
    assert outcome.rows_quarantined == 0
    assert not [f.rule for f in outcome.failures if f.severity == "blocking"]
