"""Path logic, the path map layout, URLs, the search dictionary and CSS pruning."""

from __future__ import annotations

import base64
import struct
import time
import zlib
from pathlib import Path

import jieba
import pytest
from dlpaths import cssprune, links, pathmap
from dlpaths import paths as pathlogic
from dlpaths.content import GlossaryTerm, LearningPath, Site, Stage, Topic
from dlpaths.glossary import jieba_user_dictionary, write_user_dictionary
from dlpaths.nbrender import png_size
from dlpaths.scaffold import add_step
from dlpaths.sitebuild import relative_base


def topic(slug, hours=1.0, prerequisites=()):
    return Topic(
        slug=slug,
        file=f"topics/{slug}.md",
        title=f"标题{slug}",
        description="描述" * 5,
        hours=hours,
        level="beginner",
        prerequisites=tuple(prerequisites),
        resources=(),
    )


@pytest.fixture
def site():
    topics = {s: topic(s, hours=h) for s, h in [("a", 1), ("b", 2), ("c", 3), ("d", 4)]}
    paths = (
        LearningPath("p1", "路线一全称", "路线一", "paths/p1.md", "d", ("a", "b", "c")),
        LearningPath("p2", "路线二全称", "路线二", "paths/p2.md", "d", ("d", "b")),
    )
    return Site(topics=topics, paths=paths)


def test_positions_in_both_paths(site):
    found = pathlogic.positions(site, "b")
    assert [(p.path.id, p.number, p.total) for p in found] == [("p1", 2, 3), ("p2", 2, 2)]
    assert found[0].previous.slug == "a" and found[0].next.slug == "c"
    assert found[1].previous.slug == "d" and found[1].next is None


def test_positions_of_first_step_and_unplaced(site):
    first = pathlogic.positions(site, "a")[0]
    assert first.previous is None and first.number == 1
    assert pathlogic.positions(site, "zzz") == []


def test_summary_totals_and_sharing(site):
    summary = pathlogic.summary(site, "p1")
    assert summary.total_hours == 6
    assert summary.shared_with == {"a": (), "b": ("p2",), "c": ()}
    assert [t.slug for t in pathlogic.shared_topics(site)] == ["b"]


def test_nav_order_lists_each_topic_once(site):
    assert [t.slug for t in pathlogic.nav_order(site)] == ["a", "b", "c", "d"]


def test_client_data_has_no_prose(site):
    data = pathlogic.client_data(site)
    assert data["paths"][1] == {"id": "p2", "title": "路线二", "url": "paths/p2/", "steps": ["d", "b"]}
    assert data["topics"]["a"] == {"title": "标题a", "url": "topics/a/"}


def test_map_snakes_and_links_consecutive_steps(site):
    layout = pathmap.layout([topic(s) for s in "abcde"], shared={"b"})
    xs = [n.x for n in layout.nodes]
    assert xs[0] < xs[1] and xs[2] > xs[3], "second row runs right to left"
    assert xs[1] == xs[2], "the row turns below the last box"
    assert len(layout.edges) == 4
    assert layout.edges[1].d.startswith(f"M{xs[1] + pathmap.NODE_WIDTH // 2},")
    assert [n.shared for n in layout.nodes] == [False, True, False, False, False]
    assert layout.height > 2 * pathmap.NODE_HEIGHT


@pytest.fixture
def staged_site(site):
    stages = (Stage(1, "基础", "", ("a", "b", "c")), Stage(2, "进阶", "说明", ("d",)))
    staged = LearningPath("p3", "分阶段的路线", "路线三", "paths/p3.md", "d", ("a", "b", "c", "d"), stages)
    return Site(topics=site.topics, paths=(*site.paths, staged))


def test_stage_summaries_number_steps_across_stages(staged_site):
    summary = pathlogic.summary(staged_site, "p3")
    assert [(s.stage.title, s.first_number, s.total_hours) for s in summary.stages] == [("基础", 1, 6), ("进阶", 4, 4)]
    assert pathlogic.positions(staged_site, "d")[-1].stage.anchor == "stage-2"
    assert pathlogic.positions(staged_site, "a")[0].stage is None, "a flat path has no stages"


