"""The country code crosswalk against the sources' own sample payloads: every country
code and name in the bundled samples of every source resolves to one country
(int_country_codes_unioned) or is a listed aggregate, so that no sample row is joined to
the wrong country or summed with countries. The samples are parsed with each source's
own `fetch` (offline) and `rows`, as the loader does."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import psycopg
import pytest

from ingest.sources import SOURCE_NAMES, source_module

PROJECT_ROOT = Path(__file__).resolve().parents[2]

# Where each source writes a country: dataset ("*" every dataset) -> (column, code
# system of int_country_codes_unioned, the code column a name belongs to). A name is not
# looked up when its code is an aggregate ("Stateless" for STA).
COUNTRY_COLUMNS: dict[str, dict[str, tuple[tuple[str, str, str | None], ...]]] = {
    "eurostat": {"*": (("geo", "eurostat_geo", None), ("citizen", "eurostat_geo", None))},
    "unhcr": {
        "*": (
            ("coo", "unhcr", None),
            ("coa", "unhcr", None),
            ("coo_iso", "iso3", "coo"),
            ("coa_iso", "iso3", "coa"),
            ("coo_name", "name", "coo"),
            ("coa_name", "name", "coa"),
        )
    },
    "unhcr_odp": {
        # Sublocations and ODP's geo ids are places below or beside the country level.
        "arrivals_by_origin": (
            ("pop_origin_code", "unhcr", None),
            ("pop_origin_name", "name", "pop_origin_code"),
            ("geomaster_name", "name", None),
        )
    },
    "worldbank": {
        "countries": (
            ("id", "worldbank", None),
            ("iso2_code", "worldbank_iso2", "id"),
            ("name", "name", "id"),
        ),
        "indicators": (
            ("countryiso3code", "worldbank", None),
            ("country_id", "worldbank_iso2", "countryiso3code"),
        ),
    },
    "iom_dtm": {"*": (("admin0_pcode", "iso3", None), ("admin0_name", "name", "admin0_pcode"))},
    "iom_mmp": {
        "incidents": (("country_of_origin", "name", None), ("country_of_incident", "name", None))
    },
}

# Known errors of the bundled samples, not of the crosswalk (none since the UNHCR
# sample's Nigeria was corrected from NGR, which is Niger, to NIG).
UNHCR_SAMPLE_ERRATA: set[tuple[str, str]] = set()


def _key(code_system: str, value: str) -> str:
    return value.strip().lower() if code_system == "name" else value.strip().upper()


def _sample_rows(source: str):
    """(dataset name, row as a dict) for every row of the source's bundled samples."""
    module = source_module(source)
    for name, ds in module.DATASETS.items():
        payload, _request = module.fetch(ds, None, None, False)
        for row in module.rows(ds, payload):
            yield name, dict(zip(ds.columns, row, strict=True))


def _submitted_nationalities() -> set[str]:
    from ingest.submissions.datasets import DATASETS
    from ingest.submissions.reader import open_submission

    dataset = DATASETS["registered_arrivals"]
    found = set()
    for path in sorted((PROJECT_ROOT / "ingest/submissions/examples").glob("registered_arrivals*")):
        for row in open_submission(path, dataset).rows:
            found.add(dict(zip(dataset.raw.columns, row, strict=True))["nationality"])
    return found


@pytest.fixture(scope="module")
def reference(built_empty_warehouse_dsn):
    """The seeds and the crosswalk as the built empty template holds them (built and
    tested there with their unit tests, as they read the seeds only): the crosswalk
    by (source, code system, lookup key), the aggregates by source."""
    with psycopg.connect(built_empty_warehouse_dsn) as conn:
        crosswalk = {
            (source, system, key): iso3
            for source, system, key, iso3 in conn.execute(
                "select source, code_system, lookup_key, iso3"
                " from intermediate.int_country_codes_unioned"
            )
        }
        aggregates = defaultdict(set)
        for source, code in conn.execute(
            "select source, code from reference.ref_source_aggregates"
        ):
            aggregates[source].add(code.strip().lower())
        for (code,) in conn.execute("select code from reference.eurostat_aggregate_codes"):
            aggregates["eurostat"].add(code.strip().lower())
        harmonised = defaultdict(set)
        for table in ("ref_sex_codes", "ref_asylum_decision_types", "ref_asylum_application_types"):
            for source, code in conn.execute(f"select source, source_code from reference.{table}"):
                harmonised[table].add((source, code))
        for source, band in conn.execute(
            "select source, source_band from reference.ref_age_groups"
        ):
            harmonised["ref_age_groups"].add((source, band))
    return crosswalk, aggregates, harmonised


