"""IOM DTM answers as long rows: samples, normalisation, shape recognition, errors."""

from __future__ import annotations

import csv
import json
import logging
from datetime import UTC, datetime
from decimal import Decimal

import pytest

import ingest.sources.iom_dtm as iom_dtm
from ingest.cli import main
from ingest.payload import Part, pack, parts
from ingest.sources.iom_dtm import client, displacement
from ingest.sources.iom_dtm.datasets import DATASETS, MEASURES, snake
from ingest.sources.iom_dtm.displacement import (
    IncompleteAnswerError,
    IomDtmApiError,
    IomDtmError,
    StructureChangedError,
    UnknownShapeError,
    format_value,
)

API = "https://dtmapi.iom.int/v3"


def envelope(result, **kw) -> dict:
    return {"result": result, "statusCode": 200, "isSuccess": True, "errorMessages": [],
            "totalRecordsCount": len(result), **kw}  # fmt: skip


def admin0_record(**kw) -> dict:
    rec = {
        "operation": "Libya Crisis", "admin0Name": "Libya", "admin0Pcode": "LBY",
        "numPresentIdpInd": 125802, "reportingDate": "2024-06-30T00:00:00",
        "yearReportingDate": 2024, "monthReportingDate": 6, "roundNumber": 5,
        "displacementReason": "Conflict", "numberMales": None, "numberFemales": None,
        "idpOriginAdmin1Name": "Not available", "idpOriginAdmin1Pcode": "Not available",
        "assessmentType": "BA",
    }  # fmt: skip
    return rec | kw


def as_dict(ds, row) -> dict:
    return dict(zip(ds.columns, row, strict=True))


def _answers(name: str) -> list[dict]:
    return [p.body for p in parts(client.load_sample(name))]


def _file_figures(bodies) -> tuple[int, Decimal]:
    """Straight from the answers: measure fields present, and the sum of the numbers."""
    count, total = 0, Decimal(0)
    for body in bodies:
        for rec in body["result"]:
            for m in MEASURES:
                if m in rec:
                    count += 1
                    v = rec[m]
                    if isinstance(v, str):
                        v = v.replace(",", "")
                    total += Decimal(str(v)) if v is not None else 0
    return count, total


# ---------- samples


@pytest.mark.parametrize("name", list(DATASETS))
def test_sample_rows_fit_the_raw_table_and_their_key(name):
    ds = DATASETS[name]
    rows = list(iom_dtm.rows(ds, client.load_sample(name)))
    assert rows and all(len(r) == len(ds.columns) for r in rows)
    keys = [tuple(as_dict(ds, r)[c] for c in ds.natural_key) for r in rows]
    assert len(set(keys)) == len(keys), "the natural key is unique within a batch"
    assert all(None not in k for k in keys)
    measures = {as_dict(ds, r)["measure"] for r in rows}
    assert measures == (set(MEASURES) if ds.measures else {name})


@pytest.mark.parametrize("level", [0, 1, 2])
def test_sample_counts_and_sums_are_the_answers_own(level):
    name = f"displacement_admin{level}"
    rows = list(iom_dtm.rows(DATASETS[name], client.load_sample(name)))
    count, total = _file_figures(_answers(name))
    assert len(rows) == count
    assert sum(Decimal(r[-2]) for r in rows if r[-2]) == total


def test_samples_have_the_quirks_they_claim():
    answers = _answers("displacement_admin1")
    assert any(a["result"] == [] for a in answers), "a country with no round in the window"
    recs = [r for a in answers for r in a["result"]]
    assert any(isinstance(r["numPresentIdpInd"], str) for r in recs)
    assert any(r["numberMales"] is None for r in recs)
    assert any(r["idpOriginAdmin1Pcode"] != "Not available" for r in recs)


# ---------- values


@pytest.mark.parametrize(
    ("sent", "value", "flag"),
    [
        (1068882, "1068882", ""),
        (0, "0", ""),
        (12.5, "12.5", ""),
        (1e16, "10000000000000000", ""),
        ("1,234,567", "1234567", ""),
        ("12 345", "12345", ""),
        (" 7 ", "7", ""),
        ("+3", "3", ""),
        ("-", "", "-"),
        ("n/a", "", "n/a"),
        ("", "", ""),
        (None, "", ""),
        (True, "", "true"),
        (float("nan"), "", "nan"),
    ],
)
def test_values_become_plain_decimals_and_text_becomes_the_flag(sent, value, flag):
    assert format_value(sent) == (value, flag)


def test_a_null_figure_is_a_row_and_a_missing_field_is_none():
    ds = DATASETS["displacement_admin0"]
    rec = admin0_record(numberMales=None)
    del rec["numberFemales"]
    rows = [as_dict(ds, r) for r in iom_dtm.rows(ds, pack([Part("", envelope([rec]))]))]
    assert [(r["measure"], r["value"]) for r in rows] == [
        ("numPresentIdpInd", "125802"), ("numberMales", ""),
    ]  # fmt: skip
    assert rows[0]["round_number"] == "5" and rows[0]["month_reporting_date"] == "6"
    assert rows[0]["reporting_date"] == "2024-06-30T00:00:00"  # as sent


