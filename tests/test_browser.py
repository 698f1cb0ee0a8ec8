"""The site in a real browser (Debian's chromium through Playwright), served from 127.0.0.1."""

from __future__ import annotations

import json
import re
from itertools import pairwise
from pathlib import Path
from urllib.parse import quote, urlparse

import pytest
from conftest import refuse_requests_outside
from dlpaths.content import load_site
from dlpaths.searchindex import search_downloads, search_site
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.site, pytest.mark.slow]

SITE = load_site(Path(__file__).resolve().parents[1] / "docs", Path(__file__).resolve().parents[1] / "notebooks")
PATH_1 = next(path for path in SITE.paths if path.id == "path-1")
# Two consecutive steps of path 1 where the first is a prerequisite of the second.
FIRST_INDEX = next(i for i, (a, b) in enumerate(pairwise(PATH_1.steps)) if a in SITE.topics[b].prerequisites)
FIRST, SECOND = PATH_1.steps[FIRST_INDEX], PATH_1.steps[FIRST_INDEX + 1]
STEPS = len(PATH_1.steps)


def open_page(page, url):
    page.goto(url)
    page.wait_for_load_state("networkidle")


def test_path_navigation(page, site_server):
    open_page(page, site_server + "paths/path-1/")
    page.locator("ol.dl-steps a").nth(FIRST_INDEX).click()
    page.wait_for_url(f"**/topics/{FIRST}/")
    position = page.locator(".dl-position").first
    expect(position).to_contain_text(f"第 {FIRST_INDEX + 1}/{STEPS} 步")
    position.locator("a[rel=next]").click()
    page.wait_for_url(f"**/topics/{SECOND}/")
    expect(page.locator(".dl-position").first).to_contain_text(f"第 {FIRST_INDEX + 2}/{STEPS} 步")
    page.locator(".dl-position a[rel=prev]").first.click()
    page.wait_for_url(f"**/topics/{FIRST}/")
    expect(page.locator(".dl-position").first).to_contain_text(f"第 {FIRST_INDEX + 1}/{STEPS} 步")


@pytest.mark.parametrize("path", SITE.paths, ids=lambda path: path.id)
def test_each_path_can_be_followed_start_to_finish(page, site_server, path):
    open_page(page, site_server + path.page.removesuffix(".md") + "/")
    page.locator("ol.dl-steps a").first.click()
    for number, slug in enumerate(path.steps, start=1):
        page.wait_for_url(f"**/topics/{slug}/")
        position = page.locator(f".dl-position[data-dl-path='{path.id}']")
        expect(position).to_contain_text(f"第 {number}/{len(path.steps)} 步")
        if SITE.topics[slug].notebook:
            expect(page.locator(".jupyter-wrapper, .dl-notebook").first).to_be_attached()
        else:  # a text page (books, tools, advice)
            expect(page.locator("ul.dl-resources")).to_be_attached()
        if number < len(path.steps):
            position.locator("a[rel=next]").click()
    expect(position.locator("a[rel=next]")).to_have_count(0)


def test_progress_persists_across_reload_and_instant_navigation(page, site_server):
    open_page(page, site_server + f"topics/{FIRST}/")
    toggle = page.locator(f"[data-dl-toggle='{FIRST}']")
    assert toggle.get_attribute("aria-pressed") == "false"
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    page.reload()
    page.wait_for_load_state("networkidle")
    assert page.locator(f"[data-dl-toggle='{FIRST}']").get_attribute("aria-pressed") == "true"

    # Instant navigation swaps the page without reloading: the marker survives, the script re-runs.
    page.evaluate("window.__sameDocument = true")
    page.locator(".dl-position__path").first.click()
    page.wait_for_url("**/paths/path-1/")
    page.wait_for_selector("[data-dl-percent='path-1']")
    assert page.evaluate("window.__sameDocument === true"), "navigation was not instant"
    expect(page.locator("[data-dl-percent='path-1']").first).to_have_text(str(round(100 / STEPS)))
    expect(page.locator(f".dl-map svg g[data-dl-topic='{FIRST}']")).to_have_class(re.compile(r"dl-done$"))
    continue_link = page.locator("[data-dl-continue='path-1']")
    unfinished = next(step for step in PATH_1.steps if step != FIRST)
    expect(continue_link).to_have_attribute("href", re.compile(f"topics/{unfinished}/$"))
    expect(continue_link).to_contain_text("继续学习")

    # The prerequisite on the next lesson now shows as done (again through instant navigation).
    page.locator(f"ol.dl-steps a[href$='topics/{SECOND}/']").click()
    page.wait_for_url(f"**/topics/{SECOND}/")
    expect(page.locator(f".dl-prereqs li[data-dl-topic='{FIRST}']")).to_contain_text("已完成")
    assert page.evaluate("window.__sameDocument === true"), "navigation was not instant"


