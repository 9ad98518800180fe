"""UNHCR ODP answers as long rows: shapes, normalisation, quirks and errors."""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from ingest.cli import main
from ingest.payload import Part, pack, parts
from ingest.sources import unhcr_odp
from ingest.sources.unhcr_odp import client, odp
from ingest.sources.unhcr_odp.datasets import DATASETS, PLACES, POPULATION_GROUPS

TS = DATASETS["arrivals_timeseries"]
SUB = DATASETS["arrivals_by_sublocation"]
ORIGIN = DATASETS["arrivals_by_origin"]
STAGING = Path(__file__).resolve().parents[2] / "dbt_project/models/staging/unhcr_odp"


def _ts_answer(items, geo=None):
    data = {"timeseries": items}
    if geo:
        data["geoMasterId"] = {"id": int(geo[0]), "name": geo[1]}
    return {"situation_view_id": 100, "data": data}


def _url(endpoint, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"https://data.unhcr.org/population/get/{endpoint}?{query}"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("663396", ("663396", "")),
        (451805, ("451805", "")),
        ("0", ("0", "")),
        (" 12 ", ("12", "")),
        ("1,234", ("1234", "")),
        ("12\u202f345", ("12345", "")),
        ("12.5", ("12.5", "")),
        (12.0, ("12", "")),
        (0.1, ("0.1", "")),
        (None, ("", "")),
        ("", ("", "")),
        ("-", ("", "-")),
        ("n/a", ("", "n/a")),
        ("-7", ("-7", "")),
        (True, ("", "true")),
    ],
)
def test_number_normalisation(raw, expected):
    assert odp.number(raw) == expected


def test_zero_not_applicable_and_missing_stay_distinct():
    assert len({odp.number(v) for v in ("0", "-", None)}) == 3


def test_timeseries_daily_and_monthly_take_place_and_group_from_the_request():
    day = _ts_answer(
        [
            {"data_date": "2026-01-02", "unix_timestamp": 1767312000, "individuals": "41"},
            {"data_date": "2026-01-03", "individuals": 7},
            {"data_date": "2026-01-04", "individuals": None},
        ],
        geo=("640", "Greece"),
    )
    month = _ts_answer(
        [
            {"month": 1, "year": 2026, "individuals": "48"},
            {"month": "12", "year": "2025", "individuals": "1,300"},
        ]
    )
    payload = pack(
        [
            Part(_url("timeseries", geo_id=640, population_group=4798, frequency="day"), day),
            Part(_url("timeseries", geo_id=640, population_group=4798, frequency="month"), month),
        ]
    )
    assert list(unhcr_odp.rows(TS, payload)) == [
        ("640", "4798", "day", "2026-01-02", "individuals", "41", ""),
        ("640", "4798", "day", "2026-01-03", "individuals", "7", ""),
        ("640", "4798", "day", "2026-01-04", "individuals", "", ""),
        ("640", "4798", "month", "2026-01", "individuals", "48", ""),
        ("640", "4798", "month", "2025-12", "individuals", "1300", ""),
    ]


def test_a_lone_saved_timeseries_answer_names_what_it_can():
    """Without its request only the answer's own geoMasterId says the place; the group
    stays unknown ('')."""
    answer = _ts_answer([{"data_date": "2026-01-02", "individuals": "3"}], geo=("656", "Italy"))
    dims, rows = unhcr_odp.parse_saved(json.dumps(answer).encode())
    assert dims == ["geo_id", "population_group", "frequency", "period"]
    assert list(rows) == [("656", "", "day", "2026-01-02", "individuals", "3", "")]


def test_a_month_outside_1_to_12_is_kept_for_the_quality_gate():
    rows = list(
        odp.timeseries_rows(_ts_answer([{"month": 13, "year": 2026, "individuals": "1"}]), {})
    )
    assert rows[0][3] == "2026-13"


