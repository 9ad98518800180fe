"""The bad-input corpus: files stewards really send, and what the pipeline must make of each.

Every file is built from code, deterministically (the same bytes on every run): the large
and binary ones (a 200 MB CSV, a zip bomb, an OLE2 container) never sit in git, and the
small ones read best right here next to their expected outcome. The outcomes are the decided
ones of issue 5: a file-level problem rejects the whole file with a `FileRejected` code and
loads nothing; a row-level problem quarantines exactly the rows named in `file_rows`
(status 'partial', or 'failed' when no row is left); everything else is accepted as is.

    .venv/bin/python -m tests.submissions.corpus OUT_DIR   # write every case to look at it
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
import random
import re
import struct
import sys
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ingest.submissions.datasets import DATASETS

MiB = 1024 * 1024
GiB = 1024 * MiB
# Zip members get a fixed timestamp so an XLSX is byte-identical on every run.
ZIP_TIME = (2025, 4, 1, 8, 0, 0)


@dataclass(frozen=True)
class Case:
    name: str
    dataset: str
    file_name: str
    write: Callable[[Path], None]  # writes the file at the path given
    status: str  # 'rejected', 'passed', 'partial' or 'failed'
    code: str | None = None  # the FileRejected code of a rejected file
    rows: int = 0  # data rows the pipeline must count (accepted files)
    file_rows: tuple[int, ...] = ()  # file_row of every row that must be quarantined
    # Expected (case-insensitively) in the message or the quarantined rows' reasons.
    reason: str = ""
    municipality: str | None = None  # the LAU code the file is submitted for
    # Values the parser must have stored in raw: (data row number, column, value).
    stored: tuple[tuple[int, str, str | None], ...] = ()
    env: tuple[tuple[str, str], ...] = ()  # limits lowered for this case (MWH_SUBMISSION_*)
    large: bool = False  # built in seconds, not milliseconds: share one build per session

    @property
    def quarantined(self) -> int:
        return len(self.file_rows)

    def build(self, directory: Path) -> Path:
        """Write the case's file into `directory` (once) and return its path."""
        path = directory / self.file_name
        if not path.exists():
            part = path.with_name(path.name + ".part")
            self.write(part)
            part.rename(path)
        return path


# --- rows made of the reference codes every helper uses ------------------------------------

FACILITIES = {
    "MK-TC-VINOJUG": ("Transit Centre Vinojug", "MK00405", "transit_centre"),
    "MK-TC-TABANOVCE": ("Transit Centre Tabanovce", "MK00706", "transit_centre"),
    "MK-RC-VIZBEGOVO": ("Reception Centre for Asylum Seekers Vizbegovo", "MK00803",
                        "reception_centre"),
    "MK-DC-GAZIBABA": ("Reception Centre for Foreigners Gazi Baba", "MK00804",
                       "detention_centre"),
}  # fmt: skip


def header(dataset: str) -> list[str]:
    return [c.name for c in DATASETS[dataset].columns]


def capacity_row(
    date: str,
    facility: str = "MK-TC-VINOJUG",
    capacity: object = 250,
    occupied: int = 87,
    persons: Sequence[object] | None = None,
) -> list[str]:
    unknown = ("Transit Centre Nowhere", "MK00405", "transit_centre")
    name, lau, kind = FACILITIES.get(facility.strip().upper(), unknown)
    if persons is None:
        # Split the occupants over the six groups so they add up to occupied_beds.
        parts = [occupied * share // 100 for share in (23, 29, 2, 21, 23)]
        persons = [*parts, occupied - sum(parts)]
    return [date, facility, name, lau, kind, str(capacity), str(occupied), *map(str, persons)]


def arrival_row(
    date="2025-03-31",
    location="MK-BCP-BOGORODICA",
    nationality="SYR",
    sex="F",
    age="18-59",
    persons="14",
    authority="Border Police Gevgelija",
) -> list[str]:
    return [date, location, nationality, sex, age, persons, authority]


def needs_row(
    municipality="MK00405",
    start="2025-03-01",
    end="2025-03-31",
    sector="shelter",
    in_need="420",
    reached="310",
    gap="110",
    remarks="Winter shelter needed in the transit centre.",
) -> list[str]:
    return [municipality, start, end, sector, in_need, reached, gap, remarks]


def funding_row(
    programme="Reception of asylum seekers",
    planned="250000.00",
    disbursed="180000.00",
    municipality="MK00405",
    source="eu",
    body="",
    start="2025-01-01",
    end="2025-12-31",
    currency="EUR",
) -> list[str]:
    return [municipality, body, start, end, source, programme, planned, disbursed, currency]


def csv_bytes(
    rows: Sequence[Sequence[str]],
    *,
    delimiter: str = ",",
    eol: str = "\r\n",
    encoding: str = "utf-8",
) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator=eol).writerows(rows)
    return buf.getvalue().encode(encoding)