def test_map_starts_each_stage_on_a_new_row_under_its_bar(staged_site):
    summary = pathlogic.summary(staged_site, "p3")
    layout = pathmap.layout(list(summary.topics), set(), summary.stages)
    first, second = layout.bars
    assert [n.number for n in layout.nodes] == [1, 2, 3, 4]
    assert first.y < layout.nodes[0].y and layout.nodes[2].y < second.y < layout.nodes[3].y
    assert layout.nodes[3].x == layout.nodes[0].x, "a stage starts in the first column"
    assert len(layout.edges) == 4 + 2 - 1  # each step to the next, routed through the second bar, plus a way in
    assert layout.height > layout.nodes[3].y + pathmap.NODE_HEIGHT


def test_shorten_long_titles():
    assert pathmap.shorten("短标题") == "短标题"
    assert pathmap.shorten("很" * 20).endswith("…") and len(pathmap.shorten("很" * 20)) == pathmap.MAX_TITLE_CHARS


@pytest.mark.parametrize(
    ("url", "base"),
    [("", ""), ("topics/pca/", "../../"), ("glossary/", "../"), ("topics/pca.html", "../"), ("index.html", "")],
)
def test_relative_base(url, base):
    assert relative_base(url) == base


def test_user_dictionary_keeps_terms_whole(tmp_path):
    terms = (
        GlossaryTerm("反向传播", "backpropagation", "m"),
        GlossaryTerm("长短期记忆网络", "LSTM", "m"),
        GlossaryTerm("注意力机制", "attention", "m", aliases=("注意力",)),
        GlossaryTerm("He 初始化", "He initialization", "m"),
    )
    text = jieba_user_dictionary(terms)
    assert "He 初始化" not in text  # jieba splits at spaces; both words are indexed on their own
    assert text.splitlines()[0] == "反向传播 200000 n"
    path = write_user_dictionary(terms, tmp_path)
    tokenizer = jieba.Tokenizer()
    tokenizer.load_userdict(str(path))
    assert "反向传播" in tokenizer.lcut("我们用反向传播训练网络")
    assert "长短期记忆网络" in tokenizer.lcut("长短期记忆网络可以记住长距离依赖")
    assert "注意力机制" in tokenizer.lcut("注意力机制的核心")


def test_css_prune_keeps_used_rules_only():
    css = (
        ".jupyter-wrapper .used{color:red}"
        ".jupyter-wrapper .unused{color:blue}"
        ".jupyter-wrapper .used,.jupyter-wrapper .gone{margin:0}"
        "@media (max-width:10px){.jupyter-wrapper .used{padding:0}.jupyter-wrapper .gone{padding:1px}}"
        ".jupyter-wrapper :root{--x:1}"
        ".jupyter-wrapper{--jp-icon-big:url(data:abc);--jp-ui-font-size1:13px}"
    )
    out = cssprune.prune(css, {"jupyter-wrapper", "used"})
    assert ".jupyter-wrapper .used{color:red}" in out
    assert "unused" not in out and "gone" not in out and "--x" not in out
    assert "@media (max-width:10px){.jupyter-wrapper .used{padding:0}}" in out
    assert "--jp-icon-big" not in out and "--jp-ui-font-size1:13px" in out


def test_scope_variables_moves_root_to_scope():
    out = cssprune.scope_variables(":root{--a:1}.x{color:red}", '[data-md-color-scheme="slate"] .w')
    assert out == '[data-md-color-scheme="slate"] .w{--a:1}'


def test_png_size_reads_header():
    raw = (
        b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + struct.pack(">II", 640, 480) + b"\x08\x06\x00\x00\x00"
    )
    raw += struct.pack(">I", zlib.crc32(raw[12:29]))
    assert png_size(base64.b64encode(raw).decode()) == (640, 480)
    assert png_size(base64.b64encode(b"GIF89a" + b"\0" * 40).decode()) is None


def test_add_step_keeps_comments_and_order():
    text = "# comment\npaths:\n  - id: p1\n    steps:\n      - a\n      - b\n  - id: p2\n    steps:\n      - c\n"
    assert add_step(text, "p1", "new", None) == text.replace("      - b\n", "      - b\n      - new\n")
    assert add_step(text, "p1", "new", "a") == text.replace("      - a\n", "      - a\n      - new\n")
    assert add_step(text, "p2", "new", None).endswith("      - c\n      - new\n")


