"""The UNHCR parser: value normalisation, shape recognition, the bundled samples, errors."""

from __future__ import annotations

import csv
import json
from collections import Counter
from datetime import UTC, datetime

import pytest

from ingest.cli import main
from ingest.payload import Part, pack, parts
from ingest.sources.unhcr import DATASETS, client, parse_saved, rows
from ingest.sources.unhcr.datasets import IDENTITY
from ingest.sources.unhcr.refstats import (
    IncompletePayloadError,
    StructureChangedError,
    UnhcrApiError,
    UnhcrFormatError,
    normalise_value,
)

SAMPLES = {name: client.load_sample(name) for name in DATASETS}


def _items(content: bytes) -> list[dict]:
    return [i for p in parts(content) for i in p.body["items"]]


def _page(items, page=1, max_pages=1, request=""):
    return Part(request, {"page": page, "maxPages": max_pages, "total": [], "items": items})


ITEM = {
    "year": 2023, "coo_id": 185, "coo_name": "Syrian Arab Rep.", "coo": "SYR",
    "coo_iso": "SYR", "coa_id": 72, "coa_name": "Germany", "coa": "GFR", "coa_iso": "DEU",
}  # fmt: skip


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (705812, ("705812", "")),
        ("705812", ("705812", "")),
        ("0", ("0", "")),
        (0, ("0", "")),
        (" 45 ", ("45", "")),
        ("007", ("7", "")),
        ("-", ("", "-")),  # not applicable: no number, and not 0
        ("*", ("", "*")),  # popstats: suppressed 1 to 4
        (None, ("", "")),
        ("", ("", "")),
        (12.5, ("12.5", "")),
        ("12.50", ("12.5", "")),
        (100000.0, ("100000", "")),
        ("1e+05", ("100000", "")),  # R wrote some HDX figures this way
        ("2.2000000000000002", ("2.2000000000000002", "")),
        ("n/a", ("n/a", "")),  # kept as sent: the quality gate quarantines it
        (True, ("true", "")),
    ],
)
def test_normalise_value(raw, expected):
    assert normalise_value(raw) == expected


@pytest.mark.parametrize("name", list(DATASETS))
def test_sample_rows_are_every_count_of_every_item(name):
    ds = DATASETS[name]
    content = SAMPLES[name]
    items = _items(content)
    out = list(rows(ds, content))
    # One observation per field that is not a dimension, nothing dropped.
    assert len(out) == sum(len(set(i) - set(ds.dimensions)) for i in items)
    assert all(len(r) == len(ds.columns) for r in out)
    col = {c: i for i, c in enumerate(ds.columns)}
    key = Counter(tuple(r[col[c]] for c in ds.natural_key) for r in out)
    assert max(key.values()) == 1
    assert {r[col["measure"]] for r in out} == set(ds.measures)
    assert all(r[col["value"]].isdigit() or r[col["value"]] == "" for r in out)
    # An empty value always carries its marker: "-" stays distinct from 0.
    assert all(r[col["flag"]] == "-" for r in out if r[col["value"]] == "")
    # The sums agree with the items', string numbers included.
    expected = sum(int(v) for i in items for f, v in i.items()
                   if f not in ds.dimensions and str(v).isdigit())  # fmt: skip
    assert sum(int(r[col["value"]]) for r in out if r[col["value"]]) == expected


def test_samples_carry_the_quirks_of_the_real_answers():
    population = _items(SAMPLES["population"])
    cells = [v for i in population for f, v in i.items() if f not in IDENTITY]
    assert {"-", "0"} <= set(cells)
    assert any(isinstance(v, str) and v.isdigit() and v != "0" for v in cells)
    assert any(isinstance(v, int) for v in cells)
    # UNHCR's own codes beside ISO3 ones, the region's countries, Kosovo folded into Serbia.
    pairs = {(i["coa"], i["coa_iso"]) for i in population}
    assert {("GFR", "DEU"), ("AUS", "AUT"), ("GRE", "GRC"), ("MCD", "MKD"), ("BSN", "BIH")} <= pairs
    asylum = {i["coa_iso"] for i in population}
    assert {"MKD", "SRB", "ALB", "BIH", "MNE", "GRC", "BGR", "HRV", "HUN", "SVN", "ROU", "ITA",
            "AUT", "DEU", "TUR"} <= asylum  # fmt: skip
    assert {"SYR", "AFG", "IRQ", "UKR"} <= {i["coo_iso"] for i in population}
    assert "Serbia and Kosovo: S/RES/1244 (1999)" in {i["coa_name"] for i in population}
    assert len({i["year"] for i in population}) >= 4


