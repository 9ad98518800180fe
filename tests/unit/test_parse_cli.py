"""`mwh parse SOURCE FILE --out rows.csv`: the long-format contract."""

from __future__ import annotations

import csv
import json

from ingest.cli import main
from ingest.sources.eurostat.client import SAMPLES_DIR


def test_parse_writes_long_csv(tmp_path, capsys):
    out = tmp_path / "rows.csv"
    sample = SAMPLES_DIR / "migr_asyappctzm.json"
    assert main(["parse", "eurostat", str(sample), "--out", str(out)]) == 0
    with out.open() as fh:
        rows = list(csv.DictReader(fh))
    doc = json.loads(sample.read_text())
    assert list(rows[0]) == [*doc["id"], "measure", "value", "flag"]
    assert len(rows) == len(doc["value"].keys() | doc["status"].keys())
    assert {r["measure"] for r in rows} == {"migr_asyappctzm"}
    assert sum(int(r["value"]) for r in rows if r["value"]) == sum(doc["value"].values())
    assert f"{len(rows)} observations" in capsys.readouterr().out


def test_parse_reports_an_empty_selection_and_writes_nothing(tmp_path, capsys):
    bad = tmp_path / "empty.json"
    bad.write_text(
        json.dumps(
            {"class": "dataset", "id": ["geo", "time"], "size": [0, 1], "value": {},
             "dimension": {"geo": {"category": {"index": {}}},
                           "time": {"category": {"index": {"2025": 0}}}}}
        )
    )  # fmt: skip
    out = tmp_path / "rows.csv"
    assert main(["parse", "eurostat", str(bad), "--out", str(out)]) == 1
    assert "selection is empty" in capsys.readouterr().err
    assert not out.exists()


def test_parse_unknown_source(tmp_path, capsys):
    assert main(["parse", "nosuch", str(tmp_path / "x"), "--out", str(tmp_path / "o")]) == 2
    assert "unknown source" in capsys.readouterr().err