def test_export_reset_and_import(page, site_server, tmp_path):
    open_page(page, site_server + f"topics/{SECOND}/")
    page.locator(f"[data-dl-toggle='{SECOND}']").click()
    open_page(page, site_server + "progress/")
    with page.expect_download() as download_info:
        page.locator("[data-dl-export]").click()
    exported = tmp_path / "progress.json"
    download_info.value.save_as(exported)
    data = json.loads(exported.read_text())
    assert data["version"] == 1 and SECOND in data["done"]

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("[data-dl-reset]").click()
    assert page.locator("[data-dl-percent='path-1']").first.inner_text() == "0"

    page.locator("[data-dl-import]").set_input_files(str(exported))
    message = page.locator("[data-dl-message]")
    message.filter(has_text="导入成功").wait_for()
    expect(page.locator("[data-dl-percent='path-1']").first).to_have_text(str(round(100 / STEPS)))


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", "不是有效的 JSON"),
        ('{"version": 2, "done": {}}', "不支持的版本"),
        ('{"version": 1, "done": {"no-such-topic": "2026-01-01"}}', "本站没有的主题：no-such-topic"),
        ('{"version": 1, "done": {"attention": "yesterday"}}', "不是 YYYY-MM-DD"),
        ("[1, 2]", "不是一个 JSON 对象"),
    ],
)
def test_bad_import_changes_nothing(page, site_server, tmp_path, content, expected):
    open_page(page, site_server + f"topics/{FIRST}/")
    page.locator(f"[data-dl-toggle='{FIRST}']").click()
    before = page.evaluate("localStorage.getItem('dlpaths:progress')")
    open_page(page, site_server + "progress/")
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    page.locator("[data-dl-import]").set_input_files(str(bad))
    message = page.locator("[data-dl-message]")
    message.filter(has_text="导入失败").wait_for()
    assert expected in message.inner_text() and "没有任何改变" in message.inner_text()
    assert page.evaluate("localStorage.getItem('dlpaths:progress')") == before


@pytest.mark.parametrize("term", ["反向传播", "注意力机制", "主成分分析"])
def test_chinese_search_finds_glossary_terms(page, site_server, term):
    open_page(page, site_server)
    page.locator("label.md-search__icon, .md-search__input").first.click()
    search = page.locator("input.md-search__input")
    search.fill(term)
    search.press("End")  # Playwright's fill sends no keyup; Material's search waits for one
    results = page.locator(".md-search-result__item")
    results.first.wait_for(timeout=15000)
    assert results.count() >= 1
    assert term in page.locator(".md-search-result").inner_text()


def test_search_index_waits_for_the_reader(page, site_server):
    fetched = []
    page.on("request", lambda request: fetched.append(request.url) if "search_index" in request.url else None)
    open_page(page, site_server + f"topics/{FIRST}/")
    page.wait_for_timeout(1000)
    assert fetched == [], "the search index was downloaded before anyone searched"
    page.keyboard.press("/")  # Material's search shortcut
    search = page.locator("input.md-search__input")
    search.fill("反向传播")
    search.press("End")
    page.locator(".md-search-result__item").first.wait_for(timeout=15000)
    assert len(fetched) == 1


@pytest.mark.parametrize("query", ["反向传播", "熵", "transformer 注意力", "GPT-2"])
def test_search_worker_fetches_and_ranks_as_the_index_predicts(page, site_server, built_site, query):
    """The worker (JavaScript) tokenizes, picks shards, ranks and picks excerpts as searchindex.py does."""
    fetched = []
    page.on("requestfinished", lambda request: fetched.append(urlparse(request.url).path))
    open_page(page, site_server)
    page.keyboard.press("/")
    search = page.locator("input.md-search__input")
    search.fill(query)
    search.press("End")
    first = page.locator(".md-search-result__item").first
    first.wait_for(timeout=15000)
    page.wait_for_timeout(500)
    expected = sorted("/" + path.as_posix() for path in search_downloads(built_site, query))
    assert sorted(path for path in fetched if re.match(r"/search/(shards|text)/", path)) == expected
    best_page = search_site(built_site, query).locations[0].split("#")[0]
    assert urlparse(first.locator("a").first.get_attribute("href")).path == "/" + best_page
    assert page.locator(".md-search-result mark").count() >= 1
    assert "/assets/javascripts/workers/" not in " ".join(fetched)  # Material's own worker is not used


