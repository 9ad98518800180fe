"""JSON-stat 2.0 parser: flat-index arithmetic, sparse and dense encodings, error bodies."""

from __future__ import annotations

import json

import pytest

from ingest.sources.eurostat import jsonstat, parse_saved
from ingest.sources.eurostat.client import load_sample


def _doc(dims: dict[str, list[str]], value, status=None) -> dict:
    doc = {
        "version": "2.0",
        "class": "dataset",
        "id": list(dims),
        "size": [len(c) for c in dims.values()],
        "dimension": {
            d: {"label": d, "category": {"index": {c: i for i, c in enumerate(cats)}}}
            for d, cats in dims.items()
        },
        "value": value,
    }
    if status is not None:
        doc["status"] = status
    return doc


DIMS = {"geo": ["AT", "EL", "XK"], "applicant": ["FRST", "SSEQ"], "time": ["2025-01", "2025-02"]}


def test_row_major_flat_index_last_dimension_fastest():
    # flat = geo * 4 + applicant * 2 + time
    doc = _doc(DIMS, {"0": 10, "1": 15, "3": 5, "9": 20, "11": 0})
    dims, rows = jsonstat.parse(doc, measure="m")
    assert dims == ["geo", "applicant", "time"]
    assert list(rows) == [
        ("AT", "FRST", "2025-01", "m", "10", ""),
        ("AT", "FRST", "2025-02", "m", "15", ""),
        ("AT", "SSEQ", "2025-02", "m", "5", ""),
        ("XK", "FRST", "2025-02", "m", "20", ""),
        ("XK", "SSEQ", "2025-02", "m", "0", ""),
    ]


def test_status_only_cells_are_observations_with_empty_value():
    doc = _doc(DIMS, {"0": 10}, status={"0": "p", "5": "c"})
    _, rows = jsonstat.parse(doc, measure="m")
    assert list(rows) == [
        ("AT", "FRST", "2025-01", "m", "10", "p"),
        ("EL", "FRST", "2025-02", "m", "", "c"),
    ]


def test_dense_value_list_and_status_string():
    dims = {"geo": ["AT", "EL"], "time": ["2025"]}
    doc = _doc(dims, [1.0, None], status="e")
    _, rows = jsonstat.parse(doc, measure="m")
    # A null cell with a cube-wide status is still an observation (the flag says why).
    assert list(rows) == [("AT", "2025", "m", "1", "e"), ("EL", "2025", "m", "", "e")]


def test_index_as_list_and_missing_index_for_single_category():
    doc = {
        "class": "dataset",
        "id": ["unit", "geo"],
        "size": [1, 2],
        "dimension": {
            "unit": {"category": {"label": {"PER": "Person"}}},
            "geo": {"category": {"index": ["RS", "MK"]}},
        },
        "value": {"1": 7.5},
    }
    _, rows = jsonstat.parse(doc, measure="m")
    assert list(rows) == [("PER", "MK", "m", "7.5", "")]


def test_empty_size_is_a_clear_error():
    doc = _doc({"geo": ["AT"], "applicant": [], "time": ["2025-01"]}, {})
    with pytest.raises(jsonstat.EmptySelectionError, match="applicant") as exc:
        jsonstat.parse(doc, measure="m")
    assert "filter" in str(exc.value)


@pytest.mark.parametrize(
    ("body", "error", "words"),
    [
        (
            {"error": [{"status": 413, "id": 413, "label": "ASYNCHRONOUS_RESPONSE. Your "
                        "request will be treated asynchronously. Please try again later."}]},
            jsonstat.AsynchronousResponseError,
            "retry later",
        ),
        (
            {"error": [{"status": 413, "id": 413, "label": "EXTRACTION_TOO_BIG: The requested "
                        "extraction is too big, estimated 8068608 rows, max authorised is "
                        "5000000, please change your filters to reduce the extraction size"}]},
            jsonstat.ExtractionTooBigError,
            "split the request",
        ),
        (
            {"error": [{"status": 400, "id": 400, "label": "Invalid dimension filter"}]},
            jsonstat.EurostatApiError,
            "Invalid dimension filter",
        ),
    ],
)  # fmt: skip
def test_error_bodies_become_typed_errors(body, error, words):
    with pytest.raises(error, match=words) as exc:
        jsonstat.parse(body, measure="m")
    assert exc.value.status in (413, 400)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.update(size=[3, 2]), "same length"),
        (lambda d: d["value"].update({"12": 1}), "outside the cube"),
        (lambda d: d["value"].update({"x": 1}), "not a flat index"),
        (lambda d: d["value"].update({"1": "12"}), "not a number"),
        (lambda d: d.update({"class": "collection"}), "not a JSON-stat dataset"),
        (lambda d: d["dimension"]["geo"]["category"].update(index={"AT": 0, "EL": 2, "XK": 3}),
         "positions"),
    ],
)  # fmt: skip
def test_malformed_documents_are_rejected(mutate, message):
    doc = _doc(DIMS, {"0": 1})
    mutate(doc)
    with pytest.raises(jsonstat.JsonStatError, match=message):
        list(jsonstat.parse(doc, measure="m")[1])