def _data(content: bytes | Callable[[], bytes]) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        path.write_bytes(content() if callable(content) else content)

    return write


# --- XLSX -----------------------------------------------------------------------------------


def _repack(data: bytes, replace: dict[str, bytes] | None = None) -> bytes:
    """Rewrite an XLSX zip with fixed timestamps (openpyxl stamps "now"), swapping parts."""
    replace = replace or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        names = src.namelist()
        for name in names + [n for n in replace if n not in names]:
            part = replace[name] if name in replace else src.read(name)
            if name == "docProps/core.xml":
                part = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2025-04-01T08:00:00Z", part)
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, part)
    return out.getvalue()


def xlsx_bytes(rows: Sequence[Sequence[object]], title: str = "Data") -> bytes:
    """A real workbook from openpyxl: dates become Excel dates, '=...' becomes a formula."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(list(row))
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, dt.date):
                cell.number_format = "DD.MM.YYYY"  # as a local Excel shows it
    wb.properties.creator = "Municipality of Gevgelija"
    buf = io.BytesIO()
    wb.save(buf)
    return _repack(buf.getvalue())


def _shared_strings(data: bytes) -> bytes:
    """Excel keeps a workbook's text in xl/sharedStrings.xml, openpyxl writes it inline:
    move it, so the reader meets the layout most submitted files have."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
        types = z.read("[Content_Types].xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
    strings: list[str] = []

    def to_index(m: re.Match[str]) -> str:
        if m["text"] not in strings:
            strings.append(m["text"])
        return f'<c r="{m["ref"]}" t="s"><v>{strings.index(m["text"])}</v></c>'

    sheet = re.sub(
        r'<c r="(?P<ref>[A-Z]+\d+)" t="inlineStr"><is><t[^>]*>(?P<text>.*?)</t>'
        r"</is></c>",
        to_index,
        sheet,
    )
    sst = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'count="{len(strings)}" uniqueCount="{len(strings)}">'
        + "".join(f"<si><t>{text}</t></si>" for text in strings)
        + "</sst>"
    )
    types = types.replace(
        "</Types>",
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml" /></Types>',
    )
    rels = rels.replace(
        "</Relationships>",
        '<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/sharedStrings" Target="sharedStrings.xml" Id="rId4" /></Relationships>',
    )
    return _repack(
        data,
        {
            "xl/worksheets/sheet1.xml": sheet.encode(),
            "[Content_Types].xml": types.encode(),
            "xl/_rels/workbook.xml.rels": rels.encode(),
            "xl/sharedStrings.xml": sst.encode(),
        },
    )


def _typed_capacity_rows() -> list[list[object]]:
    rows: list[list[object]] = [header("reception_capacity")]
    for day, occupied in ((29, 84), (30, 86), (31, 87)):
        cells: list[object] = capacity_row(f"2025-03-{day}", occupied=occupied)
        cells[0] = dt.date(2025, 3, day)  # a real Excel date
        cells[6:] = [int(v) for v in cells[6:]]  # real numbers...
        rows.append(cells)  # ...but capacity_beds stays '250': a number stored as text
    return rows


def _typed_xlsx() -> bytes:
    return _shared_strings(xlsx_bytes(_typed_capacity_rows()))


def _formula_rows() -> list[list[object]]:
    rows = _typed_capacity_rows()
    rows[3][5] = "=SUM(F2:F3)"  # sheet row 4: a formula, never evaluated
    return rows


def _corrupt_xlsx() -> bytes:
    good = xlsx_bytes(_typed_capacity_rows())
    return good[: len(good) * 3 // 5]  # a download cut short: no central directory


LAUGHS = (
    b'<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%s;" % (b"" if i == 1 else b"%d" % (i - 1))) * 10)
        for i in range(1, 10)
    )
    + b"]>"
)