def test_frequency_asked_and_items_must_agree():
    answer = _ts_answer([{"month": 1, "year": 2026, "individuals": "1"}])
    payload = pack([Part(_url("timeseries", geo_id=656, frequency="day"), answer)])
    with pytest.raises(odp.OdpFormatError, match="asked frequency=day"):
        list(unhcr_odp.rows(TS, payload))


def test_timeseries_item_of_unknown_shape():
    with pytest.raises(odp.OdpFormatError, match="without data_date"):
        list(odp.timeseries_rows(_ts_answer([{"when": "2026-01", "individuals": "1"}]), {}))


def test_sublocation_row_every_measure_sent_is_a_row():
    answer = {
        "situation_view_id": 100,
        "data": [
            {
                "geomaster_name": "Lesvos",
                "geomaster_id": 64002,
                "admin_level": "Settlement",
                "centroid_lon": 26.2766,
                "centroid_lat": 39.2035,
                "source": "Hellenic Police",
                "date": "2026-02-22",
                "month": 12,
                "year": 2026,
                "population_groups_concat": "Mediterranean Sea Arrivals",
                "population_group_id": "4797",
                "individuals": "512",
                "households": None,
            }
        ],
    }
    payload = pack(
        [Part(_url("sublocation", geo_id=640, population_group=4797, year=2026), answer)]
    )
    common = (
        "640",
        "64002",
        "Lesvos",
        "Settlement",
        "26.2766",
        "39.2035",
        "4797",
        "Mediterranean Sea Arrivals",
        "2026",
        "12",
        "2026-02-22",
        "Hellenic Police",
    )
    assert list(unhcr_odp.rows(SUB, payload)) == [
        (*common, "individuals", "512", ""),
        (*common, "households", "", ""),
    ]


def test_sublocation_without_group_id_takes_the_group_asked():
    answer = {"data": [{"geomaster_id": 1, "geomaster_name": "Evros", "individuals": "3"}]}
    (row,) = odp.answer_rows(answer, _url("sublocation", geo_id=640, population_group=4798))
    assert row[SUB.columns.index("population_group_id")] == "4798"


def test_origin_rows_keep_unhcr_codes_and_null_breakdowns():
    record = {
        "geomaster_name": "Italy",
        "geomaster_id": 656,
        "population_group_id": "5583, 5630",
        "pop_type_code": "REF",
        "pop_data_type_code": None,
        "pop_origin_code": "SUD",
        "pop_origin_name": "Sudan",
        "date": "2026-02-24",
        "month": 15,
        "year": 2026,
        "source": "UNHCR",
        "individuals": "451805",
        "male_04": None,
        "female_total": "0",
    }
    answer = {"pop_frequency_code": ["D"], "data": [record]}
    rows = list(odp.answer_rows(answer, _url("origin", geo_id=656, year=2026)))
    assert [(r[-3], r[-2]) for r in rows] == [
        ("individuals", "451805"),
        ("male_04", ""),
        ("female_total", "0"),
    ]
    assert rows[0][:12] == (
        "656",
        "656",
        "Italy",
        "5583, 5630",
        "REF",
        None,
        "SUD",
        "Sudan",
        "2026",
        "15",
        "2026-02-24",
        "UNHCR",
    )


@pytest.mark.parametrize(
    ("body", "endpoint"),
    [
        (_ts_answer([]), "timeseries"),
        ({"data": [{"geomaster_id": 1, "pop_origin_code": "AFG"}]}, "origin"),
        ({"data": [{"geomaster_id": 1, "admin_level": "Province"}]}, "sublocation"),
        ({"pop_frequency_code": ["D"], "data": []}, "origin"),
        ({"situation_view_id": 45, "data": []}, "sublocation"),
    ],
)
def test_endpoint_is_recognised_by_shape(body, endpoint):
    assert odp.endpoint_of(body) == endpoint


