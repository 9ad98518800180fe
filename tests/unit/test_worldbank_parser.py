"""The World Bank parser on our sample payloads and on hand-made answers: long rows,
value normalisation, shape recognition, paging checks and error bodies."""

from __future__ import annotations

import csv
import json
from datetime import datetime
from decimal import Decimal

import pytest

from ingest.cli import main
from ingest.payload import Part, pack
from ingest.payload import parts as payload_parts
from ingest.sources import worldbank
from ingest.sources.worldbank import WrongDatasetError, client, wbjson
from ingest.sources.worldbank.datasets import DATASETS, FIRST_YEAR, INDICATORS
from ingest.sources.worldbank.samples import make_samples

INDICATORS_DS = DATASETS["indicators"]
COUNTRIES_DS = DATASETS["countries"]
ARCHIVED = [
    {
        "message": [
            {
                "id": "175",
                "key": "Invalid format",
                "value": "The indicator was not found. It may have been deleted or archived.",
            }
        ]
    }
]


def _obs(indicator="SP.POP.TOTL", country=("MK", "MKD"), date="2023", value=1831802, **kw):
    return {
        "indicator": {"id": indicator, "value": "name"},
        "country": {"id": country[0], "value": "name"},
        "countryiso3code": country[1],
        "date": date,
        "value": value,
        "unit": "",
        "obs_status": kw.get("obs_status", ""),
        "decimal": 0,
    }


def _answer(rows, page=1, pages=1, per_page=50, total=None):
    meta = {"page": page, "pages": pages, "per_page": per_page,
            "total": len(rows) if total is None else total,
            "sourceid": "2", "lastupdated": "2026-07-01"}  # fmt: skip
    return [meta, rows]


def _url(indicator, page=1):
    return f"https://api.worldbank.org/v2/country/all/indicator/{indicator}?format=json&page={page}"


def _sample_bodies(name):
    return [p.body for p in payload_parts(client.load_sample(name))]


# ---- the sample payloads -------------------------------------------------------------


def test_samples_are_what_the_generator_writes():
    assert client.load_sample("indicators") == pack(make_samples.indicator_answers())
    assert client.load_sample("countries") == pack(make_samples.country_answers())
    for name in DATASETS:
        assert len(client.load_sample(name)) < 200_000


def test_indicator_sample_rows_match_the_answers():
    bodies = _sample_bodies("indicators")
    observations = [r for _, rows in bodies for r in rows]
    out = list(worldbank.rows(INDICATORS_DS, client.load_sample("indicators")))
    assert len(out) == len(observations)
    assert all(len(r) == len(INDICATORS_DS.columns) for r in out)
    # Computed independently from the answers: count, sum, nulls.
    total = sum(Decimal(str(o["value"])) for o in observations if o["value"] is not None)
    assert sum(Decimal(r[4]) for r in out if r[4]) == total
    nulls = sum(o["value"] is None for o in observations)
    assert nulls > 0 and sum(r[4] == "" for r in out) == nulls
    assert {r[3] for r in out} == set(INDICATORS)
    # Several pages per indicator; all pages of an indicator agree on the total.
    pages = {(b[1][0]["indicator"]["id"], b[0]["page"]) for b in bodies}
    assert max(p for _, p in pages) >= 2


def test_indicator_sample_quirks():
    out = list(worldbank.rows(INDICATORS_DS, client.load_sample("indicators")))
    by_key = {(r[0], r[2], r[3]): r for r in out}
    # Aggregates arrive among the countries, with their World Bank codes.
    assert {("1W", "WLD"), ("EU", "EUU"), ("Z7", "ECS")} <= {(r[0], r[1]) for r in out}
    # Kosovo has a population but no UN migration series: value '' and no flag.
    assert by_key[("XK", "2023", "SP.POP.TOTL")][4] != ""
    assert by_key[("XK", "2023", "SM.POP.NETM")][4:] == ("", "")
    # Net migration is negative where people leave; the text keeps the sign.
    assert by_key[("UA", "2022", "SM.POP.NETM")][4] == "-5700000"
    # Migrant stock only in census-like years.
    assert by_key[("DE", "2021", "SM.POP.TOTL")][4] == ""
    assert by_key[("DE", "2020", "SM.POP.TOTL")][4].isdigit()


