"""Safe reading of a submitted CSV or XLSX file into raw rows.

Everything a file could do to the warehouse is bounded before it is read: its size,
an XLSX's declared uncompressed size and compression ratio (from the zip directory,
nothing inflated), rows and columns while streaming. XLSX is read with openpyxl in
read-only, values-only mode with defusedxml (no entity expansion); formulas are never
evaluated. File-level problems raise FileRejected with a message for the submitter;
a cell that cannot be read gives its row a `parse_error` and the row goes on to the
quality gate, which quarantines it with that reason.
"""

from __future__ import annotations

import codecs
import collections
import csv
import difflib
import itertools
import os
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ingest.config import DBT_PROJECT_DIR
from ingest.quality import seed_values
from ingest.submissions.datasets import SubmissionDataset
from ingest.submissions.values import CellError, cell_reader, header_key

MiB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 128 * MiB  # the file as received
    max_uncompressed: int = 512 * MiB  # XLSX: all zip members, as declared
    max_ratio: int = 100  # XLSX: any member's uncompressed / compressed size
    max_shared_strings: int = 64 * MiB  # XLSX: openpyxl holds this part in memory
    # Excel's own sheet limit, so any sheet a steward can save fits.
    max_rows: int = 1_048_576
    max_columns: int = 64

    @classmethod
    def from_env(cls) -> Limits:
        env = {
            "max_bytes": "MWH_SUBMISSION_MAX_BYTES",
            "max_uncompressed": "MWH_SUBMISSION_MAX_UNCOMPRESSED",
            "max_ratio": "MWH_SUBMISSION_MAX_RATIO",
            "max_rows": "MWH_SUBMISSION_MAX_ROWS",
            "max_columns": "MWH_SUBMISSION_MAX_COLUMNS",
        }
        return cls(**{k: int(os.environ[v]) for k, v in env.items() if os.environ.get(v)})


class FileRejected(Exception):  # noqa: N818  (a verdict on a file, not a bug)
    """The whole file is refused; `message` tells the submitter what to fix."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


# The encodings found in the region's offices, in the order they are tried.
ENCODINGS = ("utf-8-sig", "utf-8", "cp1250", "cp1251", "iso8859_2")
DELIMITERS = (",", ";", "\t", "|")
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar"}
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
# Files stewards send by mistake, told apart by their first bytes.
_OTHER_FORMATS = {
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\x1f\x8b": "a gzip archive",
    b"Rar!": "a RAR archive",
    b"7z\xbc\xaf": "a 7-Zip archive",
    b"{\\rtf": "an RTF document",
}


@dataclass
class ParsedFile:
    dataset: SubmissionDataset
    format: str  # csv | xlsx
    header: list[str]
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    # batch id (or None) -> lists of raw rows; with a batch id each row ends with it and
    # its row number, as the raw table's COPY takes them.
    chunks: Callable[[int | None], Iterator[list[tuple]]] = lambda _batch_id: iter(())
    # Filled in while rows are read.
    rows_read: int = 0

    @property
    def rows(self) -> Iterator[tuple[str | None, ...]]:
        """The raw rows one by one (the dictionary's columns, file_row, parse_error)."""
        return itertools.chain.from_iterable(self.chunks(None))

    def write_copy(self, copy, batch_id: int) -> int:
        """Write every row, with `batch_id` and its row number, into a COPY of the raw
        table; the loop runs in C (deque consuming map). Returns the number of rows."""
        write = copy.write_row
        for chunk in self.chunks(batch_id):
            collections.deque(map(write, chunk), maxlen=0)
        return self.rows_read

    def describe(self) -> str:
        if self.format == "xlsx":
            return f"XLSX, sheet {self.sheet!r}"
        return f"CSV, {self.encoding}, {_DELIMITER_NAMES[self.delimiter]}-separated"


def open_submission(
    path: Path,
    dataset: SubmissionDataset,
    *,
    municipality: str | None = None,
    encoding: str | None = None,
    limits: Limits | None = None,
) -> ParsedFile:
    """Check `path` as far as possible without reading its rows, then return a ParsedFile
    whose `rows` streams raw rows (the dictionary's columns, file_row, parse_error).
    Reading the rows may still raise FileRejected (too many rows, an undecodable line):
    a caller loads them in one transaction, so a refused file leaves nothing."""
    limits = limits or Limits.from_env()
    path = Path(path)
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise FileRejected(
            "too_large",
            f"the file is {size / MiB:.1f} MiB; the limit is {limits.max_bytes / MiB:.0f} MiB: "
            "split it by period and send the parts",
        )
    with path.open("rb") as f:
        magic = f.read(8)
    # Whitespace only is empty too (read whole only when the start is blank).
    if not magic.strip() and (size == 0 or not path.read_bytes().strip()):
        raise FileRejected("empty_file", "the file is empty")
    if magic.startswith(_OLE2):
        raise FileRejected(
            "encrypted_xlsx",
            "the file is a password-protected workbook or an old .xls file: remove the "
            "password (File > Info > Protect Workbook) and save it as .xlsx or CSV",
        )
    if magic.startswith(_ZIP):
        return _open_xlsx(path, dataset, municipality, limits)
    for signature, kind in _OTHER_FORMATS.items():
        if magic.startswith(signature):
            raise FileRejected(
                "unsupported_format",
                f"the file is {kind}, not a table: send CSV or XLSX (the templates are in "
                "docs/submissions.md)",
            )
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".ods"):
        raise FileRejected(
            "corrupt_xlsx",
            f"the file is named {path.suffix} but is not a readable workbook (damaged or "
            "incomplete): save it again as .xlsx or CSV",
        )
    return _open_csv(path, dataset, municipality, encoding, limits)