@pytest.mark.parametrize(
    "body",
    [
        {"data": []},
        {"data": {"series": []}},
        {"data": [{"name": "x"}]},
        {"data": "nothing"},
        {"data": [1, 2]},
    ],
)
def test_unknown_shapes_are_clear_errors(body):
    with pytest.raises(odp.OdpFormatError):
        odp.endpoint_of(body)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"error": "Invalid geo_id"}, "Invalid geo_id"),
        ({"errors": [{"message": "population_group is required"}]}, "population_group"),
        ({"status": "error", "message": "Service unavailable", "data": []}, "unavailable"),
        ({"success": False, "data": None, "detail": "rate limited"}, "rate limited"),
        ({"message": "Not found", "data": None}, "Not found"),
        ([], "not a JSON object"),
        ("maintenance", "not a JSON object"),
    ],
)
def test_error_bodies_raise_the_api_error(body, message):
    with pytest.raises(odp.UnhcrOdpApiError, match=message):
        odp.endpoint_of(body)


def test_an_answer_of_another_endpoint_is_refused():
    payload = pack([Part("", {"pop_frequency_code": [], "data": []})])
    with pytest.raises(odp.OdpFormatError, match="expected a sublocation answer"):
        list(unhcr_odp.rows(SUB, payload))


def test_a_saved_html_page_is_an_api_error_and_garbage_a_format_error():
    with pytest.raises(odp.UnhcrOdpApiError, match="HTML page"):
        unhcr_odp.parse_saved(b"<!DOCTYPE html><html><body>502 Bad Gateway</body></html>")
    with pytest.raises(odp.OdpFormatError, match="not JSON"):
        unhcr_odp.parse_saved(b"Internal Server Error")


def test_a_payload_mixing_endpoints_is_refused():
    payload = pack([Part("", _ts_answer([])), Part("", {"pop_frequency_code": [], "data": []})])
    with pytest.raises(odp.OdpFormatError, match="mixing"):
        unhcr_odp.parse_saved(payload)


def test_csv_exports_parse_with_their_own_columns():
    content = (
        b"geomaster_name,admin_level,month,year,population_groups_concat,individuals,country_name\n"
        b"Sicily,Province,12,2025,Mediterranean Sea Arrivals,44876,Italy\n"
        b"Evros,Province,11,2025,Land Arrivals,,Greece\n"
    )
    dims, rows = unhcr_odp.parse_saved(content)
    assert dims == [
        "geomaster_name",
        "admin_level",
        "month",
        "year",
        "population_groups_concat",
        "country_name",
    ]
    assert list(rows) == [
        (
            "Sicily",
            "Province",
            "12",
            "2025",
            "Mediterranean Sea Arrivals",
            "Italy",
            "individuals",
            "44876",
            "",
        ),
        ("Evros", "Province", "11", "2025", "Land Arrivals", "Greece", "individuals", "", ""),
    ]


@pytest.mark.parametrize(
    "content",
    [
        b"country,year,value\nGreece,2025,3\n",  # no individuals
        b"country_name,individuals\nGreece,3\n",  # no year
        b"country_name,year,individuals,price\nGreece,2025,3,9\n",  # a foreign column
    ],
)
def test_csv_of_another_kind_is_rejected(content):
    with pytest.raises(odp.OdpFormatError, match="not a flattened ODP answer"):
        unhcr_odp.parse_saved(content)


def test_csv_with_a_short_line_is_rejected():
    with pytest.raises(odp.OdpFormatError, match="line 3"):
        list(
            unhcr_odp.parse_saved(b"country_name,year,individuals\nGreece,2025,3\nItaly,2025\n")[1]
        )


def test_measure_keeps_one_field():
    content = client.load_sample("arrivals_by_origin")
    _, rows = unhcr_odp.parse_saved(content, "uac_total")
    rows = list(rows)
    assert rows and {r[-3] for r in rows} == {"uac_total"}
    with pytest.raises(odp.OdpFormatError, match="no measure 'refugees'"):
        unhcr_odp.parse_saved(content, "refugees")


# ------------------------------------------------------------------ the bundled samples