def test_add_step_to_a_path_with_stages():
    text = (
        "paths:\n  - id: p1\n    stages:\n      - title: 一\n        steps:\n          - a\n"
        "      - title: 二\n        steps:\n          - b\n  - id: p2\n    steps:\n      - c\n"
    )
    assert add_step(text, "p1", "new", None) == text.replace("          - b\n", "          - b\n          - new\n")
    assert add_step(text, "p1", "new", "a") == text.replace("          - a\n", "          - a\n          - new\n")
    assert add_step(text, "p2", "new", "c").endswith("      - c\n      - new\n")


def test_line_breaks_between_chinese_characters_are_removed():
    from dlpaths.typography import join_cjk_lines

    html = "<p>第一行\n第二行，\n  继续 and\nEnglish</p><pre>代码\n保留</pre><p>中文\nEnglish</p>"
    out = join_cjk_lines(html)
    assert "<p>第一行第二行，继续 and\nEnglish</p>" in out
    assert "<pre>代码\n保留</pre>" in out and "中文\nEnglish" in out


def test_joining_lines_keeps_markup_byte_for_byte():
    from dlpaths.typography import join_cjk_lines

    svg = '<svg viewBox="0 0 2 2" class="b" aria-x="1"><a xlink:href="x/">图\n示</a></svg>'
    assert join_cjk_lines(svg) == svg.replace("图\n示", "图示")
    nested = "<pre><code>甲\n乙</code>丙\n丁</pre>戊\n己<math><mi>中\n文</mi></math>"
    assert join_cjk_lines(nested) == nested.replace("戊\n己", "戊己")
    kept = '<!-- <pre> 注\n释 --><p title="标\n题">正\n文</p><PRE>大\n写</PRE><code/>空\n元素'
    assert join_cjk_lines(kept) == kept.replace("正\n文", "正文").replace("空\n元素", "空元素")


@pytest.mark.parametrize(
    ("tex", "expected"),
    [
        (r"\mathbb{R}^{n}", '<mi mathvariant="normal">ℝ</mi>'),
        (r"\mathbf{x}", '<mi mathvariant="normal">𝐱</mi>'),
        (r"\mathcal{L}", '<mi mathvariant="normal">ℒ</mi>'),
        (r"\boldsymbol{\mu}", '<mi mathvariant="normal">𝝁</mi>'),
        (r"\|x\|", "‖"),
    ],
)
def test_math_variants_become_unicode_letters(tex, expected):
    from dlpaths.mathrender import tex_to_mathml

    assert expected in tex_to_mathml(tex, False)


def test_arithmatex_output_becomes_mathml_and_the_rest_is_untouched():
    from dlpaths.mathrender import render_arithmatex

    page = (
        '<p data-b="1" data-a="2">设 <span class="arithmatex">\\(a&lt;b\\)</span></p>'
        '<div class="arithmatex">\\[\n\\frac{1}{2}\n\\]</div><svg viewBox="0 0 1 1"></svg>'
    )
    out = render_arithmatex(page, "docs/x.md")
    assert out.startswith('<p data-b="1" data-a="2">设 <span class="dl-math"><math')
    assert "<mo>&lt;</mo>" in out and '<div class="dl-math dl-math--display"><math' in out and "<mfrac>" in out
    assert out.endswith('<svg viewBox="0 0 1 1"></svg>') and "annotation" not in out


def test_bad_formula_names_the_page():
    from dlpaths.errors import ContentError
    from dlpaths.mathrender import render_arithmatex

    with pytest.raises(ContentError, match=r"docs/x.md: math: KaTeX cannot render '\\\\frac\{1\}'"):
        render_arithmatex('<span class="arithmatex">\\(\\frac{1}\\)</span>', "docs/x.md")


def test_formulas_are_kept_for_the_next_build(tmp_path, monkeypatch):
    from dlpaths import mathrender

    page = '<span class="arithmatex">\\(a^2\\)</span><div class="arithmatex">\\[\\frac{1}{2}\\]</div>'
    first = mathrender.FormulaCache(tmp_path)
    rendered = mathrender.render_arithmatex(page, "docs/x.md", first)
    first.save()
    monkeypatch.setattr(mathrender, "tex_to_mathml", lambda *a: pytest.fail("rendered again"))
    second = mathrender.FormulaCache(tmp_path)
    assert mathrender.render_arithmatex(page, "docs/x.md", second) == rendered
    only_one = '<span class="arithmatex">\\(a^2\\)</span>'
    third = mathrender.FormulaCache(tmp_path)
    mathrender.render_arithmatex(only_one, "docs/x.md", third)
    third.save()  # keeps only what this build used
    assert list(mathrender.FormulaCache(tmp_path).stored) == ["inline a^2"]
    (tmp_path / "formulas-0ld0ld0ld0ld.json").write_text("{}")
    monkeypatch.undo()
    fourth = mathrender.FormulaCache(tmp_path)
    mathrender.render_arithmatex(page, "docs/x.md", fourth)
    fourth.save()
    assert [p.name for p in tmp_path.iterdir()] == [f"formulas-{mathrender.RENDER_VERSION}.json"]