def test_raw_columns_are_the_api_fields_in_snake_case():
    assert snake("admin0Pcode") == "admin0_pcode"
    assert snake("idpOriginAdmin1Name") == "idp_origin_admin1_name"
    assert snake("yearReportingDate") == "year_reporting_date"
    ds = DATASETS["displacement_admin2"]
    assert ds.columns[: len(ds.fields)] == tuple(snake(f) for f in ds.fields)
    assert set(ds.natural_key) <= set(ds.columns)


# ---------- interval


def test_requests_are_scoped_to_the_interval_plus_twelve_months_month_aligned():
    ds = DATASETS["displacement_admin0"]
    start, end = datetime(2026, 3, 11, tzinfo=UTC), datetime(2026, 3, 18, tzinfo=UTC)
    assert ds.request_params(start, end) == {
        "FromReportingDate": "2025-03-01", "ToReportingDate": "2026-03-17",
    }  # fmt: skip
    # Every weekly run of a month starts from the same day: an unchanged answer is a no-op.
    later = datetime(2026, 3, 25, tzinfo=UTC)
    assert ds.request_params(later, end)["FromReportingDate"] == "2025-03-01"
    assert ds.request_params(datetime(2026, 1, 5, tzinfo=UTC), None) == {
        "FromReportingDate": "2025-01-01"
    }
    assert ds.request_params(None, None) == {}
    assert DATASETS["country_list"].request_params(start, end) == {}


# ---------- shapes


@pytest.mark.parametrize("name", list(DATASETS))
def test_parse_saved_recognises_each_endpoint(name):
    ds = DATASETS[name]
    dims, rows = iom_dtm.parse_saved(client.load_sample(name))
    assert tuple(dims) == ds.columns[:-3]
    assert list(rows) == list(iom_dtm.rows(ds, client.load_sample(name)))


def test_one_answer_as_the_api_sent_it_is_recognised_by_its_fields():
    body = _answers("displacement_admin2")[0]
    dims, rows = iom_dtm.parse_saved(json.dumps(body).encode())
    assert tuple(dims) == DATASETS["displacement_admin2"].dimensions
    assert len(list(rows)) == sum(len([m for m in MEASURES if m in r]) for r in body["result"])


def test_an_empty_answer_is_told_by_its_request_or_refused():
    packed = pack([Part(f"{API}/displacement/admin1?Admin0Pcode=LBN", envelope([]))])
    dims, rows = iom_dtm.parse_saved(packed)
    assert tuple(dims) == DATASETS["displacement_admin1"].dimensions
    assert list(rows) == []
    with pytest.raises(UnknownShapeError, match="no records"):
        iom_dtm.parse_saved(json.dumps(envelope([])).encode())


@pytest.mark.parametrize(
    ("body", "match"),
    [
        ({"result": [], "statusCode": 400, "isSuccess": False,
          "errorMessages": ["Invalid Admin0Pcode"]}, "400: Invalid Admin0Pcode"),
        ({"result": None, "statusCode": 200, "isSuccess": True,
          "errorMessages": ["Something went wrong"]}, "Something went wrong"),
        ({"result": [], "statusCode": 500, "isSuccess": False, "errorMessages": []},
         "isSuccess is false"),
        ({"statusCode": 401, "message": "Access denied due to missing subscription key."},
         "401: Access denied"),
    ],
)  # fmt: skip
def test_error_bodies_raise_a_clear_error(body, match):
    with pytest.raises(IomDtmApiError, match=match) as err:
        iom_dtm.parse_saved(json.dumps(body).encode())
    assert isinstance(err.value, ValueError)  # `mwh parse` reports it


def test_a_cut_off_answer_is_refused():
    body = envelope([admin0_record()], totalRecordsCount=2)
    with pytest.raises(IncompleteAnswerError, match="announces 2 records"):
        list(iom_dtm.rows(DATASETS["displacement_admin0"], json.dumps(body).encode()))


def test_records_of_another_endpoint_are_refused():
    admin1 = client.load_sample("displacement_admin1")
    with pytest.raises(StructureChangedError, match="displacement_admin1 record"):
        iom_dtm.rows(
            DATASETS["displacement_admin2"], json.dumps(_answers("displacement_admin1")[0]).encode()
        )
    with pytest.raises(StructureChangedError, match="answers displacement/admin1"):
        iom_dtm.rows(DATASETS["displacement_admin2"], admin1)