@pytest.mark.parametrize("name", list(DATASETS))
def test_samples_parse_with_unique_keys_and_the_files_own_figures(name):
    ds = DATASETS[name]
    content = client.load_sample(name)
    rows = list(unhcr_odp.rows(ds, content))
    assert rows and all(len(r) == len(ds.columns) for r in rows)
    key = [ds.columns.index(c) for c in ds.natural_key]
    assert max(Counter(tuple(r[i] for i in key) for r in rows).values()) == 1
    # Count and sum straight from the answers: every measure cell sent is a row.
    cells = []
    for part in parts(content):
        data = part.body["data"]
        records = data["timeseries"] if ds.endpoint == "timeseries" else data
        cells += [rec[m] for rec in records for m in ds.measures if m in rec]
    assert len(rows) == len(cells)
    assert sum(Decimal(r[-2]) for r in rows if r[-2]) == sum(Decimal(str(c)) for c in cells if c)
    assert len(content) < 200_000


def test_samples_carry_the_real_quirks():
    ts = client.load_sample("arrivals_timeseries")
    items = [i for p in parts(ts) for i in p.body["data"]["timeseries"]]
    kinds = Counter(type(i["individuals"]).__name__ for i in items)
    assert kinds["str"] > kinds["int"] > 0 and kinds["NoneType"] > 0  # strings, numbers, nulls
    rows = list(unhcr_odp.rows(TS, ts))
    assert {r[2] for r in rows} == {"day", "month"}
    assert {r[0] for r in rows} == {p.geo_id for p in PLACES}
    assert {r[1] for r in rows} == set(POPULATION_GROUPS)
    assert {r[3][:4] for r in rows} == {"2025", "2026"}
    origin = [r for p in parts(client.load_sample("arrivals_by_origin")) for r in p.body["data"]]
    codes = {r["pop_origin_code"] for r in origin}
    assert {"SUD", "ARE", "OTH", "UKN"} <= codes  # UNHCR codes, not ISO, and residuals
    assert any(r["month"] != int(r["date"][5:7]) for r in origin)  # `month` is not date's
    zero_breakdown = [r for r in origin if r["male_total"] == "0" and r["individuals"] != "0"]
    assert zero_breakdown  # a breakdown of "0" beside a positive total


def test_monthly_sample_series_add_up_their_days():
    rows = list(unhcr_odp.rows(TS, client.load_sample("arrivals_timeseries")))
    daily, monthly = Counter(), {}
    for geo, group, freq, period, _, value, _ in rows:
        if freq == "day":
            daily[(geo, group, period[:7])] += int(value or 0)
        else:
            monthly[(geo, group, period)] = int(value)
    assert monthly == dict(daily)


def test_places_in_staging_match_the_ingest_config():
    sql = (STAGING / "stg_unhcr_odp__places.sql").read_text()
    found = set(re.findall(r"\('(\d+)', '([A-Z]{3})', '([^']+)'\)", sql))
    assert found == {(p.geo_id, p.iso3, p.name) for p in PLACES}


def test_mwh_parse_writes_long_csv(tmp_path, capsys):
    sample = client.SAMPLES_DIR / "arrivals_by_sublocation.json"
    out = tmp_path / "rows.csv"
    assert main(["parse", "unhcr_odp", str(sample), "--out", str(out)]) == 0
    with out.open() as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == list(SUB.columns)
    assert len(rows) == len(list(unhcr_odp.rows(SUB, sample.read_bytes())))
    assert f"{len(rows)} observations" in capsys.readouterr().out


def test_mwh_parse_reports_an_error_body(tmp_path, capsys):
    bad = tmp_path / "error.json"
    bad.write_text(json.dumps({"error": "Invalid population_group"}))
    assert main(["parse", "unhcr_odp", str(bad), "--out", str(tmp_path / "o.csv")]) == 1
    assert "Invalid population_group" in capsys.readouterr().err
    assert not (tmp_path / "o.csv").exists()