def test_country_sample_rows():
    answer = _sample_bodies("countries")[0]
    out = list(worldbank.rows(COUNTRIES_DS, client.load_sample("countries")))
    assert len(out) == 2 * len(answer[1])  # longitude and latitude per economy
    by_key = {(r[0], r[-3]): r for r in out}
    wld = by_key[("WLD", "longitude")]
    assert (wld[3], wld[4], wld[-2]) == ("NA", "Aggregates", "")
    # Namibia's 2-character code is NA, its region is not.
    nam = by_key[("NAM", "latitude")]
    assert (nam[1], nam[3], nam[-2]) == ("NA", "SSF", "-22.5648")
    # Region names are kept as sent (trailing space); staging trims them.
    assert by_key[("VEN", "longitude")][4] == "Latin America & Caribbean "
    assert {r[-3] for r in out} == {"longitude", "latitude"}
    assert {r[-1] for r in out} == {""}


def test_every_sample_economy_is_in_the_country_sample():
    economies = {r[1] for r in worldbank.rows(COUNTRIES_DS, client.load_sample("countries"))}
    observed = {r[0] for r in worldbank.rows(INDICATORS_DS, client.load_sample("indicators"))}
    assert observed <= economies


def test_fetch_offline_returns_the_sample():
    content, request = worldbank.fetch(INDICATORS_DS, None, None, live=False)
    assert content == client.load_sample("indicators")
    assert request == "sample:indicators"


# ---- values ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        (1831802, "1831802"),
        (-140181, "-140181"),
        (0, "0"),
        (12.5, "12.5"),
        (12.0, "12"),
        (1e-05, "0.00001"),
        (8.1e9, "8100000000"),
        (None, ""),
        ("2880839", "2880839"),  # older API versions sent numbers as strings
        (" 12.50 ", "12.50"),
        ("7.0", "7"),
        ("", ""),
        # Not a number: kept as sent, for the quality gate to quarantine that row.
        ("1,234", "1,234"),
        ("..", ".."),
    ],
)
def test_format_value(raw, text):
    assert wbjson.format_value(raw) == text


@pytest.mark.parametrize("raw", [True, float("nan"), float("inf"), {}, [1]])
def test_format_value_rejects_non_numbers(raw):
    with pytest.raises(wbjson.WorldBankFormatError):
        wbjson.format_value(raw)


def test_null_value_is_a_row_and_the_flag_is_kept():
    answer = _answer([_obs(value=None, obs_status="E"), _obs(date="2022", value=5)])
    dims, rows = worldbank.parse_saved(json.dumps(answer).encode())
    assert dims == ["country_id", "countryiso3code", "date"]
    assert list(rows) == [
        ("MK", "MKD", "2023", "SP.POP.TOTL", "", "E"),
        ("MK", "MKD", "2022", "SP.POP.TOTL", "5", ""),
    ]


# ---- shapes and errors -------------------------------------------------------------


def test_shape_tells_the_endpoints_apart():
    ind = json.dumps(_sample_bodies("indicators")[0]).encode()
    cty = json.dumps(_sample_bodies("countries")[0]).encode()
    assert worldbank.parse_saved(ind)[0] == ["country_id", "countryiso3code", "date"]
    assert worldbank.parse_saved(cty)[0] == list(COUNTRIES_DS.columns[:-3])


def test_empty_answer_is_zero_rows():
    # What the API sends when nothing matches: page 0 of 0, rows null.
    empty = b'[{"page":0,"pages":0,"per_page":0,"total":0,"sourceid":null,"lastupdated":null},null]'
    dims, rows = worldbank.parse_saved(empty)
    assert dims[0] == "country_id" and list(rows) == []
    assert list(worldbank.rows(INDICATORS_DS, empty)) == []


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (b'{"a": 1}', "expected a JSON array"),
        (b"[1]", "expected a JSON array"),
        (b'[{"page": 1}, []]', "lacks pages, total"),
        (b'[{"page":1,"pages":1,"per_page":50,"total":1},[{"foo":1}]]', "unknown World Bank"),
        (b'[{"page":1,"pages":1,"per_page":50,"total":1},{"a":1}]', "not a list"),
        (b"<?xml version='1.0'?><wb:error/>", "not a World Bank JSON answer"),
    ],
)
def test_unknown_shapes_raise_a_clear_error(content, match):
    with pytest.raises(wbjson.WorldBankFormatError, match=match):
        list(worldbank.parse_saved(content)[1])


def test_archived_indicator_error_names_the_indicator_and_its_replacement():
    packed = pack([Part(_url("SM.POP.REFG"), ARCHIVED)])
    with pytest.raises(wbjson.WorldBankApiError) as err:
        worldbank.parse_saved(packed)
    assert err.value.code == "175" and err.value.indicator == "SM.POP.REFG"
    assert "indicator SM.POP.REFG" in str(err.value)
    assert "deleted or archived" in str(err.value)
    assert "SM.POP.RHCR.EA" in str(err.value)
    # A bare saved error body: the caller names the indicator (`mwh parse --measure`).
    with pytest.raises(wbjson.WorldBankApiError, match="SM.POP.RHCR.EO"):
        worldbank.parse_saved(json.dumps(ARCHIVED).encode(), "SM.POP.REFG.OR")
    # The error is a ValueError (mwh parse) and a RuntimeError (the client contract).
    assert isinstance(err.value, ValueError) and isinstance(err.value, RuntimeError)