# ---------------------------------------------------------------- header matching


@dataclass
class _Header:
    names: list[str]  # as written
    index: dict[int, str]  # file position -> dictionary column
    ignored: set[int]  # trailing unnamed columns


def match_header(cells: list[str], dataset: SubmissionDataset, limits: Limits) -> _Header:
    if len(cells) > limits.max_columns:
        raise FileRejected(
            "too_many_columns",
            f"the header has {len(cells)} columns; the limit is {limits.max_columns}",
        )
    lookup: dict[str, str] = {}
    for col in dataset.columns:
        for spelling in (col.name, *col.aliases):
            lookup.setdefault(header_key(spelling), col.name)
    names = [c if isinstance(c, str) else ("" if c is None else str(c)) for c in cells]
    # Unnamed columns at the end (a spreadsheet's leftovers) are ignored; a cell in them
    # makes its row's parse_error.
    last = max((i for i, n in enumerate(names) if header_key(n)), default=-1)
    ignored = set(range(last + 1, len(names)))
    index: dict[int, str] = {}
    unknown, seen = [], {}
    for i, name in enumerate(names[: last + 1]):
        key = header_key(name)
        col = lookup.get(key)
        if col is None:
            unknown.append(name.strip() or f"(column {i + 1} has no name)")
        elif col in seen:
            raise FileRejected(
                "duplicate_columns",
                f"the columns {seen[col]!r} and {name.strip()!r} both mean {col!r}: keep one",
            )
        else:
            seen[col] = name.strip()
            index[i] = col
    if unknown:
        hints = []
        for name in unknown:
            close = difflib.get_close_matches(header_key(name), list(lookup), n=1, cutoff=0.75)
            hints.append(f"{name!r}" + (f" (did you mean {lookup[close[0]]!r}?)" if close else ""))
        raise FileRejected(
            "unknown_columns",
            f"unknown column(s) {', '.join(hints)}; the {dataset.name} columns are "
            f"{', '.join(c.name for c in dataset.columns)}",
        )
    missing = [c.name for c in dataset.columns if c.required and c.name not in seen]
    if missing:
        raise FileRejected(
            "missing_columns",
            f"required column(s) missing: {', '.join(missing)} (see the {dataset.name} template)",
        )
    return _Header(names, index, ignored)