def test_figures_are_shrunk_to_a_palette_on_white():
    import base64
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from dlpaths.nbrender import png_size, shrink_figure
    from PIL import Image

    figure, axes = plt.subplots(figsize=(4, 3))
    axes.plot(range(50), [x * x for x in range(50)])
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", transparent=True)
    plt.close(figure)
    original = base64.b64encode(buffer.getvalue()).decode()
    mime, shrunk = shrink_figure(original)
    assert mime in ("image/png", "image/webp")  # whichever exact encoding is smaller
    assert len(shrunk) < len(original) * 0.7
    image = Image.open(io.BytesIO(base64.b64decode(shrunk))).convert("RGB")
    assert image.size == png_size(original)
    assert image.getpixel((1, 1)) == (255, 255, 255) and len(image.getcolors(maxcolors=256) or []) > 1


def test_commands_work_on_the_checkout_they_run_in(tmp_path):
    from dlpaths.cli import ROOT, find_root

    (tmp_path / "docs" / "_data").mkdir(parents=True)
    (tmp_path / "docs" / "_data" / "paths.yml").write_text("paths: []\n")
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n")
    (tmp_path / "docs" / "topics").mkdir()
    assert find_root(tmp_path / "docs" / "topics") == tmp_path.resolve()
    assert find_root(Path("/")) == ROOT


