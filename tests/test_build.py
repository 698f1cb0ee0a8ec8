"""Tiny fixture sites built end to end: one that passes, and ones that must fail with a given message."""

from __future__ import annotations

import re

import pytest
from conftest import copy_fixture, run_build

pytestmark = pytest.mark.slow


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture(scope="module")
def good_build(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("good")
    site = copy_fixture(tmp)
    result = run_build(site, tmp / "out" / "site", tmp / "cache")
    assert result.ok, result.output
    return result


def read(result, page):
    return (result.site_dir / page).read_text(encoding="utf-8")


def test_topic_page_has_header_notebook_and_resources(good_build):
    html = read(good_build, "topics/alpha/index.html")
    assert "主路线" in html and "第 1/2 步" in html
    assert 'data-dl-toggle="alpha"' in html
    assert '<a class="dl-position__link" rel="next" href="../../topics/beta/">' in html
    # notebook: executed output, receipt, download, no inline styles or scripts from nbconvert
    assert "total 45" in html
    assert "运行记录" in html and "Python 3.11" in html
    assert 'href="../../notebooks/alpha.ipynb" download' in html
    notebook = html[html.index('class="dl-notebook"') : html.index('class="dl-receipt"')]
    assert "<style" not in notebook and "<script" not in notebook
    # cells wait in a template until the page is idle (dlpaths.js); readers without JavaScript are told why
    body = notebook[notebook.index("<template data-dl-notebook-body>") : notebook.index("</template>")]
    assert "total 45" in body and "<noscript>" in notebook[notebook.index("</template>") :]
    assert 'data-clipboard-target="#__code_nb0 &gt; code"' in body  # Material's copy button, written in
    assert (good_build.site_dir / "notebooks/alpha.ipynb").is_file()
    assert (good_build.site_dir / "assets/stylesheets/notebook.css").stat().st_size < 80_000


def test_notebook_headings_get_unicode_ids_and_toc_entries(good_build):
    html = read(good_build, "topics/alpha/index.html")
    assert '<h3 id="第一节计算">' in html
    assert 'href="#第一节计算"' in html  # permalink and table of contents
    toc = html[html.index('class="md-nav md-nav--secondary"') :]
    assert "第一节：计算" in toc[:5000]


def test_math_is_mathml_without_scripts(good_build):
    html = read(good_build, "topics/alpha/index.html")
    assert "<math" in html and "<mfrac>" in html
    assert "$x^2$" not in html and "\\(" not in html
    assert "mathjax" not in html.lower() and "katex.min.js" not in html


def test_resources_are_escaped_badged_and_open_safely(good_build):
    html = read(good_build, "topics/alpha/index.html")
    links = re.findall(r'<a class="dl-resource__title"[^>]*>', html)
    assert len(links) == 3
    assert all('target="_blank" rel="noopener noreferrer"' in link for link in links)
    assert "中国大陆通常无法直接访问" in html and "镜像" in html and "付费" in html


def test_timeline_is_rendered_from_data_and_escaped(good_build):
    html = read(good_build, "topics/beta/index.html")
    timeline = html[
        html.index('<ol class="dl-timeline">') : html.index("</ol>", html.index('<ol class="dl-timeline">'))
    ]
    assert timeline.count('<li class="dl-timeline__event">') == 2
    assert '<time class="dl-timeline__date" datetime="2013-01">2013 年 1 月</time>' in timeline
    assert '本站课程：<a href="../../topics/alpha/">' in timeline
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in timeline and "<script>" not in timeline
    assert "Source &lt;b&gt;Two&lt;/b&gt;" in timeline
    sources = re.findall(r'<a href="https://[^"]+"[^>]*>', timeline)
    assert len(sources) == 2 and all('rel="noopener noreferrer"' in link for link in sources)


def test_path_overview_and_home(good_build):
    overview = read(good_build, "paths/main/index.html")
    assert "共 2 步 · 约 3.5 小时" in overview
    assert '<svg class="dl-map__picture"' in overview and overview.count('class="dl-map__node') == 2
    assert overview.count('class="dl-map__hit"') == 2
    home = read(good_build, "index.html")
    assert 'data-dl-continue="main"' in home


def test_site_data_for_progress_script(good_build):
    html = read(good_build, "index.html")
    data = re.search(r'<script id="dl-data" type="application/json">(.*?)</script>', html).group(1)
    assert '"alpha"' in data and '"steps": ["alpha", "beta"]' in data


def test_bad_front_matter_fails_and_keeps_previous_site(tmp_path):
    site = copy_fixture(tmp_path)
    out = tmp_path / "out" / "site"
    out.mkdir(parents=True)
    (out / "index.html").write_text("previous")
    edit(site / "docs/topics/beta.md", "level: intermediate", "level: expert")
    result = run_build(site, out, tmp_path / "cache")
    assert not result.ok
    assert "docs/topics/beta.md: line 5, level: 'expert' is not allowed" in result.output
    assert "use one of: beginner, intermediate, advanced" in result.output
    assert (out / "index.html").read_text() == "previous", "a failed build must not touch the published site"


def test_unknown_prerequisite_fails(tmp_path):
    site = copy_fixture(tmp_path)
    edit(site / "docs/topics/beta.md", "prerequisites: [alpha]", "prerequisites: [gamma]")
    result = run_build(site, tmp_path / "out" / "site", tmp_path / "cache")
    assert not result.ok
    assert "docs/topics/beta.md: prerequisites: unknown prerequisite 'gamma'" in result.output
    assert not (tmp_path / "out" / "site").exists()


def test_failing_cell_fails_with_traceback(tmp_path):
    site = copy_fixture(tmp_path)
    edit(site / "notebooks/alpha.py", "assert total == 45", "assert total == 46, 'sum is wrong'")
    result = run_build(site, tmp_path / "out" / "site", tmp_path / "cache")
    assert not result.ok
    assert "notebooks/alpha.py: cell 2 (line 16 of alpha.py) raised an error" in result.output
    assert "AssertionError: sum is wrong" in result.output
    assert not (tmp_path / "out" / "site").exists()


def test_hanging_cell_fails_with_timeout(tmp_path):
    site = copy_fixture(tmp_path)
    edit(site / "notebooks/alpha.py", "total = sum(range(10))", "import time\ntime.sleep(600)\ntotal = 45")
    result = run_build(site, tmp_path / "out" / "site", tmp_path / "cache", env={"DLPATHS_CELL_TIMEOUT": "3"})
    assert not result.ok
    assert (
        "notebooks/alpha.py: cell 2 (line 16 of alpha.py) did not finish within the 3 s cell timeout" in result.output
    )


def test_bad_math_fails_naming_page(tmp_path):
    site = copy_fixture(tmp_path)
    edit(site / "docs/topics/beta.md", "反向传播是一种算法。", "错误公式 $\\frac{a$。")
    result = run_build(site, tmp_path / "out" / "site", tmp_path / "cache")
    assert not result.ok
    assert "docs/topics/beta.md: math: KaTeX cannot render" in result.output


def test_template_escapes_content(tmp_path):
    site = copy_fixture(tmp_path)
    edit(site / "docs/topics/beta.md", "title: Res D", 'title: "<img src=x onerror=alert(1)>"')
    edit(site / "docs/topics/beta.md", "note: 第二份资源。", "note: '第二份 <script>alert(1)</script>'")
    result = run_build(site, tmp_path / "out" / "site", tmp_path / "cache")
    assert result.ok, result.output
    html = (tmp_path / "out" / "site" / "topics/beta/index.html").read_text(encoding="utf-8")
    assert "<img src=x onerror" not in html and "<script>alert(1)" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "第二份 &lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_markup_in_titles_is_rejected(tmp_path):
    # MkDocs and Material print page titles and descriptions unescaped: keep markup out of them.
    site = copy_fixture(tmp_path)
    edit(site / "docs/topics/beta.md", "title: 贝塔", 'title: "贝塔 <b>"')
    result = run_build(site, tmp_path / "out" / "site", tmp_path / "cache")
    assert not result.ok
    assert "docs/topics/beta.md: line 2, title: '贝塔 <b>' contains <, >, \" or &" in result.output


def test_math_in_a_notebook_heading_fails(tmp_path):
    site = copy_fixture(tmp_path)
    edit(site / "notebooks/alpha.py", "# ### 第一节：计算", "# ### 第一节：计算 $x$")
    result = run_build(site, tmp_path / "out" / "site", tmp_path / "cache")
    assert not result.ok
    assert "notebooks/alpha.py: math in the heading '第一节：计算 $x$'" in result.output
    assert not (tmp_path / "out" / "site").exists()
