"""Municipalities and their populations as dbt seeds, from the verified reference files.

    python -m ingest.reference_populations /path/to/shared/reference

reads the statistics offices' tables in that folder (see its README.md and SOURCES*.txt)
and writes `dbt_project/seeds/ref_municipalities.csv` and
`ref_municipal_populations.csv`, sorted by LAU code, byte for byte the same on every run.
North Macedonia's 80 rows (LAU codes, names, NUTS 3) are the project's own and are read
from the current seed; only their `national_code` comes from the State Statistical
Office's table, matched by name. Every country's count and total are checked against the
official figures; any mismatch, or a name that matches no municipality or more than one,
stops the run with a non-zero exit naming what failed.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ingest.config import DBT_PROJECT_DIR

SEEDS_DIR = DBT_PROJECT_DIR / "seeds"
MUNICIPALITIES = "ref_municipalities.csv"
POPULATIONS = "ref_municipal_populations.csv"
MUNICIPALITY_COLUMNS = (
    "lau_code", "municipality_name", "municipality_name_local", "nuts3_code",
    "country_code", "national_code",
)  # fmt: skip
POPULATION_COLUMNS = (
    "lau_code", "population", "reference_date", "reference_year", "population_source",
    "source_code", "source_name",
)  # fmt: skip


@dataclass(frozen=True)
class Source:
    key: str
    reference_date: str
    count: int
    total: int


# The official count of municipalities and national total each file must add up to.
SOURCES = {
    "MK": Source("sso_census_2021", "2021-09-05", 80, 1_836_713),
    "GR": Source("elstat_census_2021", "2021-10-22", 333, 10_432_481),
    "SI": Source("surs_2021", "2021-01-01", 212, 2_108_977),
    "BA": Source("bhas_census_2013", "2013-09-30", 142, 3_531_159),
    "ME": Source("monstat_census_2023", "2023-10-31", 25, 623_633),
}

# SSO PX-Web codes that are not municipalities: the country and the City of Skopje
# (the sum of its ten municipalities, which are rows of their own).
MK_NOT_MUNICIPALITIES = {"0000", "0019"}
# Names normalisation cannot match: source name -> LAU code.
MK_ALIASES = {
    "Mavrovo and Rostusha": "MK00607",  # "and" for "и", and a final -a for -e
    "Debarca": "MK00304",  # the 2004 spelling of Debrca
}
# ELSTAT's file gives Irakleio (Attica) Heraklion's code 7101; its place in the file,
# between 4603 and 4605, and the gap at 4604 say which code it has.
GR_CODE_FIXES = {("7101", "ΗΡΑΚΛΕΙΟΥ", 50_495): "4604"}
# Greek municipality names that repeat: the Latin name gets the region.
GR_NAME_SUFFIX = {"4604": " (Attiki)"}


class ReferenceFilesError(SystemExit):
    """The reference files do not give what the seeds need: the run exits non-zero."""


def fail(message: str) -> None:
    raise ReferenceFilesError(f"reference_populations: {message}")


# ---------------------------------------------------------------- names

_MK_CYRILLIC = dict(zip(
    "абвгдѓежзѕијклљмнњопрстќуфхцчџш",
    ["a", "b", "v", "g", "d", "gj", "e", "zh", "z", "dz", "i", "j", "k", "l", "lj", "m",
     "n", "nj", "o", "p", "r", "s", "t", "kj", "u", "f", "h", "c", "ch", "dzh", "sh"],
    strict=True,
))  # fmt: skip
# Latin letters with diacritics as the SSO's English spelling writes them.
_MK_LATIN = {"č": "ch", "ć": "ch", "š": "sh", "ž": "zh", "đ": "gj", "ǵ": "gj", "ḱ": "kj"}


def name_key(name: str) -> str:
    """A name reduced so that `Čair`, `Чаир` and `Chair` give the same key."""
    text = unicodedata.normalize("NFC", name).casefold()
    text = "".join(_MK_CYRILLIC.get(c) or _MK_LATIN.get(c, c) for c in text)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]", "", text)


_GREEK = dict(zip(
    "ΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩ",
    ["A", "V", "G", "D", "E", "Z", "I", "TH", "I", "K", "L", "M", "N", "X", "O", "P", "R",
     "S", "T", "Y", "F", "CH", "PS", "O"],
    strict=True,
))  # fmt: skip
# After ΑΥ, ΕΥ, ΗΥ: vowels and voiced consonants give V, the rest (and a word's end) F.
_GREEK_VOICED = set("ΑΕΗΙΟΥΩΒΓΔΖΛΜΝΡ")


def _greek_word(word: str) -> str:
    out, i, n = [], 0, len(word)
    while i < n:
        c, nxt = word[i], word[i + 1] if i + 1 < n else ""
        pair = c + nxt
        if pair == "ΟΥ":
            out.append("OU")
        elif c in "ΑΕΗ" and nxt == "Υ":
            after = word[i + 2] if i + 2 < n else ""
            out.append(_GREEK[c] + ("V" if after in _GREEK_VOICED else "F"))
        elif pair in ("ΜΠ", "ΝΤ"):
            edge = i == 0 or i + 2 == n
            out.append(("B" if pair == "ΜΠ" else "D") if edge else ("MB" if pair == "ΜΠ" else "ND"))
        elif pair == "ΓΚ":
            out.append("G" if i == 0 else "NG")
        elif pair in ("ΓΓ", "ΓΞ", "ΓΧ"):
            out.append("N" + _GREEK[nxt])
        else:
            out.append(_GREEK.get(c, c))
            i += 1
            continue
        i += 2
    return "".join(out)


def greek_to_latin(name: str) -> str:
    """ELOT 743 transliteration of an upper-case Greek name, in title case (`ΠΑΤΡΕΩΝ`
    -> `Patreon`). A diaeresis (Ϊ, Ϋ) keeps two vowels apart: `ΑΧΑΪΑΣ` -> `Achaias`."""
    text = unicodedata.normalize("NFD", name.upper())
    # Tonos dropped; a diaeresis becomes a separator so no digraph spans it.
    text = text.replace("\u0301", "").replace("\u0308", "\x00")
    latin = re.sub(r"[^\W\d_]+", lambda m: _greek_word(m.group()), text).replace("\x00", "")
    return title_case(latin)


# Short words that stay lower case inside a name (`Krupa na Uni`, `Bistrica ob Sotli`).
_LOWER_WORDS = {"i", "na", "ob", "pri", "v", "and"}
# Words kept as printed (`Foča - FBiH`).
_KEEP_WORDS = {"FBiH", "RS"}


def title_case(name: str) -> str:
    words = re.split(r"([^\w]+)", name)
    out = []
    for i, word in enumerate(words):
        if word in _KEEP_WORDS or not word:
            out.append(word)
        elif i > 0 and word.lower() in _LOWER_WORDS:
            out.append(word.lower())
        else:
            out.append(word[:1].upper() + word[1:].lower())
    return "".join(out)


# ---------------------------------------------------------------- countries


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _row(lau, name, local, country, national_code, population, source_code, source_name):
    source = SOURCES[country]
    municipality = {
        "lau_code": lau, "municipality_name": name, "municipality_name_local": local,
        "nuts3_code": "", "country_code": country, "national_code": national_code,
    }  # fmt: skip
    pop = {
        "lau_code": lau, "population": int(population),
        "reference_date": source.reference_date, "reference_year": source.reference_date[:4],
        "population_source": source.key, "source_code": source_code, "source_name": source_name,
    }  # fmt: skip
    return municipality, pop


def match_mk(names: list[str], base: list[dict[str, str]]) -> dict[str, str]:
    """Source name -> LAU code: by `name_key` of the Latin or the Cyrillic name, or by
    `MK_ALIASES`. Fails unless every name matches one municipality and no two names the
    same one."""
    keys: dict[str, set[str]] = {}
    for m in base:
        for name in (m["municipality_name"], m["municipality_name_local"]):
            keys.setdefault(name_key(name), set()).add(m["lau_code"])
    matched, problems = {}, []
    for name in names:
        found = {MK_ALIASES[name]} if name in MK_ALIASES else keys.get(name_key(name), set())
        if len(found) != 1:
            problems.append(f"{name!r} matches {sorted(found) or 'no municipality'}")
        else:
            matched[name] = found.pop()
    twice = [lau for lau, n in Counter(matched.values()).items() if n > 1]
    if twice:
        problems.append(f"matched by more than one name: {sorted(twice)}")
    missing = sorted({m["lau_code"] for m in base} - set(matched.values()))
    if missing:
        problems.append(f"no source name for {missing}")
    if problems:
        fail("North Macedonia names do not match ref_municipalities: " + "; ".join(problems))
    return matched


def north_macedonia(ref: Path, base: list[dict[str, str]]):
    px = json.loads((ref / "north_macedonia" / "makstat-2021-ukupno.json").read_text("utf-8"))
    geo, measure = px["varijable"][0], px["varijable"][1]
    names = dict(zip(geo["values"], geo["valueTexts"], strict=True))
    population = measure["values"][measure["valueTexts"].index("Population")]
    values = {
        code: value
        for code, m, value in px["podaci"]
        if m == population and code not in MK_NOT_MUNICIPALITIES
    }
    by_name = match_mk([names[c] for c in values], base)
    # The second copy (slugs, the census book's names) must give the same 80 values.
    copy = _csv(ref / "north_macedonia" / "mk_census2021_municipality_population.csv")
    copy_lau = match_mk([r["area_name"] for r in copy], base)
    copy_values = {copy_lau[r["area_name"]]: int(r["population_total"]) for r in copy}
    differ = [
        (by_name[names[c]], int(v))
        for c, v in values.items()
        if copy_values[by_name[names[c]]] != int(v)
    ]
    if differ:
        fail(f"the two North Macedonia files differ for {differ}")
    rows = []
    by_lau = {m["lau_code"]: m for m in base}
    for code, value in values.items():
        m = by_lau[by_name[names[code]]]
        municipality, pop = _row(
            m["lau_code"], m["municipality_name"], m["municipality_name_local"], "MK",
            code, value, code, names[code],
        )  # fmt: skip
        municipality["nuts3_code"] = m["nuts3_code"]
        rows.append((municipality, pop))
    return rows


def greece(ref: Path):
    rows = []
    path = ref / "greece" / "greece_municipalities_population_census2021_provisional.csv"
    for r in _csv(path):
        code, name = r["elstat_municipality_code"], r["municipality_name"]
        value = r["pop_total_2021"]
        national = GR_CODE_FIXES.get((code, name, int(value)), code)
        latin = greek_to_latin(name) + GR_NAME_SUFFIX.get(national, "")
        rows.append(_row(f"GR{national}", latin, name, "GR", national, value, code, name))
    return rows


def slovenia(ref: Path):
    rows = []
    for r in _csv(ref / "slovenia" / "dict-municipality.csv"):
        if r["id"] == "slovenija":  # the national row
            continue
        code = r["iso_code"].removeprefix("SI-")
        rows.append(_row(f"SI{code}", r["name"], r["name"], "SI", code, r["population"],
                         r["iso_code"], r["name"]))  # fmt: skip
    return rows


def bosnia_herzegovina(ref: Path):
    path = ref / "bosnia_herzegovina" / "ba_census2013_municipality_population.csv"
    rows = []
    for i, r in enumerate(_csv(path), start=1):
        name = r["area_name"]
        rows.append(_row(f"BA{i:03d}", title_case(name), name, "BA", "",
                         r["population_total"], r["area_code"], name))  # fmt: skip
    return rows


_ME_LINE = re.compile(r"^(\D+?) (\d{1,3}(?: \d{3})*) \d{1,3},\d{2}$")
# The 21-unit frame of 2003/2011: the 2023 municipalities each old unit holds.
ME_OLD_FRAME = {"Berane": ("Berane", "Petnjica"), "Plav": ("Plav", "Gusinje"),
                "Podgorica": ("Podgorica", "Tuzi", "Zeta")}  # fmt: skip


def montenegro(ref: Path):
    text = (ref / "montenegro" / "monstat-2023-I.EXCERPT_chars0-tabela2.txt").read_text("utf-8")
    _, found, table = text.partition("Tabela 1. Stanovništvo Crne Gore, po opštinama")
    if not found:
        fail("Montenegro: no 'Tabela 1' in the MONSTAT release text")
    values = {}
    for line in table.splitlines():
        if m := _ME_LINE.match(line.strip()):
            values[m.group(1)] = int(m.group(2).replace(" ", ""))
    national = values.pop("Crna Gora", None)
    if national != sum(values.values()):
        fail(f"Montenegro: national row {national} != sum {sum(values.values())}")
    # Cross-check: the same figures in the old 21-unit frame.
    old_path = ref / "montenegro" / "me_census2023_population_21unit_2011frame.csv"
    old = {r["area_name"]: int(r["population_total"]) for r in _csv(old_path)}
    regrouped = {unit: sum(values[m] for m in ME_OLD_FRAME.get(unit, (unit,))) for unit in old}
    if regrouped != old:
        fail(f"Montenegro: Tabela 1 and the 21-unit file differ: {regrouped} != {old}")
    return [
        _row(f"ME{i:03d}", name, name, "ME", "", value, "", name)
        for i, (name, value) in enumerate(values.items(), start=1)
    ]


# ---------------------------------------------------------------- seeds


def _check(rows) -> None:
    problems = []
    for country, source in SOURCES.items():
        pops = [p["population"] for m, p in rows if m["country_code"] == country]
        if (len(pops), sum(pops)) != (source.count, source.total):
            problems.append(
                f"{country}: {len(pops)} municipalities, {sum(pops)} persons;"
                f" expected {source.count}, {source.total}"
            )
    for what in ("lau_code", "municipality_name"):
        seen = Counter((m["country_code"], m[what]) for m, _ in rows)
        problems += [f"{what} repeats: {k}" for k, n in seen.items() if n > 1]
    if problems:
        fail("; ".join(problems))


def build(ref: Path, base: list[dict[str, str]]) -> dict[str, str]:
    """The seeds' file name -> CSV text."""
    rows = (
        north_macedonia(ref, base) + greece(ref) + slovenia(ref)
        + bosnia_herzegovina(ref) + montenegro(ref)
    )  # fmt: skip
    _check(rows)
    rows.sort(key=lambda r: r[0]["lau_code"])
    out = {}
    for name, columns, index in ((MUNICIPALITIES, MUNICIPALITY_COLUMNS, 0),
                                 (POPULATIONS, POPULATION_COLUMNS, 1)):  # fmt: skip
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(r[index] for r in rows)
        out[name] = buf.getvalue()
    return out


def mk_base(seeds_dir: Path = SEEDS_DIR) -> list[dict[str, str]]:
    """North Macedonia's rows of the committed seed, the project's own LAU list."""
    return [r for r in _csv(seeds_dir / MUNICIPALITIES) if r["country_code"] == "MK"]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    ref = Path(args[0])
    for name, text in build(ref, mk_base()).items():
        (SEEDS_DIR / name).write_text(text, encoding="utf-8", newline="")
        print(f"wrote {SEEDS_DIR / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
