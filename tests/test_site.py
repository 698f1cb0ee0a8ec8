"""The real curriculum, built once: every lesson meets the floors, nothing loads from third parties."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from dlpaths.content import load_site

pytestmark = [pytest.mark.site, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[1]
SITE = load_site(ROOT / "docs", ROOT / "notebooks")
CJK = re.compile(r"[\u4e00-\u9fff]")
LESSON_SECTIONS = ["学习目标", "直觉", "原理", "动手", "常见误区", "练习", "资源", "下一步"]
TEXT_PAGE_SECTIONS = ["资源", "下一步"]


def page_soup(built_site: Path, url: str) -> BeautifulSoup:
    """The page as a reader sees it once loaded: dlpaths.js puts each notebook's <template> into the page."""
    soup = BeautifulSoup((built_site / url / "index.html").read_text(encoding="utf-8"), "html.parser")
    for template in soup.select("template[data-dl-notebook-body]"):
        template.unwrap()
    return soup


@pytest.mark.parametrize("slug", sorted(SITE.topics))
def test_lesson_meets_the_rubric_floors(built_site, slug):
    topic = SITE.topics[slug]
    soup = page_soup(built_site, topic.url)
    article = soup.select_one("article")
    headings = [h.get_text().replace("¶", "").strip() for h in article.find_all("h2")]
    # A lesson has a notebook and the rubric's sections; a text page (books, tools, advice) keeps its own
    # sections but still ends with resources and where to go next.
    sections = LESSON_SECTIONS if topic.notebook else TEXT_PAGE_SECTIONS
    for section in sections:
        assert any(section in h for h in headings), f"{slug}: no '{section}' section in {headings}"
    if topic.notebook:
        exercises = article.select("details.success")
        assert len(exercises) >= 3, f"{slug}: {len(exercises)} exercises with folded solutions"
    assert len(article.select("li.dl-resource")) >= 3
    prose = article.__copy__()
    for node in prose.select(".dl-notebook, pre, code, math, .dl-topic-meta, .dl-resources, details"):
        node.decompose()
    chars = len(CJK.findall(prose.get_text()))
    assert chars >= 1200, f"{slug}: only {chars} Chinese characters of lesson prose"
    if topic.notebook:
        notebook = article.select_one(".dl-notebook")
        assert notebook is not None and "运行记录" in notebook.get_text()
        figures = notebook.select(".jp-OutputArea-output img")
        assert len(figures) >= 2, f"{slug}: {len(figures)} figures"
        assert all(img.get("width") and img.get("alt") for img in figures)
        assert not notebook.select(".jp-OutputArea-output [data-mime-type='application/vnd.jupyter.stderr']"), (
            f"{slug}: the notebook printed to stderr (warnings?)"
        )
        assert (built_site / "notebooks" / f"{slug}.ipynb").is_file()


@pytest.mark.parametrize("slug", sorted(SITE.topics))
def test_lesson_links_and_math(built_site, slug):
    soup = page_soup(built_site, SITE.topics[slug].url)
    for link in soup.select("a[target=_blank]"):
        assert set(link.get("rel", [])) >= {"noopener", "noreferrer"}
    article = soup.select_one("article")
    if SITE.topics[slug].notebook:
        assert article.select("math"), f"{slug}: the lesson has no rendered formula"
    for code in article.select("pre, code, math"):
        code.decompose()
    text = article.get_text()
    leftovers = [sign for sign in ("$$", "\\(", "\\[", "\\frac", "\\sum") if sign in text]
    assert not leftovers, f"{slug}: unrendered math {leftovers}"