# ---------------------------------------------------------------- rows


# Rows are read in chunks and converted column by column: most columns of a submission
# repeat a few values (dates, codes, choices), so each distinct value is read once and
# the rest is dict lookups at C speed. Answers are remembered across chunks up to a bound.
CHUNK_ROWS = 20_000
_CACHE_LIMIT = 100_000


def _chunk_converter(
    dataset: SubmissionDataset, header: _Header, municipality: str | None, kind: str
):
    """A function (records, their file row numbers) -> raw rows: cells read by type,
    with every problem of a row joined in its parse_error. Blank records are dropped."""
    positions = {col: i for i, col in header.index.items()}
    columns = [
        (c.name, positions.get(c.name), _value_reader(c.name, cell_reader(c), kind))
        for c in dataset.columns
    ]
    width = len(header.names)
    named = width - len(header.ignored)
    municipality_at = next(
        (i for i, c in enumerate(dataset.columns) if c.name == "municipality"), None
    )
    check_municipality = bool(municipality) and municipality_at is not None
    location_at = next(
        (i for i, c in enumerate(dataset.columns) if c.name == "location_code"), None
    )
    in_scope = _locations_of(municipality) if municipality and location_at is not None else None
    where = "line" if kind == "csv" else "row"

    def convert(
        records: list, numbers: list[int], batch_id: int | None, first: int
    ) -> list[tuple[str | None, ...]]:
        if kind == "csv":
            # All text: any() drops empty lines and rows of empty cells (";;;") at C
            # speed; where there were such, rows of spaces alone are looked for too.
            kept = list(itertools.compress(range(len(records)), map(any, records)))
            if len(kept) < len(records):
                kept = [i for i in kept if not _is_blank(records[i])]
        else:
            kept = [i for i, r in enumerate(records) if not _is_blank(r)]
        if len(kept) < len(records):
            records, numbers = [records[i] for i in kept], [numbers[i] for i in kept]
        n = len(records)
        if not n:
            return []
        problems: dict[int, list[str]] = {}
        if set(map(len, records)) != {width}:
            for i, r in enumerate(records):
                extra = [j for j in range(named, len(r)) if r[j] is not None and str(r[j]).strip()]
                if extra:
                    problems.setdefault(i, []).append(
                        f"{where} {numbers[i]} has {max(extra) + 1} cells, the header has "
                        f"{named}: a value without a column"
                    )
            records = [(list(r) + [None] * (width - len(r)))[:width] for r in records]
        cells = list(zip(*records, strict=True))
        out = []
        for _name, pos, read in columns:
            if pos is None:
                out.append([None] * n)
                continue
            values, bad = read(cells[pos])
            out.append(values)
            for i, problem in bad:
                problems.setdefault(i, []).append(problem)
        if check_municipality:
            for i, got in enumerate(out[municipality_at]):
                if got is not None and got != municipality:
                    problems.setdefault(i, []).append(
                        f"the row is for municipality {got}; the file was submitted for "
                        f"{municipality}"
                    )
        if in_scope is not None:
            allowed, known = in_scope
            for i, got in enumerate(out[location_at]):
                # An unknown code is the quality gate's (it names the reference list).
                if got is not None and got not in allowed and got in known:
                    problems.setdefault(i, []).append(
                        f"location {got} is outside municipality {municipality}, which the "
                        "file was submitted for"
                    )
        errors = [None] * n
        for i, found in problems.items():
            errors[i] = "; ".join(found)
        tail = ()
        if batch_id is not None:  # as the raw table's COPY takes them
            tail = (itertools.repeat(batch_id, n), range(first, first + n))
        # file_row goes as a number: COPY writes it as text into the text column.
        return list(zip(*out, numbers, errors, *tail, strict=True))

    return convert


