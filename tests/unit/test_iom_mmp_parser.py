"""The Missing Migrants export parser on our sample exports: both headers, the quirks of
the real file, and clear errors for what is not an export we can read."""

from __future__ import annotations

import csv
import io
import logging
from collections import Counter

import pytest

from ingest.cli import main
from ingest.sources.iom_mmp import client, mmpcsv, parse_saved, rows
from ingest.sources.iom_mmp.datasets import DATASETS

CURRENT = client.load_sample()
LEGACY = client.load_sample("mmp_legacy_format.csv")
DS = DATASETS["incidents"]
MEASURE_COLUMNS = {
    "number_dead": "Number of Dead",
    "number_missing": "Minimum Estimated Number of Missing",
    "total_dead_and_missing": "Total Number of Dead and Missing",
    "number_survivors": "Number of Survivors",
    "number_females": "Number of Females",
    "number_males": "Number of Males",
    "number_children": "Number of Children",
}


def _parse(content: bytes, measure: str | None = None) -> tuple[list[str], list[dict]]:
    dims, long_rows = parse_saved(content, measure)
    names = [*dims, "measure", "value", "flag"]
    return dims, [dict(zip(names, r, strict=True)) for r in long_rows]


def _entry(parsed: list[dict], main_id: str) -> dict[str, dict]:
    return {r["measure"]: r for r in parsed if r["main_id"] == main_id}


def _records(content: bytes, encoding: str = "utf-8") -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode(encoding), newline="")))


def test_current_sample_gives_seven_rows_per_entry_with_the_files_sums():
    dims, parsed = _parse(CURRENT)
    records = _records(CURRENT)
    assert dims == list(mmpcsv.DIMENSIONS)
    assert len(parsed) == 7 * len(records) and len(records) >= 100
    assert Counter(r["measure"] for r in parsed) == dict.fromkeys(MEASURE_COLUMNS, len(records))
    for measure, column in MEASURE_COLUMNS.items():
        ours = [r["value"] for r in parsed if r["measure"] == measure]
        theirs = [rec[column].replace(",", "") for rec in records]
        assert sum(int(v) for v in ours if v) == sum(int(v) for v in theirs if v), measure
        # A blank stays a row with value '': the received count is always entries x 7.
        assert ours.count("") == theirs.count(""), measure
    assert {r["flag"] for r in parsed} == {""}
    assert {r["export_format"] for r in parsed} == {"current"}


def test_natural_key_is_unique_and_rows_fit_the_raw_table():
    out = list(rows(DS, CURRENT))
    assert {len(r) for r in out} == {len(DS.columns)}
    key = [tuple(r[DS.columns.index(c)] for c in DS.natural_key) for r in out]
    assert len(key) == len(set(key))


def test_quirks_of_the_current_export():
    _, parsed = _parse(CURRENT)
    cumulative = _entry(parsed, "2016.MMP00871")
    # "1,250" (quoted, thousands separator) is a plain number; blanks stay ''.
    assert cumulative["number_survivors"]["value"] == "1250"
    assert cumulative["number_missing"]["value"] == ""
    assert cumulative["number_dead"]["incident_type"] == "Cumulative Incident"
    croatia = _entry(parsed, "2018.MMP00402")["number_dead"]
    # A line break and commas inside a quoted location, an escaped double quote.
    assert croatia["location_of_incident"] == (
        "Forest near Cetingrad, Croatia,\nclose to the border with Bosnia and Herzegovina"
    )
    assert croatia["information_source"] == 'Croatian Police, daily "Jutarnji list"'
    assert croatia["url"] == ""
    split = _entry(parsed, "2018.MMP00431")["total_dead_and_missing"]
    # A split entry keeps its incident IDs and origins as IOM lists them, in one cell.
    assert split["incident_id"] == "2018.MMP004311,2018.MMP004312"
    assert split["country_of_origin"] == "Iraq,Syrian Arab Republic"
    assert split["value"] == "3"
    assert "Türkiye" in {r["country_of_incident"] for r in parsed}
    assert "Horgoš" in " ".join(r["location_of_incident"] for r in parsed)


def test_legacy_header_is_mapped_onto_the_current_names(caplog):
    with caplog.at_level(logging.WARNING, logger=mmpcsv.__name__):
        dims, parsed = _parse(LEGACY)
    # Saved by Excel as Windows-1252: decoded, and the fallback is logged.
    assert "decoded as Windows-1252" in caplog.text
    assert dims == list(mmpcsv.DIMENSIONS)
    records = _records(LEGACY, "cp1252")
    assert len(parsed) == 7 * len(records)
    first = _entry(parsed, "46218")
    assert first["number_dead"]["value"] == "2"
    assert first["number_missing"]["value"] == "5"
    assert first["total_dead_and_missing"]["value"] == "7"
    assert first["number_females"]["value"] == ""
    row = first["number_dead"]
    assert row["incident_date"] == "2018-12-29"  # '29-Dec-18'
    assert row["month"] == "December"  # 'Dec'
    assert row["incident_year"] == "2018"
    assert row["location_of_incident"] == "Off Farmakonisi, Greece"  # Location Description
    assert row["coordinates"] == "37.281920431005, 27.102118771053"  # Location Coordinates
    assert row["export_format"] == "legacy_2020"
    # What the legacy file lacks is None (NULL: not sent), never a made-up ''.
    for field in ("incident_id", "incident_type", "country_of_origin", "region_of_origin",
                  "country_of_incident"):  # fmt: skip
        assert {r[field] for r in parsed} == {None}, field
    assert _entry(parsed, "46102")["number_dead"]["location_of_incident"] == (
        "Railway near Šid, Serbia"
    )
    assert _entry(parsed, "38215")["number_dead"]["incident_date"] == "2016-11-28"