ASSET_PATTERNS = [
    re.compile(r"<script[^>]+src=[\"'](?:https?:)?//", re.I),
    re.compile(
        r"<link[^>]+rel=[\"'](?:stylesheet|preload|modulepreload|icon|preconnect|dns-prefetch)[\"'][^>]+href=[\"'](?:https?:)?//",
        re.I,
    ),
    re.compile(
        r"<link[^>]+href=[\"'](?:https?:)?//[^\"']+[\"'][^>]+rel=[\"'](?:stylesheet|preload|icon|preconnect)", re.I
    ),
    re.compile(r"<(?:img|iframe|video|audio|source|embed)[^>]+src=[\"'](?:https?:)?//", re.I),
    re.compile(r"url\(\s*[\"']?(?:https?:)?//", re.I),
    re.compile(r"@import\s+[\"']?(?:url\()?(?:https?:)?//", re.I),
    re.compile(
        r"fonts\.googleapis|fonts\.gstatic|cdn\.jsdelivr|unpkg\.com|cdnjs|google-analytics|googletagmanager", re.I
    ),
]


def test_no_third_party_assets_in_html_or_css(built_site):
    offenders = []
    for path in [*built_site.rglob("*.html"), *built_site.rglob("*.css")]:
        text = path.read_text(encoding="utf-8", errors="replace")
        for pattern in ASSET_PATTERNS:
            for match in pattern.finditer(text):
                offenders.append(f"{path.relative_to(built_site)}: {match.group(0)[:120]}")
    assert offenders == []


def test_search_finds_every_glossary_term_on_the_glossary_page(built_site):
    from dlpaths.searchindex import search_site

    missed, far = [], []
    queries = [query for term in SITE.glossary for query in (term.zh, term.en)]
    for query in queries:
        ranked = search_site(built_site, query).locations
        places = [place for place, location in enumerate(ranked) if location.startswith("glossary/")]
        if not places:
            missed.append(query)
        elif places[0] >= 10:
            far.append(query)  # a word used everywhere, such as 梯度
    assert missed == []
    assert len(far) <= len(queries) // 20, far


def test_search_ranks_the_lesson_first_for_its_own_title(built_site):
    from dlpaths.searchindex import search_site

    wrong = {}
    for topic in SITE.topics.values():
        ranked = search_site(built_site, topic.title).locations
        if ranked[0] != topic.url:
            wrong[topic.title] = ranked[:3]
    assert wrong == {}


def test_glossary_page_lists_every_term(built_site):
    soup = page_soup(built_site, "glossary/")
    rows = soup.select("table.dl-glossary tbody tr")
    assert len(rows) == len(SITE.glossary)
    linked = {a["href"] for a in soup.select("table.dl-glossary a")}
    assert "../topics/pca/" in linked


def test_path_overviews(built_site):
    for learning_path in SITE.paths:
        soup = page_soup(built_site, learning_path.url)
        steps = soup.select("ol.dl-steps > li")
        assert [li["data-dl-topic"] for li in steps] == list(learning_path.steps)
        assert len(soup.select(".dl-map svg g.dl-map__node")) == len(learning_path.steps)
        hits = soup.select(".dl-map a.dl-map__hit[data-dl-map-topic]")  # real links, crawlable, over the picture
        assert [a["data-dl-map-topic"] for a in hits] == list(learning_path.steps)
        assert all(a["href"].endswith(f"topics/{a['data-dl-map-topic']}/") for a in hits)
        stage_ids = [section.h2["id"] for section in soup.select("section.dl-stage")]
        assert stage_ids == [stage.anchor for stage in learning_path.stages]
        toc = {a["href"] for a in soup.select("nav.md-nav--secondary a")}
        assert {f"#{anchor}" for anchor in stage_ids} <= toc, "stages are listed in the page's contents"
        hours = sum(SITE.topics[s].hours for s in learning_path.steps)
        assert f"约 {hours:g} 小时" in soup.select_one(".dl-path__stats").get_text()


def test_home_presents_both_paths_and_shared_topics(built_site):
    soup = page_soup(built_site, "")
    assert len(soup.select(".dl-card")) == len(SITE.paths)
    shared = [li["data-dl-topic"] for li in soup.select("ul.dl-shared li")]
    assert "perceptron-mlp" in shared


def test_notebook_page_does_not_inline_jupyter_css(built_site):
    for topic in SITE.topics.values():
        html = (built_site / topic.url / "index.html").read_text(encoding="utf-8")
        assert len(re.findall(r"<style", html)) <= 1, topic.slug
        assert len(html.encode()) < 1_500_000