def _locations_of(municipality: str) -> tuple[set[str], set[str]]:
    """The locations a municipality reports on (itself and its border crossing points),
    and every known location."""
    path = DBT_PROJECT_DIR / "seeds" / "ref_border_crossing_points.csv"
    with path.open(encoding="utf-8", newline="") as f:
        crossings = {r["crossing_code"]: r["municipality_lau_code"] for r in csv.DictReader(f)}
    allowed = {municipality} | {c for c, m in crossings.items() if m == municipality}
    known = set(crossings) | set(seed_values("ref_municipalities.lau_code"))
    return allowed, known


def _value_reader(name: str, read, kind: str):
    """`read` over a column's values -> (canonical texts, [(index, problem)]), reading
    each distinct value once."""
    answers: dict = {}  # value -> canonical text (or the original when unreadable)
    problems: dict = {}  # value -> problem, for unreadable values only

    def answer(value) -> None:
        if value is None or (isinstance(value, str) and not value.strip()):
            answers[value] = None
        elif kind == "xlsx" and isinstance(value, str) and value.startswith("="):
            answers[value] = value
            problems[value] = (
                f"{name} holds a formula ({value[:40]}); formulas are not evaluated: type the value"
            )
        else:
            try:
                answers[value] = read(value)
            except CellError as exc:
                answers[value] = value if isinstance(value, str) else str(value)
                problems[value] = f"{name}: {exc}"

    def read_column(values: tuple) -> tuple[list, list[tuple[int, str]]]:
        if len(answers) > _CACHE_LIMIT:
            answers.clear()
            problems.clear()
        try:
            canonical = list(map(answers.__getitem__, values))
        except KeyError:  # values not met before: read each distinct one once
            for value in set(values).difference(answers):
                answer(value)
            canonical = list(map(answers.__getitem__, values))
        bad = []
        if problems and not problems.keys().isdisjoint(values):
            bad = [(i, problems[v]) for i, v in enumerate(values) if v in problems]
        return canonical, bad

    return read_column


def _chunks(
    pieces: Iterator[tuple[list, list[int]]],
    convert,
    parsed: ParsedFile,
    limits: Limits,
    batch_id: int | None,
) -> Iterator[list[tuple[str | None, ...]]]:
    """(records, their file row numbers) pieces -> lists of raw rows, within the row
    limit (a refused file is rolled back by the caller's transaction)."""
    parsed.rows_read = 0
    for records, numbers in pieces:
        converted = convert(records, numbers, batch_id, parsed.rows_read + 1)
        parsed.rows_read += len(converted)
        if parsed.rows_read > limits.max_rows:
            raise FileRejected(
                "too_many_rows",
                f"the file has more than {limits.max_rows:,} rows: split it by period",
            )
        yield converted
    if parsed.rows_read == 0:
        raise FileRejected("header_only", "the file has a header but no rows of data")


def _csv_pieces(reader, header_no: int) -> Iterator[tuple[list, list[int]]]:
    """The records after the header, a chunk at a time, with the file line each ends
    on. Without quoted line breaks a chunk's lines are consecutive and known from the
    reader's line count alone; otherwise each record's breaks are counted."""
    for _ in reader:
        if reader.line_num >= header_no:
            break
    start = reader.line_num
    while records := list(itertools.islice(reader, CHUNK_ROWS)):
        end = reader.line_num
        if end - start == len(records):
            numbers = list(range(start + 1, end + 1))
        else:
            numbers, line = [], start
            for r in records:
                line += 1 + sum(f.count("\n") + f.count("\r") - f.count("\r\n") for f in r)
                numbers.append(line)
        start = end
        yield records, numbers