def _with_dtd(xml: bytes) -> bytes:
    declaration, rest = xml.split(b"?>", 1)
    return declaration + b"?>" + LAUGHS.replace(b"lolz", rest.lstrip()[1:].split()[0]) + rest


def _entities_in_sheet() -> bytes:
    rows = [header("reception_capacity"), capacity_row("2025-03-31")]
    xml_rows = "".join(
        f'<row r="{r}">'
        + "".join(
            f'<c r="{chr(65 + i)}{r}" t="inlineStr"><is><t>'
            f"{'&lol9;' if (r, i) == (2, 2) else v}</t></is></c>"
            for i, v in enumerate(row)
        )
        + "</row>"
        for r, row in enumerate(rows, 1)
    )
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{xml_rows}</sheetData></worksheet>"
    ).encode()
    good = xlsx_bytes(rows)
    return _repack(good, {"xl/worksheets/sheet1.xml": _with_dtd(sheet)})


def _entities_after_comment() -> bytes:
    """The DTD after a 4 KB comment: legal XML, and past any check of a part's first bytes."""
    good = xlsx_bytes([header("reception_capacity"), capacity_row("2025-03-29")])
    with zipfile.ZipFile(io.BytesIO(good)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml")
    declaration = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    comment = b"<!-- " + b"exported by the municipal registry " * 120 + b"-->\n"
    dtd = LAUGHS.replace(b"lolz", b"worksheet")
    sheet = sheet.replace(b"Transit Centre Vinojug", b"&lol9;")
    return _repack(good, {"xl/worksheets/sheet1.xml": declaration + comment + dtd + sheet})


def _entities_in_shared_strings() -> bytes:
    good = _shared_strings(xlsx_bytes([header("reception_capacity"), capacity_row("2025-03-30")]))
    with zipfile.ZipFile(io.BytesIO(good)) as z:
        strings = z.read("xl/sharedStrings.xml")
    strings = _with_dtd(strings.replace(b"Transit Centre Vinojug", b"&lol9;"))
    return _repack(good, {"xl/sharedStrings.xml": strings})


def _write_zip_bomb(path: Path) -> None:
    """A valid workbook whose sheet1.xml inflates to over 1 GiB from ~3 MB: streamed, so
    building it never holds more than one 1 MiB chunk."""
    good = xlsx_bytes([header("reception_capacity"), capacity_row("2025-03-31")])
    row = b'<row><c t="inlineStr"><is><t>0</t></is></c></row>'
    chunk = row * (MiB // len(row))
    with (
        zipfile.ZipFile(io.BytesIO(good)) as src,
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as dst,
    ):
        for name in src.namelist():
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            if name != "xl/worksheets/sheet1.xml":
                dst.writestr(info, src.read(name))
                continue
            with dst.open(info, "w", force_zip64=True) as member:
                member.write(
                    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet '
                    b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                    b"<sheetData>"
                )
                written = 0
                while written < GiB:
                    member.write(chunk)
                    written += len(chunk)
                member.write(b"</sheetData></worksheet>")


# --- an OLE2 compound file: what Excel writes when a workbook has a password ----------------

FREESECT, ENDOFCHAIN, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def _dir_entry(
    name: str, kind: int, color: int, start: int, size: int, *, right=NOSTREAM, child=NOSTREAM
) -> bytes:
    encoded = (name + "\0").encode("utf-16-le") if name else b""
    return struct.pack(
        "<64sHBBIII16sIQQIQ",
        encoded, len(encoded), kind, color, NOSTREAM, right, child,
        b"\0" * 16, 0, 0, 0, start, size,
    )  # fmt: skip


def encrypted_xlsx_bytes() -> bytes:
    """A minimal, structurally valid compound file (MS-CFB v3) holding the two streams of an
    agile-encrypted OOXML package (MS-OFFCRYPTO): EncryptionInfo in the mini stream,
    EncryptedPackage in regular sectors. The 'ciphertext' is seeded noise."""
    rnd = random.Random(20250401)

    def b64(n: int) -> str:
        return base64.b64encode(rnd.randbytes(n)).decode()

    algo = (
        'saltSize="16" blockSize="16" keyBits="256" hashSize="64" cipherAlgorithm="AES" '
        'cipherChaining="ChainingModeCBC" hashAlgorithm="SHA512"'
    )
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
        '<encryption xmlns="http://schemas.microsoft.com/office/2006/encryption" '
        'xmlns:p="http://schemas.microsoft.com/office/2006/keyEncryptor/password">'
        f'<keyData {algo} saltValue="{b64(16)}"/>'
        f'<dataIntegrity encryptedHmacKey="{b64(64)}" encryptedHmacValue="{b64(64)}"/>'
        "<keyEncryptors><keyEncryptor "
        'uri="http://schemas.microsoft.com/office/2006/keyEncryptor/password">'
        f'<p:encryptedKey spinCount="100000" {algo} saltValue="{b64(16)}" '
        f'encryptedVerifierHashInput="{b64(16)}" encryptedVerifierHashValue="{b64(64)}" '
        f'encryptedKeyValue="{b64(32)}"/></keyEncryptor></keyEncryptors></encryption>'
    )
    info = struct.pack("<HHI", 4, 4, 0x40) + xml.encode()  # agile: version 4.4
    package = struct.pack("<Q", 6000) + rnd.randbytes(6016)  # size + AES blocks

    sector = 512
    mini_sectors = -(-len(info) // 64)
    mini_stream = info.ljust(mini_sectors * 64, b"\0")
    mini_stream_sectors = -(-len(mini_stream) // sector)
    package_sectors = -(-len(package) // sector)
    # Sector 0: FAT, 1: directory, 2: mini FAT, then the mini stream, then the package.
    first_mini_stream = 3
    first_package = first_mini_stream + mini_stream_sectors
    fat = [FATSECT, ENDOFCHAIN, ENDOFCHAIN]
    for start, count in (
        (first_mini_stream, mini_stream_sectors),
        (first_package, package_sectors),
    ):
        fat += [*range(start + 1, start + count), ENDOFCHAIN]
    assert len(fat) <= sector // 4
    fat += [FREESECT] * (sector // 4 - len(fat))
    mini_fat = [*range(1, mini_sectors), ENDOFCHAIN]
    mini_fat += [FREESECT] * (sector // 4 - len(mini_fat))

    # Siblings sort by name length first: EncryptionInfo (14) < EncryptedPackage (16).
    directory = b"".join(
        (
            _dir_entry("Root Entry", 5, 1, first_mini_stream, len(mini_stream), child=1),
            _dir_entry("EncryptionInfo", 2, 1, 0, len(info), right=2),
            _dir_entry("EncryptedPackage", 2, 0, first_package, len(package)),
            _dir_entry("", 0, 0, 0, 0),
        )
    )
    head = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        bytes.fromhex("D0CF11E0A1B11AE1"), b"\0" * 16, 0x3E, 3, 0xFFFE, 9, 6, b"\0" * 6,
        0, 1, 1, 0, 0x1000, 2, 1, ENDOFCHAIN, 0,
    ) + struct.pack("<109I", 0, *[FREESECT] * 108)  # fmt: skip
    assert len(head) == sector and len(directory) == sector
    body = (
        struct.pack(f"<{len(fat)}I", *fat)
        + directory
        + struct.pack(f"<{len(mini_fat)}I", *mini_fat)
        + mini_stream.ljust(mini_stream_sectors * sector, b"\0")
        + package.ljust(package_sectors * sector, b"\0")
    )
    return head + body


# --- the large CSV --------------------------------------------------------------------------


def _write_too_large(path: Path) -> None:
    """200 MB of valid rows: refused from its size alone, before a byte is parsed."""
    block = csv_bytes([arrival_row(f"2025-03-{d:02}") for d in range(1, 29)] * 400)
    with path.open("wb") as f:
        f.write(csv_bytes([header("registered_arrivals")]))
        written = 0
        while written < 200 * MiB:
            f.write(block)
            written += len(block)


# --- the cases ------------------------------------------------------------------------------

RC, RA, NA, FU = "reception_capacity", "registered_arrivals", "needs_assessment", "funding"
RC_HEAD, RA_HEAD, NA_HEAD, FU_HEAD = map(header, (RC, RA, NA, FU))

UTF8_REMARKS = "Потребно е зимско сместување — Šuto Orizari, Čair и Ѓорче Петров."
CP1250_REMARKS = "Nedostaju šatori i grijanje u Čaški i Želinu; pomoć za žene i djecu."
CP1251_REMARKS = "Недостасуваат ќебиња, џемпери и чевли; потребна е поддршка за жените и децата."
ISO_REMARKS = "Šuto Orizari i Želino: Štip šalje pomoć, Čučer-Sandevo čeka odgovor."

_ALIAS_HEAD = ["Report Date", " FACILITY_CODE ", "Facility Name", "LAU", "Facility Type",
               "Capacity (beds)", "Occupied", "female_0_17", "Women and girls 18-59",
               "Female_60_Plus", "MALE_0_17", "Men and boys 18-59", "male 60 plus"]  # fmt: skip

_MIXED_ENCODING = (
    csv_bytes([NA_HEAD, needs_row("MK00211", remarks="Štip: prihvatni kapaciteti su puni.")])
    + csv_bytes([needs_row("MK00109", remarks="Čaška: nedostaju šatori.")], encoding="cp1250")
    + csv_bytes([needs_row("MK00605", sector="food", remarks="Želino: hrana za 40 osoba.")])
)


def _line_endings() -> bytes:
    rows = [NA_HEAD, *(needs_row(sector=s) for s in ("shelter", "food", "health", "wash"))]
    lines = [",".join(r) for r in rows]
    # Excel on Windows, a Unix tool and classic Mac OS all touched this file.
    return (
        lines[0] + "\r\n" + lines[1] + "\n" + lines[2] + "\r" + lines[3] + "\r\n" + lines[4] + "\n"
    ).encode()


def _noise() -> bytes:
    return random.Random(7).randbytes(4096)


CASES: tuple[Case, ...] = (
    # File level: refused whole, nothing loaded.
    Case("empty_file", RC, "empty.csv", _data(b""), "rejected", "empty_file", reason="empty"),
    Case("whitespace_only", NA, "whitespace.csv", _data(b"  \r\n\t\r\n   \n\n"), "rejected",
         "empty_file", reason="empty"),
    Case("header_only", RC, "header_only.csv", _data(csv_bytes([RC_HEAD])), "rejected",
         "header_only", reason="no rows"),
    Case("wrong_delimiter", RC, "colon.csv",
         _data(csv_bytes([RC_HEAD, capacity_row("2025-03-31")], delimiter=":")), "rejected",
         "delimiter", reason="separate the columns"),
    Case("utf16", NA, "utf16.csv", _data(csv_bytes([NA_HEAD, needs_row()], encoding="utf-16")),
         "rejected", "encoding", reason="UTF-16"),
    Case("binary_noise", RA, "noise.csv", _data(_noise), "rejected", "encoding",
         reason="binary"),
    Case("mixed_encoding", NA, "mixed_encoding.csv", _data(_MIXED_ENCODING), "rejected",
         "mixed_encoding", reason="line 3"),
    Case("duplicate_headers", RC, "duplicate_headers.csv",
         _data(csv_bytes([[*RC_HEAD, "capacity_beds"], [*capacity_row("2025-03-31"), "250"]])),
         "rejected", "duplicate_columns", reason="capacity_beds"),
    Case("duplicate_header_alias", RC, "duplicate_alias.csv",
         _data(csv_bytes([[*RC_HEAD, "Date"], [*capacity_row("2025-03-31"), "2025-03-31"]])),
         "rejected", "duplicate_columns", reason="'Date'"),
    Case("unknown_column", RC, "unknown_column.csv",
         _data(csv_bytes([[*RC_HEAD, "colour"], [*capacity_row("2025-03-31"), "blue"]])),
         "rejected", "unknown_columns", reason="colour"),
    Case("missing_column", RC, "missing_column.csv",
         _data(csv_bytes([[c for c in RC_HEAD if c != "occupied_beds"],
                          [v for i, v in enumerate(capacity_row("2025-03-31")) if i != 6]])),
         "rejected", "missing_columns", reason="occupied_beds"),
    Case("too_many_columns", RC, "too_many_columns.csv",
         _data(csv_bytes([[*RC_HEAD, *(f"extra_{i}" for i in range(1, 61))],
                          capacity_row("2025-03-31") + ["1"] * 60])),
         "rejected", "too_many_columns", reason="the limit is 64"),
    Case("too_many_rows", RA, "too_many_rows.csv",
         _data(csv_bytes([RA_HEAD, *(arrival_row(f"2025-03-{d:02}") for d in range(1, 13))])),
         "rejected", "too_many_rows", reason="more than 10 rows",
         env=(("MWH_SUBMISSION_MAX_ROWS", "10"),)),
    Case("unsupported_format", RC, "capacity.pdf",
         _data(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n"
               b"%%EOF\n"), "rejected", "unsupported_format", reason="CSV"),
    Case("corrupt_xlsx", RC, "corrupt.xlsx", _data(_corrupt_xlsx), "rejected", "corrupt_xlsx",
         reason="damaged"),
    Case("encrypted_xlsx", RC, "encrypted.xlsx", _data(encrypted_xlsx_bytes), "rejected",
         "encrypted_xlsx", reason="password"),
    Case("zip_bomb_xlsx", RC, "zip_bomb.xlsx", _write_zip_bomb, "rejected", "zip_bomb",
         reason="inflate", large=True),
    Case("xml_entities_sheet", RC, "entities_sheet.xlsx", _data(_entities_in_sheet),
         "rejected", "xml_entities", reason="entities"),
    Case("xml_entities_shared_strings", RC, "entities_strings.xlsx",
         _data(_entities_in_shared_strings), "rejected", "xml_entities", reason="entities"),
    Case("xml_entities_after_comment", RC, "entities_late.xlsx", _data(_entities_after_comment),
         "rejected", "xml_entities", reason="entities"),
    Case("too_large_csv", RA, "too_large.csv", _write_too_large, "rejected", "too_large",
         reason="the limit is 128 MiB", large=True),
    # Row level: the file loads, the named rows are quarantined with a reason.
    Case("negative_count", RC, "negative.csv",
         _data(csv_bytes([RC_HEAD, capacity_row("2025-03-29"),
                          capacity_row("2025-03-30", persons=[-3, 25, 2, 18, 20, 25]),
                          capacity_row("2025-03-31")])),
         "partial", rows=3, file_rows=(3,), reason="0 or more",
         municipality="MK00405"),
    Case("occupied_above_capacity", RC, "over_capacity.csv",
         _data(csv_bytes([RC_HEAD, capacity_row("2025-03-30"),
                          capacity_row("2025-03-31", capacity=100, occupied=120)])),
         "partial", rows=2, file_rows=(3,), reason="exceed capacity_beds",
         municipality="MK00405"),
    Case("future_date", RA, "future.csv",
         _data(csv_bytes([RA_HEAD, arrival_row("2025-03-30"), arrival_row("2099-06-30"),
                          arrival_row("2025-03-31")])),
         "partial", rows=3, file_rows=(3,), reason="in the future"),
    Case("period_end_before_start", NA, "period_reversed.csv",
         _data(csv_bytes([NA_HEAD, needs_row(), needs_row("MK00405", "2025-04-30",
                                                          "2025-04-01")])),
         "partial", rows=2, file_rows=(3,), reason="before period_start",
         municipality="MK00405"),
    Case("unknown_municipality", NA, "unknown_municipality.csv",
         _data(csv_bytes([NA_HEAD, needs_row(), needs_row("MK09999")])),
         "partial", rows=2, file_rows=(3,), reason="MK09999"),
    Case("unknown_facility", RC, "unknown_facility.csv",
         _data(csv_bytes([RC_HEAD, capacity_row("2025-03-31"),
                          capacity_row("2025-03-31", "MK-TC-NOWHERE")])),
         "partial", rows=2, file_rows=(3,), reason="MK-TC-NOWHERE", municipality="MK00405"),
    Case("unknown_location", RA, "unknown_location.csv",
         _data(csv_bytes([RA_HEAD, arrival_row(), arrival_row(location="MK-BCP-NOWHERE"),
                          arrival_row(location="MK-BCP-GEVGELIJA-RAIL")])),
         "partial", rows=3, file_rows=(3,), reason="MK-BCP-NOWHERE"),
    Case("bad_choice", RA, "bad_choice.csv",
         _data(csv_bytes([RA_HEAD, arrival_row(), arrival_row(sex="M"),
                          arrival_row(sex="Q")])),
         "partial", rows=3, file_rows=(4,), reason="sex 'Q'"),
    Case("duplicate_natural_key", RC, "duplicate_key.csv",
         _data(csv_bytes([RC_HEAD, capacity_row("2025-03-31"),
                          capacity_row("2025-04-01", occupied=90),
                          # the same facility and day once codes and dates are normalised
                          capacity_row("31.03.2025", " mk-tc-vinojug ", occupied=88)])),
         "partial", rows=3, file_rows=(2, 4), reason="occurs 2 times", municipality="MK00405"),
    Case("unparseable_date", NA, "bad_date.csv",
         _data(csv_bytes([NA_HEAD, needs_row(), needs_row(start="2025-02-30",
                                                          sector="food")])),
         "partial", rows=2, file_rows=(3,), reason="'2025-02-30' is not a calendar date",
         municipality="MK00405"),
    Case("too_many_cells", RA, "too_many_cells.csv",
         _data(csv_bytes([RA_HEAD, arrival_row(), [*arrival_row(sex="M"), "extra"],
                          arrival_row(sex="U")])),
         "partial", rows=3, file_rows=(3,), reason="a value without a column"),
    Case("other_municipality", NA, "other_municipality.csv",
         _data(csv_bytes([NA_HEAD, needs_row(), needs_row("MK00703")])),
         "partial", rows=2, file_rows=(3,), reason="submitted for MK00405",
         municipality="MK00405"),
    Case("location_outside_municipality", RA, "outside.csv",
         _data(csv_bytes([RA_HEAD, arrival_row(), arrival_row(location="MK00405", sex="M"),
                          arrival_row(location="MK-BCP-TABANOVCE")])),
         "partial", rows=3, file_rows=(4,), reason="outside municipality MK00405",
         municipality="MK00405"),
    Case("formula_injection", FU, "injection.csv",
         _data(csv_bytes([FU_HEAD, funding_row(),
                          funding_row('=HYPERLINK("http://example.invalid","Details")'),
                          funding_row("+381 2 3110 000", source="donor"),
                          funding_row("@SUM(1+1)*cmd|' /C calc'!A0", source="un")])),
         "partial", rows=4, file_rows=(3, 4, 5), reason="as a formula",
         municipality="MK00405"),
    Case("every_row_bad", RA, "all_negative.csv",
         _data(csv_bytes([RA_HEAD, arrival_row(persons="-1"),
                          arrival_row(sex="M", persons="-2")])),
         "failed", rows=2, file_rows=(2, 3), reason="0 or more"),
    Case("xlsx_formula", RC, "formula.xlsx", _data(lambda: xlsx_bytes(_formula_rows())),
         "partial", rows=3, file_rows=(4,), reason="formula", municipality="MK00405"),
    # Accepted as is.
    Case("utf8_bom", NA, "utf8_bom.csv",
         _data(csv_bytes([NA_HEAD, needs_row("MK00817", remarks=UTF8_REMARKS)],
                         encoding="utf-8-sig")),
         "passed", rows=1, municipality="MK00817", stored=((1, "remarks", UTF8_REMARKS),)),
    Case("cp1250", NA, "cp1250.csv",
         _data(csv_bytes([NA_HEAD, needs_row("MK00109", remarks=CP1250_REMARKS),
                          needs_row("MK00605", sector="food", remarks="Želino: hrana.")],
                         delimiter=";", encoding="cp1250")),
         "passed", rows=2,
         stored=((1, "remarks", CP1250_REMARKS), (2, "remarks", "Želino: hrana."))),
    Case("cp1251", NA, "cp1251.csv",
         _data(csv_bytes([["општина", *NA_HEAD[1:-1], "напомена"],
                          needs_row("MK00706", remarks=CP1251_REMARKS)],
                         delimiter=";", encoding="cp1251")),
         "passed", rows=1, municipality="MK00706", stored=((1, "remarks", CP1251_REMARKS),)),
    Case("iso_8859_2", NA, "iso_8859_2.csv",
         _data(csv_bytes([NA_HEAD, needs_row("MK00817", remarks=ISO_REMARKS)],
                         encoding="iso-8859-2")),
         "passed", rows=1, municipality="MK00817", stored=((1, "remarks", ISO_REMARKS),)),
    Case("header_variants", RC, "header_variants.csv",
         _data(csv_bytes([_ALIAS_HEAD,
                          ["31.03.2025.", "mk-tc-vinojug", *capacity_row("")[2:4],
                           "Transit Center", *capacity_row("")[5:]]])),
         "passed", rows=1, municipality="MK00405",
         stored=((1, "report_date", "2025-03-31"), (1, "facility_id", "MK-TC-VINOJUG"),
                 (1, "facility_type", "transit_centre"), (1, "persons_male_60_plus", "3"))),
    Case("trailing_empty_columns", RA, "trailing_empty.csv",
         _data(csv_bytes([[*RA_HEAD, "", "", ""], [*arrival_row(), "", "", ""],
                          [*arrival_row(sex="M"), "", "", ""]])),
         "passed", rows=2, stored=((2, "reporting_authority", "Border Police Gevgelija"),)),
    Case("mixed_line_endings", NA, "line_endings.csv", _data(_line_endings), "passed", rows=4,
         municipality="MK00405",
         stored=((3, "sector", "health"), (3, "file_row", "4"), (4, "sector", "wash"))),
    Case("decimal_comma", FU, "decimal_comma.csv",
         _data(csv_bytes([FU_HEAD, funding_row(planned="250.000,50", disbursed="180.000,00"),
                          funding_row("Integration courses", "1234,5", ""),
                          funding_row("Winterisation", "12,345.60", "9876,54")],
                         delimiter=";")),
         "passed", rows=3, municipality="MK00405",
         stored=((1, "planned_amount", "250000.50"), (1, "disbursed_amount", "180000.00"),
                 (2, "planned_amount", "1234.50"), (2, "disbursed_amount", None),
                 (3, "planned_amount", "12345.60"), (3, "disbursed_amount", "9876.54"))),
    Case("fewer_cells", NA, "fewer_cells.csv",
         _data(csv_bytes([NA_HEAD, needs_row(),
                          needs_row(sector="food", in_need="100", reached="80")[:6]])),
         "passed", rows=2, municipality="MK00405",
         stored=((2, "people_reached", "80"), (2, "capacity_gap", None), (2, "remarks", None))),
    Case("tab_delimited", RA, "tab.tsv",
         _data(csv_bytes([RA_HEAD, arrival_row(), arrival_row(nationality="AFG"),
                          arrival_row(location="MK-BCP-TABANOVCE", nationality="IRQ",
                                      sex="M", age="0-4", persons="3",
                                      authority="Border Police Kumanovo")],
                         delimiter="\t")),
         "passed", rows=3, stored=((3, "age_group", "0-4"),)),
    Case("pipe_delimited", FU, "pipe.csv",
         _data(csv_bytes([FU_HEAD, funding_row(municipality="", body="Ministry of Interior",
                                               source="national_budget")], delimiter="|")),
         "passed", rows=1, stored=((1, "national_body", "Ministry of Interior"),)),
    Case("xlsx_typed_cells", RC, "typed.xlsx", _data(_typed_xlsx),
         "passed", rows=3, municipality="MK00405",
         stored=((1, "report_date", "2025-03-29"), (1, "capacity_beds", "250"),
                 (3, "occupied_beds", "87"), (3, "file_row", "4"))),
    # Issue 16 (security review): what a rejection may say, names, formulas, typo years.
    Case("not_a_header", NA, "key.csv",
         _data(b"SECRET-LINE-7f3a9 do not echo me\nsecond line\n"), "rejected", "delimiter",
         reason="the first line is not a header"),
    Case("control_characters_in_name", NA, "needs\n2025-03-31 INFO forged\x1b[0m.csv",
         _data(csv_bytes([NA_HEAD, needs_row()])), "rejected", "file_name",
         reason="control characters"),
    Case("long_file_name", NA, "n" * 246 + ".csv", _data(csv_bytes([NA_HEAD, needs_row()])),
         "passed", rows=1),
    Case("minus_formula", FU, "minus_formula.csv",
         _data(csv_bytes([FU_HEAD, funding_row(),
                          funding_row("-2+3", source="donor"),
                          funding_row("-cmd|' /C calc'!A0", source="un"),
                          funding_row("- see the annex", source="state"),
                          funding_row("-5 % cut in March", source="other")])),
         "partial", rows=5, file_rows=(3, 4, 5), reason="as a formula",
         municipality="MK00405"),
    Case("mistyped_year", NA, "mistyped_year.csv",
         _data(csv_bytes([NA_HEAD, needs_row(), needs_row(start="2000-03-01", sector="food"),
                          needs_row(start="2099-03-01", end="2099-03-31", sector="health")])),
         "partial", rows=3, file_rows=(3, 4), reason="is before 2010",
         municipality="MK00405"),
)  # fmt: skip

BY_NAME = {case.name: case for case in CASES}
assert len(BY_NAME) == len(CASES), "case names must be unique"


def main(argv: list[str]) -> None:
    out = Path(argv[0] if argv else "corpus")
    out.mkdir(parents=True, exist_ok=True)
    for case in CASES:
        path = case.build(out)
        print(f"{case.name:30} {path.stat().st_size:>12,} {path.name}")


if __name__ == "__main__":
    main(sys.argv[1:])
