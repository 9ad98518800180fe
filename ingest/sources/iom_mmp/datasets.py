"""The Missing Migrants Project dataset the warehouse ingests, declared once."""

from __future__ import annotations

from ingest.datasets import RawDataset
from ingest.sources.iom_mmp.mmpcsv import DIMENSIONS

# One raw dataset: the whole export in long format, one row per entry (Main ID) and
# number field. Main ID, not Incident ID, is the entry's identifier: a "Split Incident"
# entry lists several incident IDs in one cell (see mmpcsv's docstring).
INCIDENTS = RawDataset(
    source="iom_mmp",
    name="incidents",
    columns=(*DIMENSIONS, "measure", "value", "flag"),
    natural_key=("main_id", "measure"),
    description=(
        "IOM Missing Migrants Project: dead and missing migrants per recorded incident "
        "(full CSV export), one row per incident and number field"
    ),
)

DATASETS: dict[str, RawDataset] = {INCIDENTS.name: INCIDENTS}