def test_utf8_bom_crlf_and_column_order_do_not_matter():
    _, expected = _parse(CURRENT)
    assert _parse(b"\xef\xbb\xbf" + CURRENT)[1] == expected
    crlf = _parse(CURRENT.replace(b"\n", b"\r\n"))[1]
    # A line break inside a quoted field is data: it stays as sent (here \r\n).
    assert sum("\r\n" in r["location_of_incident"] for r in crlf) == 7
    for r in crlf:
        r["location_of_incident"] = r["location_of_incident"].replace("\r\n", "\n")
    assert crlf == expected
    # The same export with its columns in another order: read by name.
    records = _records(CURRENT)
    header = list(reversed(records[0]))
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)
    assert _parse(buf.getvalue().encode())[1] == expected


def test_header_names_compare_without_case_and_extra_spaces():
    header, rest = CURRENT.split(b"\n", 1)
    changed = header.replace(b'"Incident Year"', b'"Incident  year "')
    assert _parse(changed + b"\n" + rest)[1] == _parse(CURRENT)[1]


def test_a_missing_column_is_named():
    header, rest = CURRENT.split(b"\n", 1)
    changed = header.replace(b'"Source Quality"', b'"Source Rating"')
    with pytest.raises(mmpcsv.UnknownHeaderError) as err:
        parse_saved(changed + b"\n" + rest)
    message = str(err.value)
    assert "closest to the current export" in message
    assert "missing ['Source Quality']" in message
    assert "unknown ['Source Rating']" in message


def test_an_extra_column_is_named():
    header, rest = LEGACY.split(b"\r\n", 1)
    with pytest.raises(mmpcsv.UnknownHeaderError, match=r"legacy_2020 .*unknown \['Extra'\]"):
        parse_saved(header + b",Extra\r\n" + rest)


def test_a_repeated_column_is_rejected():
    header, rest = CURRENT.split(b"\n", 1)
    with pytest.raises(mmpcsv.UnknownHeaderError, match="repeats columns: URL"):
        parse_saved(header.replace(b'"Source Quality"', b"URL") + b"\n" + rest)


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"<!DOCTYPE html><html><head><title>Page not found | Missing Migrants Project"
         b"</title></head><body>...</body></html>", "HTML page: Page not found"),
        (b'\n  {"error": "Service temporarily unavailable"}', "JSON body"),
    ],
)  # fmt: skip
def test_an_error_page_instead_of_the_export(content, said):
    with pytest.raises(mmpcsv.ErrorPageError, match=said):
        parse_saved(content)


def test_empty_content_and_undecodable_bytes():
    with pytest.raises(mmpcsv.MmpFormatError, match="empty"):
        parse_saved(b" \n")
    # 0x81 is undefined in Windows-1252 and invalid UTF-8 here.
    with pytest.raises(mmpcsv.MmpFormatError, match="neither UTF-8 nor Windows-1252"):
        parse_saved(CURRENT + b"\x81\x81")


def test_a_truncated_row_fails_with_its_line():
    truncated = CURRENT[: CURRENT.index(b"\n", 2000)] + b"\n2025.MMP0999,2025.MMP0999\n"
    _, long_rows = parse_saved(truncated)
    with pytest.raises(mmpcsv.MmpFormatError, match=r"line \d+: 2 fields, the header has 25"):
        list(long_rows)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ""), ("  ", ""), (" 12 ", "12"), ("0", "0"), ("1,022", "1022"),
        ("1 022", "1022"), ("1\u00a0022", "1022"), ("12.0", "12"), ("12.5", "12.5"),
        ("1,02", "1,02"), ("-3", "-3"), ("unknown", "unknown"),
    ],
)  # fmt: skip
def test_normalise_number(text, expected):
    assert mmpcsv.normalise_number(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("13-Jan-20", "2020-01-13"), ("9-feb-15", "2015-02-09"), ("29-Feb-16", "2016-02-29"),
        ("29-Feb-19", "29-Feb-19"), ("13/01/2020", "13/01/2020"), ("", ""),
    ],
)  # fmt: skip
def test_legacy_dates_become_iso_or_stay_as_sent(text, expected):
    # Kept as sent when it is no date: the quality gate quarantines it with its reason.
    assert mmpcsv._legacy_date(text) == expected


def test_one_measure_only():
    _, parsed = _parse(CURRENT, "number_dead")
    assert {r["measure"] for r in parsed} == {"number_dead"}
    assert len(parsed) == len(_records(CURRENT))
    with pytest.raises(mmpcsv.MmpFormatError, match="unknown measure 'deaths'"):
        parse_saved(CURRENT, "deaths")


def test_mwh_parse_writes_the_long_csv(tmp_path, capsys):
    sample, out = tmp_path / "legacy.csv", tmp_path / "rows.csv"
    sample.write_bytes(LEGACY)
    assert main(["parse", "iom_mmp", str(sample), "--out", str(out)]) == 0
    with out.open(encoding="utf-8") as fh:
        written = list(csv.DictReader(fh))
    assert list(written[0]) == [*mmpcsv.DIMENSIONS, "measure", "value", "flag"]
    assert len(written) == 7 * len(_records(LEGACY, "cp1252"))
    assert f"{len(written)} observations" in capsys.readouterr().out


def test_mwh_parse_reports_an_unknown_header(tmp_path, capsys):
    bad, out = tmp_path / "other.csv", tmp_path / "rows.csv"
    bad.write_text("Country,Year,Deaths\nGreece,2020,3\n")
    assert main(["parse", "iom_mmp", str(bad), "--out", str(out)]) == 1
    assert "unknown Missing Migrants Project header" in capsys.readouterr().err
    assert not out.exists()
