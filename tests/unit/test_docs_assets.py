"""The vendored Data Docs assets: every CDN URL of GX's templates has its file, the
files are the ones GX's integrity hashes name, and a page's URLs become relative."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import great_expectations

from ingest.docs_assets import CDN_FILES, SITE_VENDOR, VENDOR_DIR, rewrite

TEMPLATES = Path(great_expectations.__file__).parent / "render" / "view" / "templates"
_CDN = re.compile(r'(?:src|href)="(https://(?!great-expectations-web-assets)[^"]+)"')


def test_every_cdn_url_of_gx_templates_is_vendored():
    urls = {u for t in TEMPLATES.glob("*.j2") for u in _CDN.findall(t.read_text())}
    links_out = {u for u in urls if "greatexpectations.io" in u}
    assert urls - links_out == set(CDN_FILES)
    for path in CDN_FILES.values():
        assert (VENDOR_DIR / path).is_file(), path
        assert list((VENDOR_DIR / path.split("/")[0]).glob("LICENSE*")), path


def test_vendored_files_match_gx_integrity_hashes():
    tags = (TEMPLATES / "js_script_imports.j2").read_text()
    pinned = re.findall(r'src="([^"]+)" integrity="sha384-([^"]+)"', tags)
    assert len(pinned) == 2
    for url, digest in pinned:
        data = (VENDOR_DIR / CDN_FILES[url]).read_bytes()
        assert base64.b64encode(hashlib.sha384(data).digest()).decode() == digest, url


def test_font_awesome_webfonts_are_vendored():
    css = (
        VENDOR_DIR
        / CDN_FILES["https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css"]
    )
    fonts = set(re.findall(r"url\(([^)]+)\)", css.read_text()))
    assert len(fonts) == 8
    assert all((css.parent / f).is_file() for f in fonts)


def test_a_page_points_at_the_site_and_drops_integrity():
    page = (
        '<script src="https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js"'
        ' integrity="sha384-x" crossorigin="anonymous"></script>'
        '<a href="https://greatexpectations.io">GX</a>'
        '<svg xmlns="http://www.w3.org/2000/svg"></svg>'
        '<img src="https://cdn.example.org/x.png">'
    )
    left = set()
    out = rewrite(page, "../../", left)
    assert f'src="../../{SITE_VENDOR}/bootstrap-4.3.1/dist/js/bootstrap.min.js"></script>' in out
    assert "<a>GX</a>" in out and 'xmlns="http://www.w3.org/2000/svg"' in out
    assert left == {"https://cdn.example.org/x.png"}