def test_notebook_goes_into_the_page_after_it_opens_and_its_code_copies(page, site_server):
    open_page(page, site_server + "topics/linear-algebra/")
    expect(page.locator("template[data-dl-notebook-body]")).to_have_count(0)  # put in once the page was idle
    cells = page.locator(".dl-notebook .jp-CodeCell")
    assert cells.count() >= 5
    code_blocks = page.locator(".dl-notebook .highlight > pre")
    assert page.locator(".dl-notebook .md-code__button").count() == code_blocks.count()  # one copy button each
    button = page.locator(".dl-notebook .md-code__button").first
    button.scroll_into_view_if_needed()
    button.hover()
    button.click()
    expect(page.locator(".md-dialog")).to_contain_text("已复制")  # Material's clipboard handler took it


def test_address_into_a_notebook_heading_scrolls_there(page, site_server):
    open_page(page, site_server + "topics/linear-algebra/")
    heading = page.locator(".dl-notebook :is(h2, h3)[id]").nth(1)
    heading_id = heading.get_attribute("id")
    open_page(page, site_server + "topics/pca/")
    page.goto(site_server + "topics/linear-algebra/#" + quote(heading_id))
    target = page.locator(f'[id="{heading_id}"]')
    target.wait_for()
    page.wait_for_timeout(300)
    top = target.evaluate("e => e.getBoundingClientRect().top")
    assert 0 <= top < page.viewport_size["height"] / 2, top


def test_dark_mode(page, site_server):
    open_page(page, site_server + f"topics/{FIRST}/")
    page.locator("form[data-md-component=palette] label:visible").first.click()
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    text = page.evaluate("getComputedStyle(document.querySelector('article p')).color")
    assert _luminance(background) < 0.2 < _luminance(text)
    code = page.locator(".dl-notebook .highlight pre").first
    assert _luminance(code.evaluate("e => getComputedStyle(e).backgroundColor")) < 0.3
    figure = page.locator(".dl-notebook .jp-OutputArea-output img").first
    assert _luminance(figure.evaluate("e => getComputedStyle(e).backgroundColor")) > 0.9
    page.reload()
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"


def test_no_request_leaves_the_machine(page, site_server):
    origin = site_server.rstrip("/")
    outside = refuse_requests_outside(page, origin)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    urls = ["", "paths/path-1/", "paths/path-2/", "glossary/", "progress/", "contributing/"]
    urls += [topic.url for topic in SITE.topics.values()]  # every page, not a sample
    for url in urls:
        open_page(page, site_server + url)
    page.locator(".md-search__input").first.click()
    page.locator("input.md-search__input").fill("注意力")
    page.locator("input.md-search__input").press("End")
    page.wait_for_timeout(1500)
    page.keyboard.press("Escape")
    open_page(page, site_server + "paths/path-2/")
    page.locator("ol.dl-steps a").first.click()  # instant navigation from a page with the path map
    page.wait_for_selector(".dl-topic-meta")
    assert outside == []
    assert errors == [], "JavaScript errors on the pages"
    assert urlparse(origin).hostname == "127.0.0.1"


def _luminance(css_color: str) -> float:
    numbers = [
        float(x) for x in css_color[css_color.index("(") + 1 : css_color.index(")")].replace(",", " ").split()[:3]
    ]
    r, g, b = (n / 255 for n in numbers)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_path_map_boxes_are_links(page, site_server):
    open_page(page, site_server + "paths/path-1/")
    page.evaluate("window.__sameDocument = true")
    hit = page.locator(f".dl-map__hit[data-dl-map-topic='{SECOND}']")
    box = page.locator(f".dl-map svg g[data-dl-topic='{SECOND}'] rect").bounding_box()
    hit_box = hit.bounding_box()
    assert abs(hit_box["x"] - box["x"]) < 3 and abs(hit_box["width"] - box["width"]) < 3  # lies over its box
    hit.click()
    page.wait_for_url(f"**/topics/{SECOND}/")
    assert page.evaluate("window.__sameDocument === true"), "map links should use instant navigation"
