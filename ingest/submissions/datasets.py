"""The datasets municipalities and ministries submit, and their column dictionaries.

One dictionary per dataset drives everything a file meets: the templates and their
documentation, header matching (names and aliases), value normalisation, the raw
table's columns and the GX suite's checks. Source name: `submissions`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ingest.datasets import RawDataset

SOURCE = "submissions"

# Columns the pipeline adds to every raw submission row, after the dictionary's.
FILE_ROW = "file_row"  # the line (CSV) or sheet row (XLSX) the row came from
PARSE_ERROR = "parse_error"  # why a cell could not be read, else empty

# Value types and what a steward may write for them (ingest.submissions.values).
TYPES = {
    "date": "a date: 2025-03-31, 31.03.2025, 31.03.2025., 31/03/2025 or an Excel date",
    "count": "a whole number of persons, beds or places, 0 or more (1 234 and 1.234 "
    "are read as 1234)",
    "amount": "an amount of money, 0 or more, with a decimal comma or point "
    "(1.234,50 or 1,234.50 or 1234,5)",
    "code": "a code from a reference list (case and spaces ignored)",
    "choice": "one of the allowed values (case ignored; aliases accepted)",
    "text": "free text",
}


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # a key of TYPES
    required: bool
    description: str
    example: str
    # Allowed values (choice), as canonical value -> accepted spellings.
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Other header names stewards use for this column (any case and spacing).
    aliases: tuple[str, ...] = ()
    max_length: int = 200
    # Where a code's allowed values come from: "<seed>.<column>" in dbt_project/seeds.
    reference: tuple[str, ...] = ()


@dataclass(frozen=True)
class SubmissionDataset:
    name: str
    title: str
    description: str
    columns: tuple[Column, ...]
    natural_key: tuple[str, ...]
    # The date columns that bound the period a file reports on (supersession).
    period: tuple[str, str]

    @property
    def raw(self) -> RawDataset:
        return RawDataset(
            source=SOURCE,
            name=self.name,
            columns=(*(c.name for c in self.columns), FILE_ROW, PARSE_ERROR),
            natural_key=self.natural_key,
            description=self.description,
        )

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


MUNICIPALITY_REF = ("ref_municipalities.lau_code",)
SEXES = {
    "F": ("female", "f", "woman", "women", "ž", "ж", "жена", "žena", "ženski", "женски"),
    "M": ("male", "m", "man", "men", "м", "маж", "muški", "мушки", "машки"),
    "U": ("unknown", "u", "not known", "n/a", "x", "other"),
}
AGE_GROUPS = {
    "0-4": ("0 - 4", "00-04", "0_4"),
    "5-11": ("5 - 11", "05-11", "5_11"),
    "12-17": ("12 - 17", "12_17"),
    "18-59": ("18 - 59", "18_59"),
    "60+": ("60 +", "60 and over", "60_plus", "60 plus", ">=60"),
    "unknown": ("u", "not known", "n/a"),
}


def _municipality(required: bool = True, description: str = "") -> Column:
    return Column(
        "municipality",
        "code",
        required,
        description or "The municipality's LAU code (e.g. MK00101 for Veles).",
        "MK00101",
        aliases=("lau", "lau_code", "municipality_code", "opstina", "општина"),
        max_length=12,
        reference=MUNICIPALITY_REF,
    )


def _date(name: str, description: str, example: str, aliases: tuple[str, ...] = ()) -> Column:
    return Column(name, "date", True, description, example, aliases=aliases, max_length=20)


def _count(
    name: str,
    description: str,
    example: str,
    aliases: tuple[str, ...] = (),
    *,
    required: bool = True,
) -> Column:
    return Column(name, "count", required, description, example, aliases=aliases, max_length=20)


PERSON_GROUPS = tuple(
    _count(
        f"persons_{sex}_{age}",
        f"{label} aged {span} accommodated on the report date.",
        example,
        (f"{sex}_{age}", f"{label.lower()} {span}"),
        required=False,
    )
    for sex, label in (("female", "Women and girls"), ("male", "Men and boys"))
    for (age, span), example in zip(
        (("0_17", "0-17"), ("18_59", "18-59"), ("60_plus", "60+")), ("12", "20", "3"), strict=True
    )
)

DATASETS: dict[str, SubmissionDataset] = {
    d.name: d
    for d in (
        SubmissionDataset(
            name="reception_capacity",
            title="Reception capacity",
            description="Per reception facility and report date: capacity, occupancy and "
            "the persons accommodated by sex and age group.",
            columns=(
                _date(
                    "report_date",
                    "The day the figures describe.",
                    "2025-03-31",
                    ("date", "reporting_date", "datum", "датум"),
                ),
                Column(
                    "facility_id",
                    "code",
                    True,
                    "The facility's code in the facility list.",
                    "MK-RC-VIZBEGOVO",
                    aliases=("facility_code", "facility"),
                    max_length=40,
                    reference=("ref_facilities.facility_id",),
                ),
                Column(
                    "facility_name",
                    "text",
                    True,
                    "The facility's name.",
                    "Reception Centre for Asylum Seekers Vizbegovo",
                    max_length=200,
                ),
                _municipality(description="The LAU code of the municipality the facility is in."),
                Column(
                    "facility_type",
                    "choice",
                    True,
                    "What kind of facility it is.",
                    "reception_centre",
                    choices={
                        "reception_centre": ("reception center", "asylum centre", "asylum center"),
                        "transit_centre": ("transit center", "transit"),
                        "collective_shelter": ("shelter", "collective centre"),
                        "social_housing": ("housing",),
                        "detention_centre": ("detention center", "reception centre for foreigners"),
                        "other": (),
                    },
                    max_length=40,
                ),
                _count(
                    "capacity_beds",
                    "Beds available in the facility.",
                    "150",
                    ("capacity", "beds", "capacity (beds)"),
                ),
                _count(
                    "occupied_beds",
                    "Beds occupied on the report date; at most the capacity.",
                    "87",
                    ("occupied", "occupancy"),
                ),
                *PERSON_GROUPS,
            ),
            natural_key=("facility_id", "report_date"),
            period=("report_date", "report_date"),
        ),
        SubmissionDataset(
            name="registered_arrivals",
            title="Registered arrivals",
            description="Persons registered on arrival, per date and location (a "
            "municipality or a border crossing point), nationality, sex and age group. "
            "Municipalities send their own; ministries the national version.",
            columns=(
                _date(
                    "arrival_date",
                    "The day the persons were registered.",
                    "2025-03-31",
                    ("date", "registration_date", "datum", "датум"),
                ),
                Column(
                    "location_code",
                    "code",
                    True,
                    "Where they were registered: a "
                    "municipality's LAU code or a border crossing point's code.",
                    "MK-BCP-BOGORODICA",
                    aliases=("location", "place", "border_crossing"),
                    max_length=40,
                    reference=(
                        "ref_municipalities.lau_code",
                        "ref_border_crossing_points.crossing_code",
                    ),
                ),
                Column(
                    "nationality",
                    "code",
                    True,
                    "ISO 3166 alpha-3 code of the nationality; STLS stateless, UNK unknown.",
                    "SYR",
                    aliases=("citizenship", "country_of_origin", "origin"),
                    max_length=4,
                ),
                Column(
                    "sex",
                    "choice",
                    True,
                    "F, M or U (unknown).",
                    "F",
                    choices=SEXES,
                    aliases=("gender", "пол", "pol"),
                    max_length=10,
                ),
                Column(
                    "age_group",
                    "choice",
                    True,
                    "Age band: 0-4, 5-11, 12-17, 18-59, 60+ or unknown.",
                    "18-59",
                    choices=AGE_GROUPS,
                    aliases=("age", "age band"),
                    max_length=10,
                ),
                _count(
                    "persons",
                    "The number of persons registered.",
                    "14",
                    ("number", "count", "number_of_persons", "total"),
                ),
                Column(
                    "reporting_authority",
                    "text",
                    True,
                    "Who registered them (police station, border police, municipal office).",
                    "Border Police Gevgelija",
                    aliases=("authority", "reported_by"),
                    max_length=200,
                ),
            ),
            natural_key=(
                "arrival_date",
                "location_code",
                "nationality",
                "sex",
                "age_group",
                "reporting_authority",
            ),
            period=("arrival_date", "arrival_date"),
        ),
        SubmissionDataset(
            name="needs_assessment",
            title="Needs assessment",
            description="Per municipality, period and sector: people in need, people "
            "reached and the capacity gap, with remarks.",
            columns=(
                _municipality(),
                _date(
                    "period_start",
                    "First day of the period assessed.",
                    "2025-03-01",
                    ("from", "start", "period_from"),
                ),
                _date(
                    "period_end",
                    "Last day of the period assessed; not before its start.",
                    "2025-03-31",
                    ("to", "end", "period_to"),
                ),
                Column(
                    "sector",
                    "choice",
                    True,
                    "The humanitarian sector.",
                    "shelter",
                    choices={
                        "shelter": ("accommodation", "housing"),
                        "food": ("food security", "nutrition"),
                        "health": ("healthcare", "medical"),
                        "education": (),
                        "wash": ("water, sanitation and hygiene", "water and sanitation"),
                        "protection": ("child protection", "gbv"),
                        "livelihoods": ("employment",),
                        "cash": ("cash assistance", "multi-purpose cash"),
                        "other": (),
                    },
                    max_length=40,
                ),
                _count(
                    "people_in_need",
                    "People who need assistance in this sector.",
                    "420",
                    ("pin", "in_need"),
                ),
                _count(
                    "people_reached",
                    "People assisted in this sector in the period.",
                    "310",
                    ("reached",),
                ),
                _count(
                    "capacity_gap",
                    "Places, services or persons the municipality "
                    "cannot cover with its own capacity.",
                    "110",
                    ("gap",),
                    required=False,
                ),
                Column(
                    "remarks",
                    "text",
                    False,
                    "Free-text remarks.",
                    "Winter shelter needed in the transit centre.",
                    aliases=("comments", "notes", "napomena", "напомена"),
                    max_length=2000,
                ),
            ),
            natural_key=("municipality", "period_start", "period_end", "sector"),
            period=("period_start", "period_end"),
        ),
        SubmissionDataset(
            name="funding",
            title="Funding",
            description="Per municipality or national body and period: where the money "
            "comes from, for which programme, how much was planned and disbursed.",
            columns=(
                _municipality(
                    False,
                    "The LAU code of the municipality funded; empty when a "
                    "national body reports its own funds.",
                ),
                Column(
                    "national_body",
                    "text",
                    False,
                    "The national body reporting, when no "
                    "municipality is given (e.g. Ministry of Interior).",
                    "",
                    aliases=("ministry", "institution"),
                    max_length=200,
                ),
                _date("period_start", "First day of the period.", "2025-01-01", ("from", "start")),
                _date(
                    "period_end",
                    "Last day of the period; not before its start.",
                    "2025-12-31",
                    ("to", "end"),
                ),
                Column(
                    "fund_source",
                    "choice",
                    True,
                    "Where the money comes from.",
                    "eu",
                    choices={
                        "national_budget": ("national", "state budget", "government"),
                        "municipal_budget": ("municipal", "local budget"),
                        "eu": ("european union", "eu funds", "amif", "ipa"),
                        "donor": ("bilateral donor", "donors"),
                        "un": ("united nations", "un agencies"),
                        "other": (),
                    },
                    max_length=40,
                ),
                Column(
                    "programme",
                    "text",
                    True,
                    "The programme or project funded.",
                    "Reception of asylum seekers",
                    aliases=("program", "project"),
                    max_length=200,
                ),
                Column(
                    "planned_amount",
                    "amount",
                    True,
                    "Amount planned for the period.",
                    "250000.00",
                    aliases=("planned", "budget", "allocated"),
                    max_length=30,
                ),
                Column(
                    "disbursed_amount",
                    "amount",
                    False,
                    "Amount disbursed so far.",
                    "180000.00",
                    aliases=("disbursed", "spent", "paid"),
                    max_length=30,
                ),
                Column(
                    "currency",
                    "code",
                    True,
                    "ISO 4217 currency code.",
                    "EUR",
                    aliases=("curr", "valuta", "валута"),
                    max_length=3,
                ),
            ),
            natural_key=(
                "municipality",
                "national_body",
                "period_start",
                "period_end",
                "fund_source",
                "programme",
            ),
            period=("period_start", "period_end"),
        ),
    )
}

# What the rest of the pipeline (loader, quality gate, assets) sees.
RAW_DATASETS: dict[str, RawDataset] = {name: d.raw for name, d in DATASETS.items()}


def get(name: str) -> SubmissionDataset:
    if name not in DATASETS:
        raise KeyError(f"no submission dataset {name!r}; known: {', '.join(DATASETS)}")
    return DATASETS[name]
