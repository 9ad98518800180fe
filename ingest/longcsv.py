"""The long format every source's parser writes: one row per observation.

Columns: one per dimension, then `measure` (the dataset or field the number belongs
to), `value` (numeric, empty when missing) and `flag` (the source's status flag).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path

TRAILING_COLUMNS = ("measure", "value", "flag")


def write_long_csv(
    dimensions: Sequence[str], rows: Iterable[Sequence[str]], out: str | Path
) -> int:
    """Write rows (dimension codes, measure, value, flag) to `out`; returns the row count."""
    header = [*dimensions, *TRAILING_COLUMNS]
    n = 0
    tmp = Path(f"{out}.tmp")
    try:
        with tmp.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(header)
            for row in rows:
                writer.writerow(row)
                n += 1
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(out)  # no half-written file under the final name
    return n