def test_truncated_page_is_refused():
    answer = _answer([_obs()], per_page=50, total=3)
    with pytest.raises(wbjson.WorldBankFormatError, match="holds 1 rows"):
        worldbank.parse_saved(json.dumps(answer).encode())


def test_a_payload_missing_a_page_is_never_loaded():
    rows = [_obs(date=str(y)) for y in range(2020, 2025)]
    page1 = Part(_url("SP.POP.TOTL", 1), _answer(rows[:2], 1, 3, 2, 5))
    page3 = Part(_url("SP.POP.TOTL", 3), _answer(rows[4:], 3, 3, 2, 5))
    payload = pack([page1, page3])
    with pytest.raises(wbjson.WorldBankFormatError, match=r"pages \[2\] of 3 are missing"):
        worldbank.rows(INDICATORS_DS, payload)
    # `mwh parse` of what was saved still reads the pages it has.
    assert len(list(worldbank.parse_saved(payload)[1])) == 3


def test_duplicate_page_is_refused():
    page = Part(_url("SP.POP.TOTL"), _answer([_obs()]))
    with pytest.raises(wbjson.WorldBankFormatError, match="occurs twice"):
        worldbank.rows(INDICATORS_DS, pack([page, page]))


def test_answer_of_another_indicator_is_refused():
    part = Part(_url("SM.POP.NETM"), _answer([_obs(indicator="SP.POP.TOTL")]))
    with pytest.raises(wbjson.WorldBankFormatError, match="asks for SM.POP.NETM"):
        worldbank.rows(INDICATORS_DS, pack([part]))


def test_payload_of_the_other_dataset_is_refused():
    with pytest.raises(WrongDatasetError, match="holds countries"):
        worldbank.rows(INDICATORS_DS, client.load_sample("countries"))
    mixed = pack(
        [
            Part(_url("SP.POP.TOTL"), _answer([_obs()])),
            Part("https://api.worldbank.org/v2/country?page=1", _sample_bodies("countries")[0]),
        ]
    )
    with pytest.raises(wbjson.WorldBankFormatError, match="mixes"):
        worldbank.rows(INDICATORS_DS, mixed)


def test_measure_keeps_one_indicator():
    payload = client.load_sample("indicators")
    _, rows = worldbank.parse_saved(payload, "SM.POP.RHCR.EO")
    rows = list(rows)
    assert rows and {r[3] for r in rows} == {"SM.POP.RHCR.EO"}


# ---- data interval ----------------------------------------------------------------------


def test_years_follow_the_interval_with_a_revision_window():
    ds = INDICATORS_DS
    assert ds.years(datetime(2026, 3, 4), datetime(2026, 3, 11)) == (2016, 2026)
    # A weekly interval across the new year asks up to the new year.
    assert ds.years(datetime(2026, 12, 30), datetime(2027, 1, 6)) == (2016, 2027)
    # No interval: the whole history.
    assert ds.years(None, None) == (FIRST_YEAR, datetime.now().year)
    assert ds.years(datetime(1962, 1, 1), datetime(1962, 1, 8)) == (FIRST_YEAR, 1962)
    assert COUNTRIES_DS.years(datetime(2026, 3, 4), None) is None


# ---- mwh parse -------------------------------------------------------------------------


def test_mwh_parse_writes_long_csv(tmp_path, capsys):
    saved = tmp_path / "netm.json"
    saved.write_text(json.dumps(_sample_bodies("indicators")[0]))
    out = tmp_path / "rows.csv"
    assert main(["parse", "worldbank", str(saved), "--out", str(out)]) == 0
    with out.open() as fh:
        rows = list(csv.DictReader(fh))
    page = _sample_bodies("indicators")[0][1]
    assert list(rows[0]) == ["country_id", "countryiso3code", "date", "measure", "value", "flag"]
    assert len(rows) == len(page)
    assert {r["measure"] for r in rows} == {"SM.POP.NETM"}
    assert f"{len(rows)} observations" in capsys.readouterr().out


def test_mwh_parse_reports_the_archived_indicator(tmp_path, capsys):
    saved = tmp_path / "refg.json"
    saved.write_text(json.dumps(ARCHIVED))
    out = tmp_path / "rows.csv"
    assert (
        main(["parse", "worldbank", str(saved), "--out", str(out), "--measure", "SM.POP.REFG"]) == 1
    )
    err = capsys.readouterr().err
    assert "SM.POP.REFG" in err and "archived" in err
    assert not out.exists()