@pytest.fixture(scope="module")
def sample_values():
    """(source, code system, value) -> the datasets and columns it was seen in, for
    every country code and name of the samples; and UNHCR's (code, ISO3) pairs."""
    seen: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    unhcr_pairs: set[tuple[str, str]] = set()
    rows_by_source = {source: list(_sample_rows(source)) for source in COUNTRY_COLUMNS}
    for source, per_dataset in COUNTRY_COLUMNS.items():
        for dataset, row in rows_by_source[source]:
            for column, system, code_column in per_dataset.get(dataset, per_dataset.get("*", ())):
                value = row.get(column)
                if value is None or not value.strip():
                    continue
                code = row.get(code_column) if code_column else None
                seen[(source, system, value)].add(f"{dataset}.{column}")
                if code is not None:
                    seen[(source, system, value)].add(f"code:{code}")
            if source == "unhcr":
                for code, iso3 in ((row["coo"], row["coo_iso"]), (row["coa"], row["coa_iso"])):
                    unhcr_pairs.add((code, iso3))
    for nationality in _submitted_nationalities():
        seen[("submissions", "iso3", nationality)].add("registered_arrivals.nationality")
    return seen, unhcr_pairs


def test_every_source_is_covered():
    assert set(COUNTRY_COLUMNS) | {"submissions"} == set(SOURCE_NAMES) | {"submissions"}


def test_every_sample_country_code_and_name_resolves_or_is_an_aggregate(reference, sample_values):
    crosswalk, aggregates, _ = reference
    seen, _ = sample_values
    assert seen, "the samples gave no country code"
    unresolved = []
    for (source, system, value), where in sorted(seen.items()):
        codes = {w.removeprefix("code:") for w in where if w.startswith("code:")}
        if any(code.strip().lower() in aggregates[source] for code in codes):
            continue  # the name of an aggregate ("Stateless" for STA)
        if (source, system, _key(system, value)) in crosswalk:
            continue
        if value.strip().lower() in aggregates[source]:
            continue
        # IOM Missing Migrants lists several countries in one cell, comma-separated.
        parts = [p for p in value.split(",") if p.strip()]
        if (
            source == "iom_mmp"
            and len(parts) > 1
            and all(
                (source, system, _key(system, p)) in crosswalk
                or p.strip().lower() in aggregates[source]
                for p in parts
            )
        ):
            continue
        unresolved.append((source, system, value, sorted(where)))
    assert unresolved == []


def test_sample_aggregates_are_recognised(reference, sample_values):
    """The samples do carry aggregates, and each is recognised as one (the test above
    would also pass if they resolved to a country; the dbt test forbids that)."""
    crosswalk, aggregates, _ = reference
    seen, _ = sample_values
    found = {
        (source, value)
        for source, system, value in seen
        if system != "name" and value.strip().lower() in aggregates[source]
    }
    assert {
        ("eurostat", "EU27_2020"), ("eurostat", "TOTAL"), ("eurostat", "STLS"),
        ("unhcr", "UKN"), ("unhcr", "STA"), ("unhcr", "XXA"), ("unhcr", "UNK"),
        ("unhcr_odp", "OTH"), ("unhcr_odp", "UKN"),
        ("worldbank", "WLD"), ("worldbank", "1W"), ("worldbank", "EUU"), ("worldbank", "EU"),
        ("worldbank", "ECS"), ("worldbank", "Z7"), ("worldbank", "UMC"), ("worldbank", "XT"),
    } <= found  # fmt: skip
    country_codes = {(source, key) for source, system, key in crosswalk if system != "name"}
    assert {(source, value.strip().upper()) for source, value in found} & country_codes == set()