def test_page_weight_counts_html_assets_and_a_search(tmp_path):
    import gzip
    import json

    from dlpaths.benchmark import SAMPLE_QUERIES, page_weights, search_cost
    from dlpaths.searchindex import INDEX, WORKER, write_search_index

    site = tmp_path / "site"
    (site / "search").mkdir(parents=True)
    (site / "search" / "search_index.json").write_text(json.dumps(_material_index(*SEARCH_DOCS)))
    write_search_index(site)
    (site / WORKER).parent.mkdir(parents=True)
    (site / WORKER).write_text("w" * 300)
    (site / "topics" / "a").mkdir(parents=True)
    (site / "assets" / "app.js").write_text("x" * 500)
    (site / "assets" / "figures").mkdir()
    (site / "assets" / "figures" / "a-1.png").write_bytes(b"p" * 700)
    page = (
        '<script src="../../assets/app.js"></script><div class="dl-notebook">'
        '<img alt="图" src="../../assets/figures/a-1.png"></div>'
    )
    (site / "topics" / "a" / "index.html").write_text(page)
    (site / "index.html").write_text("<p>home</p>")

    def gz(data: bytes) -> int:
        return len(gzip.compress(data, compresslevel=9))

    manifest, worker, queries = search_cost(site)
    assert manifest == gz((site / INDEX).read_bytes()) and worker == gz(b"w" * 300)
    assert len(queries) == len(SAMPLE_QUERIES) and min(queries) > 0  # every query reads at least a shard
    search = manifest + worker + sorted(queries)[len(queries) // 2]
    weights = {w.url: w for w in page_weights(site)}
    assert weights["topics/a/"].kind == "notebook" and weights[""].kind == "text"
    assert weights["topics/a/"].assets == gz(b"x" * 500) + gz(b"p" * 700)
    assert weights["topics/a/"].figures == (700,) and weights[""].figures == ()
    assert weights[""].total == gz(b"<p>home</p>") + search


def test_figure_colours_survive_the_palette():
    import numpy as np
    from dlpaths.nbrender import exact_enough
    from PIL import Image, ImageDraw

    # A diverging heat map with many shades, a small orange legend patch and a green line
    t = np.linspace(0, 1, 400)[:, None]
    blue, white, red = np.array([5, 48, 97]), np.array([247, 247, 247]), np.array([103, 0, 31])
    row = np.where(t < 0.5, blue + (white - blue) * t * 2, white + (red - white) * (t - 0.5) * 2)
    shades = np.tile(row[None], (300, 1, 1)) + np.random.default_rng(0).normal(0, 3, (300, 400, 3))
    figure = Image.fromarray(shades.clip(0, 255).astype("uint8"))
    draw = ImageDraw.Draw(figure)
    draw.rectangle((380, 5, 390, 9), fill=(255, 127, 14))
    draw.line((0, 290, 400, 290), fill=(44, 160, 44), width=2)
    kept = np.asarray(exact_enough(figure).convert("RGB"), dtype=int)
    error = np.abs(np.asarray(figure, dtype=int) - kept).max(axis=2)
    assert error[5:10, 380:391].max() <= 8  # still orange (median cut made it a shade of the map: error 122)
    assert error.max() <= 16


def test_photographs_go_out_as_jpeg_and_plots_as_png():
    import base64
    import io

    import numpy as np
    from dlpaths.nbrender import shrink_figure
    from PIL import Image

    rng = np.random.default_rng(0)
    smooth = np.cumsum(np.cumsum(rng.normal(size=(300, 400, 3)), axis=0), axis=1)
    photo = ((smooth - smooth.min()) / np.ptp(smooth) * 255).astype("uint8")
    buffer = io.BytesIO()
    Image.fromarray(photo).save(buffer, "PNG")
    mime, data = shrink_figure(base64.b64encode(buffer.getvalue()).decode())
    assert mime == "image/jpeg" and len(base64.b64decode(data)) * 2 <= len(buffer.getvalue())

    plot = np.full((300, 400, 3), 255, dtype="uint8")
    plot[100:102, :] = (31, 119, 180)
    buffer = io.BytesIO()
    Image.fromarray(plot).save(buffer, "PNG")
    assert shrink_figure(base64.b64encode(buffer.getvalue()).decode())[0] in ("image/png", "image/webp")


def test_link_identity_ignores_scheme_www_and_trailing_slash():
    assert links.identity("https://www.Example.org/a/") == links.identity("http://example.org/a")
    assert links.identity("https://example.org/a#x") != links.identity("https://example.org/a#y")
    assert links.identity("https://example.org/a?p=1") != links.identity("https://example.org/a")


def test_without_tracking_keeps_real_parameters():
    url = "https://www.bilibili.com/video/BV1?p=3&vd_source=abc&spm_id_from=333&utm_medium=x"
    assert links.without_tracking(url) == "https://www.bilibili.com/video/BV1?p=3"
    assert links.url_problems("https://www.bilibili.com/video/BV1?p=3", links.LinkPolicy()) == []


def _material_index(*docs) -> dict:
    """A search index as Material's plugin writes it: jieba's zero-width spaces, HTML text."""
    entries = [{"location": location, "title": title, "text": text} for location, title, text in docs]
    return {"config": {"separator": "[\\s\\u200b]+"}, "docs": entries}


SEARCH_DOCS = (
    ("topics/backprop/", "反向传播", "链式\u200b法则 <p>把误差从输出层往回传</p>"),
    (
        "topics/backprop/#code",
        "代码",
        "<p>用 <code>torch.nn</code> &lt;写&gt;</p> <pre><code>secretword = 1\n</code></pre>",
    ),
    ("topics/loss/", "代价函数", "<p>交叉熵代价是分类的标准选择</p>"),
    ("topics/loss/#more", "更多", "<p>Transformer 用交叉熵训练；反向传播算梯度</p>"),
)


def test_search_terms_are_chinese_pairs_run_ends_and_lowercase_words():
    from dlpaths.searchindex import terms

    assert terms("反向传播 GPT-2") == ["反向", "向传", "传播", "播", "gpt", "2"]
    assert terms("熵，nn.Linear") == ["熵", "nn", "linear"]


def test_search_sections_are_plain_text_without_code_blocks():
    from dlpaths.searchindex import ShardedIndex

    index = ShardedIndex.build(_material_index(*SEARCH_DOCS))
    assert index.sections[0].text == "链式法则 把误差从输出层往回传"  # no zero-width spaces or tags
    assert index.sections[1].text == "用 torch.nn <写>"  # inline code stays, blocks go, entities decoded
    assert index.search("secretword") == []


@pytest.mark.parametrize(
    ("query", "best"),
    [
        ("反向传播", "topics/backprop/"),  # a title match beats a mention
        ("熵", "topics/loss/"),  # one character inside a word (交叉熵)
        ("trans", "topics/loss/#more"),  # a word prefix
        ("TORCH", "topics/backprop/#code"),  # case-insensitive
        ("交叉熵 反向传播", "topics/loss/#more"),  # the only section with both
    ],
)
def test_search_ranking(query, best):
    from dlpaths.searchindex import ShardedIndex

    found = ShardedIndex.build(_material_index(*SEARCH_DOCS)).search(query)
    assert found and found[0][0] == best, found


def test_long_sections_are_searched_and_excerpted_piece_by_piece(tmp_path):
    import json

    from dlpaths import searchindex

    filler = "这一段只是用来凑长度的文字" * 200  # 2,600 characters
    long_text = f"<p>{filler}开头没有的词：马尔可夫链{filler}</p>"
    docs = (*SEARCH_DOCS, ("glossary/", "术语表", long_text))
    (tmp_path / "search").mkdir()
    (tmp_path / "search" / "search_index.json").write_text(json.dumps(_material_index(*docs)))
    index = searchindex.write_search_index(tmp_path)

    pieces = [section for section in index.sections if section.location == "glossary/"]
    assert len(pieces) == 4 and [p.continued for p in pieces] == [False, True, True, True]
    assert all(len(p.text) <= searchindex.PIECE + searchindex.OVERLAP for p in pieces)
    found = searchindex.search_site(tmp_path, "马尔可夫链")
    assert found.locations == ["glossary/"]  # one result for the section, not one per piece
    piece = index.sections[found.sections[0]]
    assert "马尔可夫链" in piece.text and piece.continued
    texts = [path for path in searchindex.search_downloads(tmp_path, "马尔可夫链") if path.parent.name == "text"]
    assert texts == [searchindex.TEXTS / f"{found.sections[0]}.txt"]  # only the piece with the match
    assert searchindex.search_site(tmp_path, "术语表").locations == ["glossary/"]  # the title counts once
    manifest = json.loads((tmp_path / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert manifest["docs"][-3:] == [[], [], []]


def test_search_postings_round_trip():
    from dlpaths.searchindex import decode, encode

    entries = {0: 1, 3: 5, 4: 7, 900: 2}
    assert decode(encode(entries)) == entries
    assert encode(entries) == [1, 3 * 8 + 5 - 1, 8 + 2, 896 * 8 - 5]


def test_search_index_is_split_into_manifest_shards_and_texts(tmp_path):
    import json

    from dlpaths import searchindex

    (tmp_path / "search").mkdir()
    (tmp_path / "search" / "search_index.json").write_text(json.dumps(_material_index(*SEARCH_DOCS)))
    workers = tmp_path / "assets" / "javascripts" / "workers"
    workers.mkdir(parents=True)
    (workers / "search.0123abcd.min.js").write_text("material")
    (tmp_path / "search" / "text").mkdir()
    (tmp_path / "search" / "text" / "99.txt").write_text("stale")

    searchindex.write_search_index(tmp_path)
    manifest = json.loads((tmp_path / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert manifest["docs"][:2] == [["topics/backprop/", "反向传播"], ["#code", "代码"]]
    assert searchindex.manifest_locations(manifest["docs"]) == [doc[0] for doc in SEARCH_DOCS]
    engine = manifest["config"]["dlpaths"]
    assert engine["format"] == searchindex.FORMAT and engine["shards"] == searchindex.SHARD_COUNT
    assert len(list((tmp_path / "search" / "shards").iterdir())) == searchindex.SHARD_COUNT
    assert sorted(p.name for p in (tmp_path / "search" / "text").iterdir()) == ["0.txt", "1.txt", "2.txt", "3.txt"]
    assert not list(workers.iterdir())  # Material's worker is unused

    downloads = searchindex.search_downloads(tmp_path, "反向传播")
    shard = Path("search/shards") / f"{searchindex.shard_of('反向')}.json"
    assert downloads[0] == shard and Path("search/text/0.txt") in downloads

    with pytest.raises(ValueError, match="already split"):
        searchindex.write_search_index(tmp_path)
    assert searchindex.write_search_index(tmp_path / "missing") is None


def test_serve_rebuilds_keep_unchanged_search_files(tmp_path):
    import json

    from dlpaths import searchindex
    from mkdocs.utils import clean_directory

    def build(docs):
        (tmp_path / "search").mkdir(exist_ok=True)
        (tmp_path / "search" / "search_index.json").write_text(json.dumps(_material_index(*docs)))
        searchindex.write_search_index(tmp_path)

    build(SEARCH_DOCS)
    unchanged, edited = tmp_path / "search" / "text" / "0.txt", tmp_path / "search" / "text" / "3.txt"
    inode = unchanged.stat().st_ino
    searchindex.keep_previous_split(tmp_path)
    clean_directory(str(tmp_path))  # what MkDocs does before each build
    build((*SEARCH_DOCS[:3], ("topics/loss/#more", "更多", "<p>改了一个字</p>")))
    assert unchanged.stat().st_ino == inode and edited.read_text(encoding="utf-8") == "改了一个字"
    assert not (tmp_path / searchindex.KEPT).exists()
    searchindex.keep_previous_split(tmp_path)
    searchindex.drop_kept_split(tmp_path)  # a failed build
    assert not (tmp_path / searchindex.KEPT).exists() and not (tmp_path / "search" / "text").exists()


def test_search_version_changes_with_any_text(tmp_path):
    from dlpaths.searchindex import INDEX, ShardedIndex

    def version(docs):
        return ShardedIndex.build(_material_index(*docs)).files()[INDEX]

    edited = (*SEARCH_DOCS[:3], ("topics/loss/#more", "更多", "<p>改了一个字</p>"))
    assert version(SEARCH_DOCS) == version(SEARCH_DOCS)
    assert version(SEARCH_DOCS) != version(edited)


def test_offline_index_carries_every_shard_and_text(tmp_path):
    import json

    from dlpaths import searchindex

    (tmp_path / "search").mkdir()
    (tmp_path / "search" / "search_index.json").write_text(json.dumps(_material_index(*SEARCH_DOCS)))
    searchindex.write_search_index(tmp_path)
    manifest = searchindex.inline_index(tmp_path)
    inline = manifest["config"]["dlpaths"]["inline"]
    assert len(inline["shards"]) == searchindex.SHARD_COUNT and inline["texts"][2] == "交叉熵代价是分类的标准选择"
    assert not (tmp_path / "search" / "shards").exists() and not (tmp_path / "search" / "text").exists()


def test_pages_use_the_dlpaths_search_worker():
    from dlpaths.searchindex import use_search_worker

    config = '{"base": "../..", "search": "../../assets/javascripts/workers/search.a7633da7.min.js"}'
    assert use_search_worker(config) == '{"base": "../..", "search": "../../assets/javascripts/search-worker.js"}'
    with pytest.raises(ValueError, match="update MATERIAL_WORKER_RE"):
        use_search_worker('{"search": "../../assets/javascripts/workers/find.min.js"}')


@pytest.mark.parametrize(
    ("url", "on_disk"),
    [
        ("", "index.html"),
        ("topics/pca/", "topics/pca.html"),
        ("paths/path-1/", "paths/path-1.html"),
        ("a.zip", "a.zip"),
    ],
)
def test_file_url_names_the_html_file(url, on_disk):
    assert pathlogic.file_url(url) == on_disk


def test_client_data_for_the_offline_copy_links_to_html_files(site):
    data = pathlogic.client_data(site, directory_urls=False)
    assert all(topic["url"].endswith(".html") for topic in data["topics"].values())
    assert all(path["url"].endswith(".html") for path in data["paths"])


def test_home_links_the_offline_zip_only_where_it_is_offered(site):
    from conftest import ROOT
    from dlpaths.components import Components

    components = Components(ROOT / "overrides" / "dlpaths", site)
    assert "dlpaths-offline.zip" not in components.home("")
    components.offer_offline_copy(True)
    assert 'href="downloads/dlpaths-offline.zip"' in components.home("")
    components.use_directory_urls(False)  # the offline copy itself
    assert "dlpaths-offline.zip" not in components.home("")


def test_map_links_cover_their_boxes_in_percent():
    path_map = pathmap.PathMap(nodes=(), edges=(), width=400, height=200)
    assert pathmap.css_box(path_map, 20, 50, 100, 40) == "left:5.000%;top:25.000%;width:25.000%;height:20.000%"


def test_benchmark_server_behaves_like_a_static_host(tmp_path):
    import gzip
    import urllib.error
    import urllib.request

    from dlpaths.lighthouse import serve

    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text("<p>页面</p>" * 100, encoding="utf-8")
    (tmp_path / "404.html").write_text("missing", encoding="utf-8")
    (tmp_path / "f.png").write_bytes(b"\x89PNG" + bytes(200))

    def get(base, path):
        request = urllib.request.Request(base + path, headers={"Accept-Encoding": "gzip"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    with serve(tmp_path) as base:
        status, headers, body = get(base, "a/")
        assert status == 200 and headers["Content-Encoding"] == "gzip" and headers["Cache-Control"] == "max-age=600"
        assert gzip.decompress(body).decode() == "<p>页面</p>" * 100
        status, headers, body = get(base, "f.png")
        assert headers.get("Content-Encoding") is None and body.startswith(b"\x89PNG")
        status, _, body = get(base, "nope/")
        assert status == 404 and gzip.decompress(body) == b"missing"


def test_inline_figures_become_content_named_files():
    import base64 as b64

    from dlpaths.nbrender import externalize_figures

    png = b"\x89PNG\r\n\x1a\n" + bytes(40)
    html = f'<p><img alt="图" loading="lazy" src="data:image/png;base64,{b64.b64encode(png).decode()}"></p>'
    out, files = externalize_figures(html + html, "pca", "../../")
    [(name, data)] = files.items()  # the same figure twice is one file
    assert name.startswith("assets/figures/pca-") and name.endswith(".png") and data == png
    assert out.count(f'src="../../{name}"') == 2 and "base64" not in out


def test_search_entries_are_reused_only_for_an_identical_page(tmp_path):
    from types import SimpleNamespace

    from dlpaths.searchcache import SearchEntryCache

    class Index:
        def __init__(self):
            self.entries, self.parsed = [], 0

        def add_entry_from_context(self, page):
            self.parsed += 1
            self.entries.append({"location": page.url, "title": page.title, "text": page.content})

    def page(content, title="标题"):
        return SimpleNamespace(url="topics/a/", title=title, meta={}, toc=[], content=content)

    first = Index()
    SearchEntryCache(tmp_path, salt="dict-v1").install(first)
    first.add_entry_from_context(page("<p>反向传播</p>"))
    second = Index()
    cache = SearchEntryCache(tmp_path, salt="dict-v1")
    cache.install(second)
    second.add_entry_from_context(page("<p>反向传播</p>"))
    assert second.parsed == 0 and second.entries == first.entries and cache.hits == 1
    second.add_entry_from_context(page("<p>反向传播</p>", title="新标题"))  # any input changes the key
    third = Index()
    SearchEntryCache(tmp_path, salt="dict-v2").install(third)  # a new jieba dictionary re-indexes
    third.add_entry_from_context(page("<p>反向传播</p>"))
    assert second.parsed == 1 and third.parsed == 1
    assert cache.evict_unused(now=time.time() + 15 * 86400) == 3


def test_check_reports_math_in_notebook_headings():
    import nbformat
    from dlpaths.hygiene import _math_in_headings

    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("### 2. 最优价值 $V^*$\n正文里的 $x$ 没问题"),
            nbformat.v4.new_code_cell("# $x$"),
        ]
    )
    [problem] = _math_in_headings("rl.py", notebook)
    assert problem.startswith("notebooks/rl.py: math in the heading '### 2. 最优价值 $V^*$'")


def test_notebook_code_keeps_coloured_tokens_and_drops_plain_spans():
    from bs4 import BeautifulSoup
    from dlpaths.nbrender import _use_material_code_blocks

    wrapper = BeautifulSoup(
        '<div class="jupyter-wrapper"><div class="highlight-ipynb"><pre><span></span>'
        '<span class="kn">import</span><span class="w"> </span><span class="nn">torch</span>\n'
        '<span class="n">x</span> <span class="o">=</span> <span class="mi">1</span></pre></div></div>',
        "html.parser",
    )
    _use_material_code_blocks(wrapper)
    code = wrapper.select_one("div.highlight pre code")
    assert code.get_text() == "import torch\nx = 1"
    assert [span["class"] for span in code.find_all("span")] == [["kn"], ["nn"], ["o"], ["mi"]]


def test_serve_polls_for_changes_every_tenth_of_a_second(tmp_path):
    from dlpaths.devserver import POLL_SECONDS, poll_faster
    from mkdocs.livereload import LiveReloadServer

    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path))
    (tmp_path / "docs").mkdir()
    (tmp_path / "notebooks").mkdir()
    server.watch(str(tmp_path / "docs"))
    poll_faster(server.observer)
    server.watch(str(tmp_path / "notebooks"))  # MkDocs adds `watch:` folders after on_serve
    assert len(server.observer.emitters) == 2
    assert {emitter.timeout for emitter in server.observer.emitters} == {POLL_SECONDS}
    server.server_close()
