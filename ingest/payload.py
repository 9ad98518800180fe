"""One payload per batch, however many requests it took.

A batch is one unit in the ledger (one sha256, one transaction), but an API may
answer in pages, or a request may have to be split (Eurostat's EXTRACTION_TOO_BIG).
The parts are kept together as one JSON document, in request order:

    {"mwh_payload": 1, "parts": [{"request": "<url>", "body": <the JSON answer>}, ...]}

`parts()` also accepts one saved answer as the API sent it (what `mwh parse` and the
conformance tests read), so every parser handles both with the same code.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import msgspec

MARKER = "mwh_payload"


@dataclass(frozen=True)
class Part:
    request: str
    body: Any  # the parsed JSON of one answer


def pack(parts: Sequence[Part]) -> bytes:
    """The parts as one payload; the same answers give the same bytes (and sha256)."""
    doc = {MARKER: 1, "parts": [{"request": p.request, "body": p.body} for p in parts]}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()


def parts(content: bytes | str | Any) -> list[Part]:
    """The answers in a payload: the packed parts, or one saved answer."""
    # msgspec decodes a large JSON answer in about half of json.loads' time.
    doc = msgspec.json.decode(content) if isinstance(content, bytes | str) else content
    if isinstance(doc, dict) and doc.get(MARKER) == 1:
        return [Part(p.get("request", ""), p["body"]) for p in doc["parts"]]
    return [Part("", doc)]


def describe(requests: Sequence[str]) -> str:
    """The ledger's `request` for a payload: every request, one per line."""
    return "\n".join(requests)
