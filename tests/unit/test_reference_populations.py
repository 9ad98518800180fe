"""The municipality seeds are what `python -m ingest.reference_populations` writes from
the verified reference tables beside the repository (../shared/reference), and the
generator's name matching and transliteration."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest import reference_populations as gen

REFERENCE = Path(__file__).parents[2].parent / "shared" / "reference"


@pytest.mark.skipif(not REFERENCE.is_dir(), reason=f"no reference tables at {REFERENCE}")
def test_committed_seeds_are_the_generators_output():
    for name, text in gen.build(REFERENCE, gen.mk_base()).items():
        assert (gen.SEEDS_DIR / name).read_text(encoding="utf-8") == text, name


@pytest.mark.skipif(not REFERENCE.is_dir(), reason=f"no reference tables at {REFERENCE}")
def test_an_unmatched_name_stops_the_run(monkeypatch):
    base = gen.mk_base()
    monkeypatch.setattr(gen, "MK_ALIASES", {})
    with pytest.raises(SystemExit) as exc:
        gen.build(REFERENCE, base)
    assert exc.value.code != 0
    assert "'Debarca' matches no municipality" in str(exc.value)


def test_names_match_across_scripts_and_spellings():
    base = [
        {"lau_code": "MK00815", "municipality_name": "Čair", "municipality_name_local": "Чаир"},
        {"lau_code": "MK00805", "municipality_name": "Đorče Petrov",
         "municipality_name_local": "Ѓорче Петров"},
        {"lau_code": "MK00210", "municipality_name": "Češinovo - Obleševo",
         "municipality_name_local": "Чешиново-Облешево"},
    ]  # fmt: skip
    names = ["Chair", "Gjorche Petrov", "Cheshinovo - Obleshevo"]
    codes = ["MK00815", "MK00805", "MK00210"]
    assert gen.match_mk(names, base) == dict(zip(names, codes, strict=True))
    with pytest.raises(SystemExit, match="'Saraj' matches no municipality"):
        gen.match_mk([*names, "Saraj"], base)


@pytest.mark.parametrize(
    ("greek", "latin"),
    [
        ("ΠΑΤΡΕΩΝ", "Patreon"),
        ("ΔΥΤΙΚΗΣ ΑΧΑΪΑΣ", "Dytikis Achaias"),
        ("ΝΑΥΠΑΚΤΙΑΣ", "Nafpaktias"),
        ("ΕΥΡΩΤΑ", "Evrota"),
        ("ΜΑΝΤΟΥΔΙΟΥ - ΛΙΜΝΗΣ - ΑΓΙΑΣ ΑΝΝΑΣ", "Mandoudiou - Limnis - Agias Annas"),
        ("ΑΓΙΟ ΟΡΟΣ (ΑΥΤΟΔΙΟΙΚΗΤΟ)", "Agio Oros (Aftodioikito)"),
        ("ΜΠΑΛΟΥ", "Balou"),
        ("ΓΚΡΑΝΑ", "Grana"),
    ],
)
def test_greek_names_are_transliterated(greek, latin):
    assert gen.greek_to_latin(greek) == latin


def test_bosnian_capitals_become_title_case():
    assert gen.title_case("KRUPA NA UNI") == "Krupa na Uni"
    assert gen.title_case("FOČA - FBiH") == "Foča - FBiH"
    assert gen.title_case("LjUBUŠKI") == "Ljubuški"
