"""`dlpaths offline`: the zipped site works opened from disk, with nothing fetched from anywhere."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from conftest import ROOT, refuse_requests_outside
from dlpaths.content import load_site
from playwright.sync_api import expect

pytestmark = [pytest.mark.site, pytest.mark.slow]

SITE = load_site(ROOT / "docs", ROOT / "notebooks")
PATH_1 = next(path for path in SITE.paths if path.id == "path-1")
HREF_RE = re.compile(r'(?:href|src)="([^"]+)"')


@pytest.fixture(scope="module")
def offline_copy(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("offline")
    archive = out / "dlpaths-offline.zip"
    command = [sys.executable, "-m", "dlpaths.cli", "offline", "--output", str(archive)]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=1800, cwd=ROOT, env=dict(os.environ))
    if completed.returncode != 0:
        pytest.fail(f"offline build failed:\n{completed.stdout}\n{completed.stderr}")
    with zipfile.ZipFile(archive) as zipped:
        zipped.extractall(out / "unpacked")
    return out / "unpacked" / "dlpaths"


def test_every_internal_link_reaches_a_file(offline_copy):
    """On file:// a link to a folder shows the folder, so every page link must name an .html file."""
    broken = []
    for page in offline_copy.rglob("*.html"):
        for target in HREF_RE.findall(page.read_text(encoding="utf-8")):
            parsed = urlparse(target)
            if parsed.scheme or target.startswith(("#", "//")) or not parsed.path:
                continue
            resolved = (page.parent / unquote(parsed.path)).resolve()
            if not resolved.is_file():
                broken.append(f"{page.relative_to(offline_copy)} -> {target}")
    assert broken == [], broken[:20]


def test_search_runs_from_scripts_on_disk(offline_copy):
    assert (offline_copy / "search" / "search_index.js").read_text(encoding="utf-8").startswith("var __index = {")
    home = (offline_copy / "index.html").read_text(encoding="utf-8")
    assert 'src="assets/javascripts/iframe-worker-shim.js"' in home
    assert "unpkg.com" not in home and "navigation.instant" not in home
    assert "下载整个网站的离线版" not in home  # the copy does not offer itself


@pytest.mark.browser
def test_offline_copy_navigates_searches_and_keeps_progress(page, offline_copy):
    outside = refuse_requests_outside(page, "file:", "about:")
    page.goto((offline_copy / "index.html").as_uri())
    page.locator(f".dl-card[data-dl-path='{PATH_1.id}'] .dl-card__title a").click()
    page.wait_for_url(f"**/paths/{PATH_1.id}.html")
    page.locator("ol.dl-steps a").first.click()
    first = PATH_1.steps[0]
    page.wait_for_url(f"**/topics/{first}.html")
    expect(page.locator("article .dl-math math").first).to_be_attached()  # math rendered at build time

    toggle = page.locator(f"[data-dl-toggle='{first}']")
    toggle.click()
    page.reload()
    expect(toggle).to_have_attribute("aria-pressed", "true")

    page.locator("label.md-search__icon, .md-search__input").first.click()
    search = page.locator("input.md-search__input")
    search.fill("反向传播")
    search.press("End")  # Playwright's fill sends no keyup; Material's search waits for one
    results = page.locator(".md-search-result__item")
    results.first.wait_for(timeout=20000)
    assert "反向传播" in page.locator(".md-search-result").inner_text()
    results.first.locator("a").first.click()
    page.wait_for_load_state()
    assert urlparse(page.url).path.endswith(".html")
    assert outside == []