def test_unhcr_codes_agree_with_the_iso_fields_unhcr_sends(reference, sample_values):
    crosswalk, aggregates, _ = reference
    _, pairs = sample_values
    mismatches = {
        (code, iso3)
        for code, iso3 in pairs
        if code.strip().lower() not in aggregates["unhcr"]
        and iso3 not in (None, "", "-")
        and crosswalk.get(("unhcr", "unhcr", code.strip().upper())) != iso3
    }
    assert mismatches == UNHCR_SAMPLE_ERRATA


@pytest.mark.parametrize(
    ("source", "system", "value", "iso3"),
    [
        ("eurostat", "eurostat_geo", "EL", "GRC"),
        ("eurostat", "eurostat_geo", "UK", "GBR"),
        ("eurostat", "eurostat_geo", "XK", "XKX"),
        ("eurostat", "eurostat_geo", "MK", "MKD"),
        ("unhcr", "unhcr", "SUD", "SDN"),
        ("unhcr_odp", "unhcr", "SUD", "SDN"),
        ("unhcr", "unhcr", "GFR", "DEU"),
        ("unhcr", "unhcr", "AUS", "AUT"),  # UNHCR's Austria ...
        ("unhcr", "iso3", "AUS", "AUS"),  # ... and ISO's Australia
        ("unhcr_odp", "unhcr", "ARE", "EGY"),
        ("unhcr", "unhcr", "MCD", "MKD"),
        ("unhcr", "unhcr", "BSN", "BIH"),
        ("unhcr", "name", "Serbia and Kosovo: S/RES/1244 (1999)", "SRB"),
        ("unhcr", "name", "Iran (Islamic Rep. of)", "IRN"),
        ("unhcr_odp", "name", "Palestinian", "PSE"),
        ("unhcr", "name", "Macedonia (the former Yugoslav Republic of)", "MKD"),
        ("iom_mmp", "name", "FYR Macedonia", "MKD"),
        ("iom_mmp", "name", "Türkiye", "TUR"),
        ("iom_mmp", "name", "Turkey", "TUR"),
        ("worldbank", "name", "Turkiye", "TUR"),
        ("worldbank", "name", "Egypt, Arab Rep.", "EGY"),
        ("worldbank", "worldbank", "XKX", "XKX"),
        ("worldbank", "worldbank_iso2", "XK", "XKX"),
        ("iom_dtm", "name", "Philippines (the)", "PHL"),
        ("iom_dtm", "iso3", "SYR", "SYR"),
        ("submissions", "iso3", "AFG", "AFG"),
    ],
)
def test_crosswalk_cases(reference, source, system, value, iso3):
    crosswalk, _, _ = reference
    assert crosswalk.get((source, system, _key(system, value))) == iso3


def test_sample_sex_age_decision_and_application_codes_are_harmonised(reference):
    """The codes the samples use for sex, age, decisions and application types are in
    the harmonisation seeds (as the raw tables carry them where staging keeps them)."""
    _, _, harmonised = reference
    wanted = defaultdict(set)
    for source in ("eurostat", "unhcr", "iom_dtm"):
        for dataset, row in _sample_rows(source):
            if source == "eurostat":
                wanted["ref_sex_codes"].add(("eurostat", row["sex"]))
                wanted["ref_age_groups"].add(("eurostat", row["age"]))
                if "applicant" in row:
                    wanted["ref_asylum_application_types"].add(("eurostat", row["applicant"]))
                if "decision" in row:
                    wanted["ref_asylum_decision_types"].add(("eurostat", row["decision"]))
            elif source == "unhcr" and dataset == "asylum_applications":
                wanted["ref_asylum_application_types"].add(("unhcr", row["app_type"]))
            elif source == "unhcr" and dataset == "asylum_decisions":
                wanted["ref_asylum_decision_types"].add(("unhcr", row["measure"]))
            elif source == "iom_dtm" and row["measure"] in (
                "numberFemales", "numberMales", "numPresentIdpInd"
            ):  # fmt: skip
                wanted["ref_sex_codes"].add(("iom_dtm", row["measure"]))
    assert all(wanted.values())
    missing = {table: sorted(codes - harmonised[table]) for table, codes in wanted.items()}
    assert missing == {table: [] for table in wanted}