def test_unknown_documents_are_refused():
    with pytest.raises(UnknownShapeError, match="not a DTM API answer"):
        iom_dtm.parse_saved(b'{"openapi": "3.0.1", "paths": {}}')
    with pytest.raises(UnknownShapeError, match="matches no DTM endpoint"):
        iom_dtm.parse_saved(json.dumps(envelope([{"foo": 1}])).encode())
    with pytest.raises(UnknownShapeError, match="mixes"):
        iom_dtm.parse_saved(
            pack([Part("", _answers("displacement_admin0")[0]),
                  Part("", _answers("displacement_admin2")[0])])
        )  # fmt: skip


def test_fields_without_a_column_are_reported(caplog):
    rec = admin0_record(numHouseholds=4100)
    with caplog.at_level(logging.WARNING, logger="ingest.sources.iom_dtm"):
        rows = list(
            iom_dtm.rows(DATASETS["displacement_admin0"], json.dumps(envelope([rec])).encode())
        )
    assert len(rows) == 3
    assert "numHouseholds" in caplog.text and "not stored" in caplog.text


def test_measure_option_keeps_one_figure_or_renames_a_list():
    sample = client.load_sample("displacement_admin0")
    _, rows = iom_dtm.parse_saved(sample, "numberFemales")
    assert {r[-3] for r in rows} == {"numberFemales"}
    with pytest.raises(IomDtmError, match="not 'idps'"):
        iom_dtm.parse_saved(sample, "idps")
    _, rows = iom_dtm.parse_saved(client.load_sample("country_list"), "dtm_countries")
    assert {r[-3] for r in rows} == {"dtm_countries"}


# ---------- HDX's HXL CSV

HXL = (
    "id,operation,admin0Name,admin0Pcode,admin1Name,admin1Pcode,adminLevel,numPresentIdpInd,"
    "reportingDate,roundNumber,numberMales,numberFemales,operationStatus\n"
    "#id+code,#operation+name,#country+name,#country+code,#adm1+name,#adm1+code,#adm+level,"
    "#affected+idps,#date+reported,#round+code,#affected+idps+m,#affected+idps+f,"
    "#operation+status\n"
    ',Iraq conflict,Iraq,IRQ,,,0,"1,021,000",2025-03-31T00:00:00,7,,,Active\n'
    "17,Iraq conflict,Iraq,IRQ,Duhok,IQG07,1,310500,2025-03-31T00:00:00,7,150000,160500,Active\n"
)


def test_hxl_csv_rows_skip_the_hashtag_row_and_keep_empty_cells():
    dims, rows = iom_dtm.parse_saved(("\ufeff" + HXL).encode())
    rows = list(rows)
    assert dims[:4] == ["id", "operation", "admin0_name", "admin0_pcode"]
    assert "admin_level" in dims and "operation_status" in dims
    assert len(rows) == 2 * 3  # every measure cell, empty ones too
    assert [r[-3:] for r in rows[:3]] == [
        ("numPresentIdpInd", "1021000", ""), ("numberMales", "", ""), ("numberFemales", "", ""),
    ]  # fmt: skip
    _, only = iom_dtm.parse_saved(HXL.encode(), "numberMales")
    assert [r[-2] for r in only] == ["", "150000"]


def test_csv_errors_are_clear():
    with pytest.raises(UnknownShapeError, match="not a DTM CSV"):
        iom_dtm.parse_saved(b"a,b\n1,2\n")
    with pytest.raises(IomDtmError, match="line 5"):
        iom_dtm.parse_saved((HXL + "1,2\n").encode())


# ---------- mwh parse


def test_mwh_parse_writes_the_long_csv(tmp_path, capsys):
    out = tmp_path / "rows.csv"
    sample = client.SAMPLES_DIR / "displacement_admin0.json"
    assert main(["parse", "iom_dtm", str(sample), "--out", str(out)]) == 0
    with out.open() as fh:
        rows = list(csv.DictReader(fh))
    ds = DATASETS["displacement_admin0"]
    assert list(rows[0]) == list(ds.columns)
    count, total = _file_figures(_answers("displacement_admin0"))
    assert len(rows) == count
    assert sum(int(r["value"]) for r in rows if r["value"]) == total
    assert f"{count} observations" in capsys.readouterr().out


def test_mwh_parse_reports_an_error_body(tmp_path, capsys):
    bad = tmp_path / "error.json"
    bad.write_text(json.dumps({"result": [], "isSuccess": False, "statusCode": 500,
                               "errorMessages": ["Internal error"]}))  # fmt: skip
    out = tmp_path / "rows.csv"
    assert main(["parse", "iom_dtm", str(bad), "--out", str(out)]) == 1
    assert "Internal error" in capsys.readouterr().err
    assert not out.exists()


def test_the_parser_module_names_every_dataset_endpoint():
    for ds in DATASETS.values():
        assert displacement.dataset_for_request(f"{API}/{ds.endpoint}?x=1") is ds
    assert displacement.dataset_for_request(f"{API}/displacement/admin3") is None