def _numbered_pieces(rows: Iterator, first: int) -> Iterator[tuple[list, list[int]]]:
    numbered = enumerate(rows, start=first)
    while chunk := list(itertools.islice(numbered, CHUNK_ROWS)):
        numbers, records = zip(*chunk, strict=True)
        yield list(records), list(numbers)


def _is_blank(cells: Iterable) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


# ---------------------------------------------------------------- CSV


def _detect_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) when the whole file decodes as UTF-8; otherwise one
    of the region's single-byte encodings. A file that is partly valid UTF-8 with
    accented letters and partly not is refused: guessing would garble one of the parts."""
    with path.open("rb") as f:
        head = f.read(4)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in head:
            raise FileRejected(
                "encoding",
                "the file is UTF-16 (Excel's 'Unicode text'): save it as 'CSV UTF-8' instead",
            )
        f.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")("strict")
        offset = 0
        try:
            for chunk in iter(lambda: f.read(4 * MiB), b""):
                if b"\x00" in chunk:
                    raise FileRejected(
                        "encoding",
                        "the file holds binary data (NUL bytes), not text: send CSV or XLSX",
                    )
                decoder.decode(chunk)
                offset += len(chunk)
            decoder.decode(b"", final=True)
            return "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"
        except UnicodeDecodeError:
            pass
    return _single_byte_encoding(path)


# Letters a UTF-8 line of a regional file would hold: Latin with diacritics, Cyrillic,
# typographic punctuation. A single-byte file decoded as UTF-8 rarely yields them.
_PLAUSIBLE_UTF8 = re.compile(r"[\u00c0-\u024f\u0400-\u04ff\u2013-\u2026\u00a0-\u00bf]")


def _single_byte_encoding(path: Path) -> str:
    data = path.read_bytes()  # bounded by Limits.max_bytes, checked before
    utf8_lines = 0
    bad_line = None
    for n, line in enumerate(data.splitlines(), start=1):
        if line.isascii():
            continue
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            bad_line = bad_line or n
            continue
        if _PLAUSIBLE_UTF8.search(text):
            utf8_lines += 1
    if utf8_lines and bad_line:
        raise FileRejected(
            "mixed_encoding",
            f"the file mixes encodings: {utf8_lines} line(s) are UTF-8 but line {bad_line} "
            "is not; open it in a text editor and save it once as UTF-8",
        )
    high = [b for b in data if b >= 0x80]
    # Cyrillic words are runs of high bytes; Latin diacritics sit between ASCII letters.
    in_runs = sum(
        1 for i in range(len(data)) if data[i] >= 0x80
        and ((i > 0 and data[i - 1] >= 0x80) or (i + 1 < len(data) and data[i + 1] >= 0x80))
    ) if len(high) < 2_000_000 else len(high)  # fmt: skip
    if high and in_runs / len(high) > 0.5:
        return "cp1251"
    # Windows-1250 puts Š š Ž ž at 0x8A-0x9E, where ISO-8859-2 has control codes.
    if any(0x80 <= b <= 0x9F for b in high):
        return "cp1250"
    return "iso8859_2"


def _open_csv(
    path: Path,
    dataset: SubmissionDataset,
    municipality: str | None,
    encoding: str | None,
    limits: Limits,
) -> ParsedFile:
    if encoding is not None and codecs.lookup(encoding).name not in {
        codecs.lookup(e).name for e in ENCODINGS
    }:
        raise FileRejected(
            "encoding", f"encoding {encoding!r} is not accepted: use one of {', '.join(ENCODINGS)}"
        )
    enc = encoding or _detect_encoding(path)
    header_line, header_no = None, 0
    with path.open(encoding=enc, errors="strict", newline="") as f:
        try:
            for n, line in enumerate(f, start=1):
                if line.strip():
                    header_line, header_no = line, n
                    break
        except UnicodeDecodeError as exc:
            raise _decode_error(enc, exc) from None
    if header_line is None:
        raise FileRejected("empty_file", "the file is empty")
    delimiter, cells = _pick_delimiter(header_line, dataset)
    header = match_header(cells, dataset, limits)
    parsed = ParsedFile(dataset, "csv", header.names, encoding=enc, delimiter=delimiter)
    convert = _chunk_converter(dataset, header, municipality, "csv")

    def chunks(batch_id: int | None) -> Iterator[list[tuple[str | None, ...]]]:
        with path.open(encoding=enc, errors="strict", newline="") as f:
            reader = csv.reader(f, delimiter=delimiter)
            try:
                pieces = _csv_pieces(reader, header_no)
                yield from _chunks(pieces, convert, parsed, limits, batch_id)
            except UnicodeDecodeError as exc:
                raise _decode_error(enc, exc, reader.line_num + 1) from None
            except csv.Error as exc:
                raise FileRejected(
                    "unsupported_format", f"line {reader.line_num} cannot be read as CSV: {exc}"
                ) from None

    parsed.chunks = chunks
    return parsed


def _decode_error(enc: str, exc: UnicodeDecodeError, line: int | None = None) -> FileRejected:
    where = f" at line {line}" if line else ""
    return FileRejected(
        "mixed_encoding" if enc.startswith("utf") else "encoding",
        f"the file is not valid {enc}{where}; save it once as UTF-8",
    )


def _pick_delimiter(line: str, dataset: SubmissionDataset) -> tuple[str, list[str]]:
    known = {header_key(s) for c in dataset.columns for s in (c.name, *c.aliases)}
    best = None
    for d in DELIMITERS:
        cells = next(csv.reader([line.rstrip("\r\n")], delimiter=d))
        score = sum(header_key(c) in known for c in cells)
        if best is None or score > best[0]:
            best = (score, d, cells)
    score, d, cells = best
    if score == 0 or (len(cells) == 1 and len(dataset.columns) > 1):
        raise FileRejected(
            "delimiter",
            # Never the line itself: a file that is no submission (a link to a
            # system file, a key) must not reach the ledger or the report.
            f"the first line is not a header: no {dataset.name} column found in it; "
            "separate the columns with a comma, semicolon, tab or vertical bar and keep the "
            "header row first",
        )
    return d, cells


# ---------------------------------------------------------------- XLSX


def _check_zip(path: Path, limits: Limits) -> None:
    """Refuse a workbook whose declared sizes exceed the limits, from the zip directory
    alone. zipfile stops inflating a member at its declared size, so a member that lies
    about its size cannot inflate past what was checked here."""
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            names = {i.filename for i in infos}
            if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
                raise FileRejected(
                    "unsupported_format",
                    "the file is a zip archive but not an Excel workbook (a Word or "
                    "OpenDocument file?): save the table as .xlsx or CSV",
                )
            if any(i.flag_bits & 0x1 for i in infos):
                raise FileRejected(
                    "encrypted_xlsx", "the workbook is encrypted: remove the password"
                )
            total = sum(i.file_size for i in infos)
            for i in infos:
                ratio = i.file_size / max(i.compress_size, 1)
                if ratio > limits.max_ratio:
                    raise FileRejected(
                        "zip_bomb",
                        f"the workbook part {i.filename} would inflate {ratio:,.0f} times "
                        f"(to {i.file_size / MiB:,.0f} MiB); the limit is {limits.max_ratio} "
                        "times: the file was not opened",
                    )
                if i.filename == "xl/sharedStrings.xml" and i.file_size > limits.max_shared_strings:
                    raise FileRejected(
                        "zip_bomb",
                        f"the workbook's text table is {i.file_size / MiB:,.0f} MiB; the limit "
                        f"is {limits.max_shared_strings / MiB:.0f} MiB",
                    )
            if total > limits.max_uncompressed:
                raise FileRejected(
                    "zip_bomb",
                    f"the workbook would inflate to {total / MiB:,.0f} MiB; the limit is "
                    f"{limits.max_uncompressed / MiB:.0f} MiB: the file was not opened",
                )
            for i in infos:
                if i.filename.endswith((".xml", ".rels")):
                    with z.open(i) as member:
                        start = member.read(2048)
                    if b"<!DOCTYPE" in start or b"<!ENTITY" in start:
                        raise FileRejected(
                            "xml_entities",
                            f"the workbook part {i.filename} declares XML entities, which "
                            "Excel never writes: the file was not opened",
                        )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError) as exc:
        raise FileRejected(
            "corrupt_xlsx", f"the workbook is damaged or incomplete ({exc}): save it again"
        ) from None


# What a damaged or hostile sheet raises while it is read (XML, zip, inflate errors).
_SHEET_ERRORS = (SyntaxError, ValueError, KeyError, EOFError, zipfile.BadZipFile, zlib.error)


def _sheet_error(exc: Exception) -> Exception:
    from defusedxml import DefusedXmlException

    if _caused_by(exc, DefusedXmlException):
        return FileRejected(
            "xml_entities", "the sheet declares XML entities, which Excel never writes"
        )
    if isinstance(exc, _SHEET_ERRORS):
        return FileRejected(
            "corrupt_xlsx",
            f"the sheet cannot be read ({type(exc).__name__}): the workbook is damaged; "
            "save it again as .xlsx",
        )
    return exc


def _caused_by(exc: BaseException, kind: type) -> bool:
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, kind):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def _open_xlsx(
    path: Path, dataset: SubmissionDataset, municipality: str | None, limits: Limits
) -> ParsedFile:
    _check_zip(path, limits)
    import openpyxl
    from defusedxml import DefusedXmlException

    if not openpyxl.DEFUSEDXML:  # openpyxl uses defusedxml when it can import it
        raise RuntimeError("defusedxml is not active in openpyxl: refusing to parse XLSX")
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=False, keep_links=False)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        if _caused_by(exc, DefusedXmlException):  # openpyxl wraps it in a ValueError
            raise FileRejected(
                "xml_entities",
                "the workbook declares XML entities, which Excel never writes: the file was "
                "not opened",
            ) from None
        # Not the exception's text: it names the server's temporary path.
        raise FileRejected(
            "corrupt_xlsx",
            f"the workbook cannot be read ({type(exc).__name__}): it is damaged or was not "
            "saved by a spreadsheet program; save it again as .xlsx",
        ) from None
    sheet = "data" if "data" in wb.sheetnames else wb.sheetnames[0]
    ws = wb[sheet]
    # The sheet's declared dimension is not trusted: openpyxl would stop at its last
    # row (dropping rows silently) and pad every row to its last column (A1:XFD1048576
    # would make each row 16,384 cells).
    ws.reset_dimensions()
    rows_iter = ws.iter_rows(values_only=True)
    header_row, header_no = None, 0
    try:
        for n, values in enumerate(rows_iter, start=1):
            if not _is_blank(values):
                header_row, header_no = list(values), n
                break
    except Exception as exc:
        wb.close()
        raise _sheet_error(exc) from None
    if header_row is None:
        wb.close()
        raise FileRejected("empty_file", f"the sheet {sheet!r} is empty")
    while header_row and (header_row[-1] is None or not str(header_row[-1]).strip()):
        header_row.pop()
    header = match_header(header_row, dataset, limits)
    parsed = ParsedFile(dataset, "xlsx", header.names, sheet=sheet)
    convert = _chunk_converter(dataset, header, municipality, "xlsx")

    def chunks(batch_id: int | None) -> Iterator[list[tuple[str | None, ...]]]:
        try:
            pieces = _numbered_pieces(rows_iter, header_no + 1)
            yield from _chunks(pieces, convert, parsed, limits, batch_id)
        except FileRejected:
            raise
        except _SHEET_ERRORS as exc:
            raise _sheet_error(exc) from None
        finally:
            wb.close()

    parsed.chunks = chunks
    return parsed