def test_population_sample_is_a_packed_multi_page_answer():
    pages = parts(SAMPLES["population"])
    assert len(pages) >= 2
    assert [p.body["page"] for p in pages] == list(range(1, len(pages) + 1))
    assert {p.body["maxPages"] for p in pages} == {len(pages)}
    for p in pages:
        assert "cf_type=ISO" in p.request and "coo_all=true" in p.request
        assert f"page={p.body['page']}" in p.request
    # Rows follow the pages in order.
    first_of_page_2 = pages[1].body["items"][0]
    out = list(rows(DATASETS["population"], SAMPLES["population"]))
    n_before = sum(len(set(i) - set(IDENTITY)) for i in pages[0].body["items"])
    assert out[n_before][:3] == (str(first_of_page_2["year"]), str(first_of_page_2["coo_id"]),
                                 first_of_page_2["coo"])  # fmt: skip


@pytest.mark.parametrize("name", list(DATASETS))
def test_each_endpoint_is_recognised_by_its_fields(name):
    ds = DATASETS[name]
    # One page as the API sent it: no request URL to go by.
    body = parts(SAMPLES[name])[0].body
    dims, out = parse_saved(json.dumps(body).encode())
    assert tuple(dims) == ds.dimensions
    assert {r[len(dims)] for r in out} <= set(ds.measures)


def test_a_payload_of_another_endpoint_is_refused():
    with pytest.raises(StructureChangedError, match="asylum-decisions endpoint"):
        rows(DATASETS["asylum_applications"], SAMPLES["asylum_decisions"])


def test_pages_of_different_endpoints_are_refused():
    mixed = pack([parts(SAMPLES["solutions"])[0], parts(SAMPLES["demographics"])[0]])
    with pytest.raises(StructureChangedError, match="different endpoints"):
        parse_saved(mixed)


def test_a_payload_missing_a_page_is_not_loaded():
    pages = parts(SAMPLES["population"])
    ds = DATASETS["population"]
    with pytest.raises(IncompletePayloadError, match="pages \\[1, 3\\]"):
        list(rows(ds, pack([pages[0], pages[2]])))
    # One saved page of several: fine to read, not to load as the whole answer.
    page_1 = json.dumps(pages[0].body).encode()
    with pytest.raises(IncompletePayloadError):
        rows(ds, page_1)
    dims, out = parse_saved(page_1)
    assert len(list(out)) == 9 * len(pages[0].body["items"])


def test_pages_disagreeing_on_max_pages_are_refused():
    items = [ITEM | {"resettlement": 5}]
    payload = pack([_page(items, 1, 2), _page(items, 2, 3)])
    with pytest.raises(IncompletePayloadError, match="maxPages"):
        rows(DATASETS["solutions"], payload)


def test_an_empty_answer_is_zero_rows_and_its_endpoint_comes_from_the_url():
    url = "https://api.unhcr.org/population/v1/solutions/?cf_type=ISO&page=1"
    payload = pack([_page([], 1, 0, request=url)])
    assert list(rows(DATASETS["solutions"], payload)) == []
    with pytest.raises(StructureChangedError):
        rows(DATASETS["population"], payload)
    dims, out = parse_saved(payload)
    assert tuple(dims) == DATASETS["solutions"].dimensions and list(out) == []
    with pytest.raises(UnhcrFormatError, match="cannot tell which UNHCR endpoint"):
        parse_saved(json.dumps(_page([]).body).encode())


def test_summed_dimensions_missing_iso_and_new_fields():
    items = [
        # Origins summed: "-" in every identity field of the origin.
        ITEM | {"coo_id": "-", "coo_name": "-", "coo": "-", "coo_iso": "-",
                "refugees": 100, "oip": "-"},
        # An origin UNHCR has no ISO3 code for; a field the parser does not know yet.
        ITEM | {"coo_id": 290, "coo": "CRB", "coo_iso": None, "coo_name": "CRB",
                "refugees": "5", "new_count": "15"},
    ]  # fmt: skip
    out = list(rows(DATASETS["population"], pack([_page(items)])))
    assert out[0][:5] == ("2023", "-", "-", "-", "-")
    assert out[1][-3:] == ("oip", "", "-")
    assert out[2][3] is None  # no ISO3: null, not an invented code
    # Not lost: the quality gate sees the new field (measure not in its set).
    assert out[-1][-3:] == ("new_count", "15", "")


@pytest.mark.parametrize(
    ("body", "error", "message"),
    [
        (b'{"message": "Invalid value for yearFrom"}', UnhcrApiError, "Invalid value for yearFrom"),
        (b'{"errors": [{"message": "limit too large"}]}', UnhcrApiError, "limit too large"),
        (b"<html><head><title>502 Bad Gateway</title></head></html>", UnhcrApiError,
         "502 Bad Gateway"),
        (b'{"data": []}', UnhcrFormatError, "expected an object with `items`"),
        (b"[1, 2]", UnhcrFormatError, "a JSON list"),
        (b"{not json", UnhcrFormatError, "invalid JSON"),
        (b"a,b\n1,2\n", UnhcrFormatError, "not a UNHCR file"),
    ],
)  # fmt: skip
def test_error_bodies_and_unknown_shapes(body, error, message):
    with pytest.raises(error, match=message):
        parse_saved(body)


