"""The Eurostat datasets the warehouse ingests, each declared once."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ingest.datasets import RawDataset

# Reporting countries the region compares itself with (CEI members in the EU/EFTA,
# their neighbours on the Balkan and Central Mediterranean routes) and the EU total.
DEFAULT_GEO = (
    "EU27_2020", "AT", "BG", "CY", "CZ", "DE", "EL", "HR", "HU", "IT", "MT", "PL", "RO",
    "SI", "SK", "CH",
)  # fmt: skip


@dataclass(frozen=True)
class EurostatDataset(RawDataset):
    code: str = ""  # Eurostat's dataset code, e.g. migr_asyappctzm
    dimensions: tuple[str, ...] = ()
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    frequency: str = "M"  # M or A: how far back a re-run asks for revisions
    revision_periods: int = 12

    def request_filters(self, start: datetime | None) -> dict[str, tuple[str, ...] | str]:
        """Filters for one data interval: the source revises recent periods, so ask
        again for the last `revision_periods` before the interval's start."""
        params: dict[str, tuple[str, ...] | str] = dict(self.filters)
        if start is not None:
            if self.frequency == "M":
                months = start.year * 12 + start.month - 1 - self.revision_periods
                params["sinceTimePeriod"] = f"{months // 12:04d}-{months % 12 + 1:02d}"
            else:
                params["sinceTimePeriod"] = f"{start.year - self.revision_periods:04d}"
        return params


def _eurostat(code: str, name: str, dims: tuple[str, ...], **kw) -> EurostatDataset:
    key = tuple(d for d in dims if d not in ("freq", "unit"))
    return EurostatDataset(
        source="eurostat",
        name=name,
        columns=(*dims, "measure", "value", "flag"),
        natural_key=key,
        code=code,
        dimensions=dims,
        **kw,
    )


ASYLUM_APPLICANTS_MONTHLY = _eurostat(
    "migr_asyappctzm",
    "asylum_applicants_monthly",
    ("freq", "unit", "citizen", "sex", "applicant", "age", "geo", "time"),
    description="Asylum applicants by type, citizenship, age and sex - monthly data (rounded)",
    filters={"geo": DEFAULT_GEO, "sex": ("T",), "age": ("TOTAL",), "unit": ("PER",)},
)

DATASETS: dict[str, EurostatDataset] = {d.name: d for d in (ASYLUM_APPLICANTS_MONTHLY,)}
