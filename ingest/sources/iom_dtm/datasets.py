"""The IOM DTM (Displacement Tracking Matrix) API v3 datasets, each declared once.

Raw columns are the API's field names in snake_case (`admin0Pcode` -> `admin0_pcode`)
so staging and the GX suites need no quoted identifiers; the `measure` column keeps the
API's own field name (`numPresentIdpInd`, `numberMales`, `numberFemales`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from ingest.datasets import RawDataset

# Countries whose internal displacement drives arrivals on the routes through the
# region (Eastern Mediterranean, Western Balkans, Central Mediterranean) plus Ukraine.
# ISO3 codes as DTM's `admin0Pcode`; only those in DTM's country list are asked for.
# (DTM tracks IDPs where it runs operations: no CEI member but Ukraine is covered.)
DEFAULT_COUNTRIES = (
    "UKR", "SYR", "AFG", "IRQ", "LBY", "SDN", "SOM", "YEM", "LBN", "NGA", "PAK",
)  # fmt: skip

# The fields that carry numbers of persons: each becomes one long row per record.
MEASURES = ("numPresentIdpInd", "numberMales", "numberFemales")

# DTM publishes a round weeks to months after its reporting date and corrects recent
# rounds, so every run asks again for the months before its data interval.
LOOKBACK_MONTHS = 12


def snake(field: str) -> str:
    """`admin0Pcode` -> `admin0_pcode`, `idpOriginAdmin1Name` -> `idp_origin_admin1_name`."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", field).lower()


@dataclass(frozen=True)
class IomDtmDataset(RawDataset):
    endpoint: str = ""  # path under the API base, e.g. displacement/admin0
    fields: tuple[str, ...] = ()  # the API's field names, in raw column order
    measures: tuple[str, ...] = ()  # fields that become long rows; () for a list
    scoped: bool = False  # asked per country and data interval (the admin levels)
    lookback_months: int = LOOKBACK_MONTHS

    @property
    def dimensions(self) -> tuple[str, ...]:
        return tuple(snake(f) for f in self.fields)

    def request_params(self, start: datetime | None, end: datetime | None) -> dict[str, str]:
        """Reporting dates for one data interval [start, end): from the first day of the
        month `lookback_months` before `start` (so runs within a month ask the same
        thing and an unchanged answer is a no-op), to the day before `end`. No interval:
        DTM's whole history."""
        if not self.scoped:
            return {}
        params: dict[str, str] = {}
        if start is not None:
            months = start.year * 12 + start.month - 1 - self.lookback_months
            params["FromReportingDate"] = date(months // 12, months % 12 + 1, 1).isoformat()
        if end is not None:
            params["ToReportingDate"] = (end - timedelta(days=1)).date().isoformat()
        return params


# Fields of the admin levels, as the API sends them (admin1 and admin2 add `id`, the
# record's id in DTM, and their own names and pcodes).
_ROUND = (
    "reportingDate", "yearReportingDate", "monthReportingDate", "roundNumber",
    "displacementReason", "idpOriginAdmin1Name", "idpOriginAdmin1Pcode", "assessmentType",
)  # fmt: skip
# One figure per operation, area, round, reason, origin and assessment: HDX's scraper
# flags rows repeating all of these as duplicates. `id` is left out on purpose: a
# record's figure is the same observation whatever id DTM gives it.
_KEY_TAIL = (
    "reporting_date", "round_number", "displacement_reason", "idp_origin_admin1_pcode",
    "assessment_type", "measure",
)  # fmt: skip


def _admin(level: int, fields: tuple[str, ...], area_key: tuple[str, ...]) -> IomDtmDataset:
    ds_fields = (*fields, *_ROUND)
    return IomDtmDataset(
        source="iom_dtm",
        name=f"displacement_admin{level}",
        columns=(*(snake(f) for f in ds_fields), "measure", "value", "flag"),
        natural_key=("operation", *area_key, *_KEY_TAIL),
        description=(
            f"Internally displaced persons present, by DTM operation, round and "
            f"displacement reason, at admin level {level}" + (" (country)" if level == 0 else "")
        ),
        endpoint=f"displacement/admin{level}",
        fields=ds_fields,
        measures=MEASURES,
        scoped=True,
    )


DISPLACEMENT_ADMIN0 = _admin(0, ("operation", "admin0Name", "admin0Pcode"), ("admin0_pcode",))
DISPLACEMENT_ADMIN1 = _admin(
    1,
    ("id", "operation", "admin0Name", "admin0Pcode", "admin1Name", "admin1Pcode"),
    ("admin0_pcode", "admin1_pcode"),
)
DISPLACEMENT_ADMIN2 = _admin(
    2,
    ("id", "operation", "admin0Name", "admin0Pcode", "admin1Name", "admin1Pcode",
     "admin2Name", "admin2Pcode"),
    ("admin0_pcode", "admin1_pcode", "admin2_pcode"),
)  # fmt: skip

# The reference lists: one row per entry, in the same long layout as every raw table.
# A list carries no number: `measure` is the list's name, `value` and `flag` are
# empty (the suites block anything else).
COUNTRY_LIST = IomDtmDataset(
    source="iom_dtm",
    name="country_list",
    columns=("admin0_name", "admin0_pcode", "measure", "value", "flag"),
    natural_key=("admin0_pcode",),
    description="Countries for which DTM publishes IDP figures through the API",
    endpoint="displacement/country-list",
    fields=("admin0Name", "admin0Pcode"),
)
OPERATION_LIST = IomDtmDataset(
    source="iom_dtm",
    name="operation_list",
    columns=(
        "operation",
        "operation_status",
        "admin0_name",
        "admin0_pcode",
        "measure",
        "value",
        "flag",
    ),
    natural_key=("admin0_pcode", "operation"),
    description="DTM operations per country and whether each is active",
    endpoint="displacement/operation-list",
    fields=("operation", "operationStatus", "admin0Name", "admin0Pcode"),
)

_ALL = (DISPLACEMENT_ADMIN0, DISPLACEMENT_ADMIN1, DISPLACEMENT_ADMIN2, COUNTRY_LIST, OPERATION_LIST)
DATASETS: dict[str, IomDtmDataset] = {d.name: d for d in _ALL}