def test_api_errors_are_value_errors_and_runtime_errors():
    with pytest.raises(UnhcrApiError) as exc:
        parse_saved(b'{"error": "Service unavailable"}')
    assert isinstance(exc.value, ValueError) and isinstance(exc.value, RuntimeError)


HDX = (
    '"Year","ISO3CoO","ISO3CoA","REF","ASY","VDA"\r\n'
    '"#date+year","#country+origin+code","#country+asylum+code","#affected+refugees",'
    '"#affected+asylum_seekers","#affected+vda"\r\n'
    '2015,"SYR","TUR",2e+06,0,0\r\n'
    '2015,"UKN","SRB",1500,35,\r\n'
)


def test_hdx_export_is_recognised_by_its_hashtag_row():
    dims, out = parse_saved(HDX.encode())
    assert dims == ["year", "coo_iso", "coa_iso"]
    assert list(out) == [
        ("2015", "SYR", "TUR", "refugees", "2000000", ""),
        ("2015", "SYR", "TUR", "asylum_seekers", "0", ""),
        ("2015", "SYR", "TUR", "vda", "0", ""),
        ("2015", "UKN", "SRB", "refugees", "1500", ""),
        ("2015", "UKN", "SRB", "asylum_seekers", "35", ""),
        ("2015", "UKN", "SRB", "vda", "", ""),  # an empty cell is still a row
    ]
    with pytest.raises(UnhcrFormatError, match="--measure"):
        parse_saved(HDX.encode(), measure="x")


LEGACY = (
    '"Extracted from the UNHCR Population Statistics Reference Database"\n'
    '"United Nations High Commissioner for Refugees"\n'
    '"Date extracted: 2015-09-20"\n\n'
    '"Country / territory of asylum/residence","Origin","Year","Month","Value"\n'
    'Serbia,"Syrian Arab Republic",2015,August,9150\n'
    '"Macedonia (the former Yugoslav Republic of)",Afghanistan,2015,May,*\n'
    "Hungary,Kosovo,2015,February,\n"
)


def test_legacy_popstats_export_with_and_without_its_preamble():
    dims, out = parse_saved(LEGACY.encode())
    expected = [
        ("Serbia", "Syrian Arab Republic", "2015", "08", "asylum_applications_monthly",
         "9150", ""),
        ("Macedonia (the former Yugoslav Republic of)", "Afghanistan", "2015", "05",
         "asylum_applications_monthly", "", "*"),
        ("Hungary", "Kosovo", "2015", "02", "asylum_applications_monthly", "", ""),
    ]  # fmt: skip
    assert dims == ["coa_name", "coo_name", "year", "month"]
    assert list(out) == expected
    headless = "\n".join(LEGACY.splitlines()[5:]).encode("cp1252")
    dims, out = parse_saved(headless, measure="asylum_seekers_monthly")
    assert [r[4] for r in out] == ["asylum_seekers_monthly"] * 3


def test_legacy_export_with_a_broken_line_names_it():
    broken = LEGACY + "Austria,Iraq,2015,Augst,12\n"
    with pytest.raises(UnhcrFormatError, match="line 9"):
        list(parse_saved(broken.encode())[1])


def test_mwh_parse_writes_long_csv(tmp_path, capsys):
    sample = client.SAMPLES_DIR / "asylum_decisions.json"
    out = tmp_path / "rows.csv"
    assert main(["parse", "unhcr", str(sample), "--out", str(out)]) == 0
    with out.open() as fh:
        got = list(csv.DictReader(fh))
    ds = DATASETS["asylum_decisions"]
    assert list(got[0]) == [*ds.dimensions, "measure", "value", "flag"]
    assert len(got) == 5 * len(_items(sample.read_bytes()))
    assert {r["flag"] for r in got} == {"", "-"}
    assert f"{len(got)} observations" in capsys.readouterr().out


def test_mwh_parse_reports_an_error_body(tmp_path, capsys):
    bad = tmp_path / "error.json"
    bad.write_text('{"message": "Not Found"}')
    assert main(["parse", "unhcr", str(bad), "--out", str(tmp_path / "o.csv")]) == 1
    assert "UNHCR API error" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("name", "start", "end", "expected"),
    [
        # Figures for 2025 appear in 2026; the three years before are asked again.
        ("population", datetime(2026, 6, 3, tzinfo=UTC), datetime(2026, 7, 3, tzinfo=UTC),
         (2023, 2026)),
        ("asylum_applications", datetime(2025, 12, 3, tzinfo=UTC),
         datetime(2026, 1, 3, tzinfo=UTC), (2022, 2026)),
        # Never before the endpoint's first year.
        ("asylum_decisions", datetime(2001, 3, 3, tzinfo=UTC), None, (2000, 2001)),
    ],
)  # fmt: skip
def test_years_of_a_data_interval(name, start, end, expected):
    assert DATASETS[name].years(start, end) == expected


def test_no_interval_asks_for_the_whole_history():
    now = datetime.now(UTC).year
    assert DATASETS["population"].years(None, None) == (1951, now)
    assert DATASETS["demographics"].years(None, None) == (2001, now)
