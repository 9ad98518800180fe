"""Pages opened in a real headless Chromium (Debian's, driven by Playwright), with
every failed request and console error of the visit recorded.

Playwright never downloads a browser here: it launches CHROMIUM. With no network
access allowed, any request leaving the machine fails and shows up in `failed`.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM = os.environ.get("MWH_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
# Without these Chromium calls home at start-up (sync, component updates) and, on a
# closed network, logs the refused connections.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


@dataclass
class Visit:
    page: object  # playwright.sync_api.Page
    failed: list[str] = field(default_factory=list)  # "url: why"
    external: list[str] = field(default_factory=list)  # requests leaving file:// and localhost
    console_errors: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        return [*self.failed, *(f"external: {u}" for u in self.external), *self.console_errors]


def _is_local(url: str) -> bool:
    return url.startswith(("file://", "data:", "blob:", "about:")) or url.split("/")[2].split(":")[
        0
    ] in ("127.0.0.1", "localhost")


def visit(context, url: str, *, wait: str = "networkidle") -> Visit:
    """Open `url` in a new page of the browser context and wait until the network is idle;
    external requests are aborted (and recorded) so a test never waits on a timeout."""
    page = context.new_page()
    v = Visit(page)

    def route(r):
        if _is_local(r.request.url):
            r.continue_()
        else:
            v.external.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("requestfailed", lambda r: v.failed.append(f"{r.url}: {r.failure}"))
    page.on(
        "response",
        lambda r: r.status >= 400 and v.failed.append(f"{r.url}: HTTP {r.status}"),
    )
    page.on("console", lambda m: m.type == "error" and v.console_errors.append(m.text))
    page.on("pageerror", lambda e: v.console_errors.append(f"page error: {e}"))
    page.goto(url, wait_until=wait)
    return v


def screenshot(v: Visit, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    v.page.screenshot(path=str(path), full_page=True)
    return path


def artifacts_dir() -> Path:
    """Where browser tests leave screenshots (MWH_TEST_ARTIFACTS, else .mwh/test-artifacts
    of the checkout): kept after the session for a look."""
    root = Path(__file__).resolve().parents[1]
    return Path(os.environ.get("MWH_TEST_ARTIFACTS", root / ".mwh" / "test-artifacts"))
