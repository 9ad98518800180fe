"""The GX Data Docs site without the network: every CDN file its pages load is served
from the site itself.

GX 1.24's templates hard-code CDN and S3 URLs, and its Jinja loader puts a custom
views folder after its own templates, so a template of the same name cannot replace
them. So the built site is rewritten instead: the files in `static/vendor/` (see its
README: the npm releases the URLs name, unmodified) are copied in and each known URL
becomes a path relative to the page. Links out of the site lose their target and
GX's newsletter footer goes; an unknown URL is logged and left for the tests to catch.
"""

from __future__ import annotations

import logging
import re
import shutil
from pathlib import Path

log = logging.getLogger(__name__)

VENDOR_DIR = Path(__file__).parent / "static" / "vendor"
SITE_VENDOR = "static/vendor"  # in the site, beside GX's own static/ files

_UNPKG_BT = "https://unpkg.com/bootstrap-table@"
# Every CDN URL in GX 1.24's templates (page.j2, page_minimal.j2, index_page.j2,
# js_script_imports.j2) -> the same file under VENDOR_DIR.
CDN_FILES = {
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery-3.7.1/dist/jquery.min.js",
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css":
        "bootstrap-4.3.1/dist/css/bootstrap.min.css",
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js":
        "bootstrap-4.3.1/dist/js/bootstrap.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js":
        "popper.js-1.12.9/dist/umd/popper.min.js",
    f"{_UNPKG_BT}1.19.1/dist/bootstrap-table.min.css":
        "bootstrap-table-1.19.1/dist/bootstrap-table.min.css",
    f"{_UNPKG_BT}1.19.1/dist/bootstrap-table.min.js":
        "bootstrap-table-1.19.1/dist/bootstrap-table.min.js",
    f"{_UNPKG_BT}1.19.1/dist/extensions/filter-control/bootstrap-table-filter-control.min.js":
        "bootstrap-table-1.19.1/dist/extensions/filter-control/bootstrap-table-filter-control.min.js",
    f"{_UNPKG_BT}1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.css":
        "bootstrap-table-1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.css",
    f"{_UNPKG_BT}1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.min.css":
        "bootstrap-table-1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/bootstrap-datepicker.min.css":
        "bootstrap-datepicker-1.9.0/dist/css/bootstrap-datepicker.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/bootstrap-datepicker.min.js":
        "bootstrap-datepicker-1.9.0/dist/js/bootstrap-datepicker.min.js",
    "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.css":
        "bootstrap-dark-1.1.0/dist/css/bootstrap-prefers-dark.css",
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css":
        "fontawesome-free-6.6.0/css/all.min.css",
    "https://cdn.jsdelivr.net/npm/vega@5": "vega-5.33.1/build/vega.min.js",
    "https://cdn.jsdelivr.net/npm/vega-lite@5": "vega-lite-5.23.0/build/vega-lite.min.js",
    "https://cdn.jsdelivr.net/npm/vega-embed@6": "vega-embed-6.29.0/build/vega-embed.min.js",
}  # fmt: skip
# GX's logo from S3 (the page's, with a tracking query, and the dark theme's in its
# CSS): GX's own copy, which every site has in static/images/.
_GX_S3 = "https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/"
SITE_FILES = {
    f"{_GX_S3}logo-long.png": "static/images/logo-long.png",
    f"{_GX_S3}full_logo_dark.png": "static/images/logo-long.png",
}

XML_NAMESPACES = ("http://www.w3.org/",)
# A quoted absolute or protocol-relative URL, in an attribute or a CSS url('').
_QUOTED_URL = re.compile(r"""(?P<q>["'])(?P<url>(?:https?:)?//[^"'\s]*)(?P=q)""")
# On file:// a script with integrity= must be fetched with CORS, which file:// cannot
# do, so the browser refuses it; the local copy is the file that hash was of.
_SRI = re.compile(r'\s+(?:integrity|crossorigin)="[^"]*"')
_LINK_OUT = re.compile(r'(<a\b[^>]*?)\s+href="(?:https?:)?//[^"]*"')
_NEWSLETTER = re.compile(r"<footer>\s*<p>Stay current on everything GX.*?</footer>", re.S)


def make_self_contained(site: Path) -> list[str]:
    """Copy the vendored files into `site` and point its HTML and CSS at them;
    returns the external URLs left (none with the GX version this was written for)."""
    shutil.copytree(VENDOR_DIR, site / SITE_VENDOR, ignore=shutil.ignore_patterns("*.md"))
    left: set[str] = set()
    for path in [*site.rglob("*.html"), *(site / "static").rglob("*.css")]:
        if path.is_relative_to(site / SITE_VENDOR):
            continue  # third-party files as released; they hold no external URL
        text = path.read_text(encoding="utf-8")
        new = rewrite(text, "../" * (len(path.relative_to(site).parts) - 1), left)
        if new != text:
            path.write_text(new, encoding="utf-8")
    if left:
        log.warning("GX Data Docs still load from the network: %s", sorted(left))
    return sorted(left)


def rewrite(text: str, to_root: str, left: set[str] | None = None) -> str:
    """One page or stylesheet with its CDN URLs made relative (`to_root`: from its
    folder to the site's), links out of the site unlinked; unknown URLs go to `left`."""
    text = _NEWSLETTER.sub("", text)
    text = _LINK_OUT.sub(r"\1", text)

    def local(m: re.Match) -> str:
        url = m["url"].split("?")[0]
        if url.startswith(XML_NAMESPACES):
            return m[0]  # a name (e.g. an inline SVG's xmlns), never fetched
        if url in CDN_FILES:
            return f"{m['q']}{to_root}{SITE_VENDOR}/{CDN_FILES[url]}{m['q']}"
        if url in SITE_FILES:
            return f"{m['q']}{to_root}{SITE_FILES[url]}{m['q']}"
        if left is not None:
            left.add(m["url"])
        return m[0]

    text = _QUOTED_URL.sub(local, text)
    return _SRI.sub("", text)