def test_format_value_keeps_integers_integral():
    assert jsonstat.format_value(12020) == "12020"
    assert jsonstat.format_value(12020.0) == "12020"
    assert jsonstat.format_value(0.25) == "0.25"
    assert jsonstat.format_value(None) == ""


def test_sample_payload_parses_with_declared_dimensions():
    content = load_sample("migr_asyappctzm")
    doc = json.loads(content)
    dims, rows = parse_saved(content)
    rows = list(rows)
    assert dims == ["freq", "unit", "citizen", "sex", "applicant", "age", "geo", "time"]
    assert len(rows) == len(doc["value"].keys() | doc["status"].keys())
    assert {r[8] for r in rows} == {"migr_asyappctzm"}
    assert sum(int(r[9]) for r in rows if r[9]) == sum(doc["value"].values())
    # The sample carries what real payloads carry: flags, status-only cells, aggregates.
    flags = {r[10] for r in rows}
    assert {"p", "ep", "c"} <= flags
    assert any(r[9] == "" for r in rows)
    assert {"EU27_2020", "EL"} <= {r[6] for r in rows}


def test_too_big_error_carries_the_estimate_for_splitting():
    label = (
        "EXTRACTION_TOO_BIG: The requested extraction is too big, estimated 8068608 rows, "
        "max authorised is 5000000, please change your filters to reduce the extraction size"
    )
    body = {"error": [{"status": 413, "id": 413, "label": label}]}
    with pytest.raises(jsonstat.ExtractionTooBigError) as exc:
        jsonstat.raise_for_error_body(body)
    assert (exc.value.estimated_rows, exc.value.max_rows) == (8068608, 5000000)
    # A message without figures still splits (in two).
    with pytest.raises(jsonstat.ExtractionTooBigError) as exc:
        jsonstat.raise_for_error_body({"error": [{"status": 413, "label": "EXTRACTION_TOO_BIG"}]})
    assert exc.value.estimated_rows is None


def test_value_keys_in_any_order_give_rows_in_cube_order():
    # Eurostat lists `value` in the request's order, not the flat index's.
    doc = _doc(DIMS, {"9": 20, "0": 10, "3": 5})
    _, rows = jsonstat.parse(doc, measure="m")
    assert [r[:3] for r in rows] == [
        ("AT", "FRST", "2025-01"), ("AT", "SSEQ", "2025-02"), ("XK", "FRST", "2025-02")
    ]  # fmt: skip


def test_parse_saved_reads_a_packed_payload_as_one_selection():
    from ingest.payload import Part, pack

    first = _doc({"geo": ["AT"], "time": ["2024"]}, {"0": 10})
    second = _doc({"geo": ["AT"], "time": ["2025"]}, {"0": 15}, status={"0": "p"})
    empty = _doc({"geo": ["AT"], "time": []}, {})
    content = pack([Part("u1", first), Part("u2", second), Part("u3", empty)])
    dims, rows = parse_saved(content, "m")
    assert dims == ["geo", "time"]
    assert list(rows) == [("AT", "2024", "m", "10", ""), ("AT", "2025", "m", "15", "p")]
    # Parts of one payload must share their layout.
    other = _doc({"geo": ["AT"], "sex": ["T"], "time": ["2025"]}, {"0": 1})
    with pytest.raises(jsonstat.JsonStatError, match="differ in dimensions"):
        parse_saved(pack([Part("u1", first), Part("u2", other)]), "m")
    # An error body among the parts is an error, not a skipped part.
    error = {"error": [{"status": 400, "label": "Invalid dimension filter"}]}
    with pytest.raises(jsonstat.EurostatApiError, match="Invalid dimension filter"):
        parse_saved(pack([Part("u1", first), Part("u2", error)]), "m")
