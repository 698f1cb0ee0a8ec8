"""The validator rejects bad input with a message naming the file, the field or line, and the fix."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from dlpaths.content import find_markers, find_prerequisite_cycle, load_site, split_front_matter
from dlpaths.errors import ContentError


def load(site: Path):
    return load_site(site / "docs", site / "notebooks")


def problems_of(site: Path) -> str:
    with pytest.raises(ContentError) as caught:
        load(site)
    return str(caught.value)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_good_fixture_loads(fixture_site):
    site = load(fixture_site)
    assert sorted(site.topics) == ["alpha", "beta"]
    alpha = site.topics["alpha"]
    assert alpha.notebook == "alpha.py"
    assert alpha.resources[2].mirror.url == "https://m.example.org/"
    assert alpha.resources[2].china_access == "blocked"
    assert site.path("main").steps == ("alpha", "beta")
    assert site.glossary[0].zh == "反向传播"


def test_malformed_yaml_names_file_and_line(fixture_site):
    edit(fixture_site / "docs/topics/beta.md", "hours: 2.5", "hours: [2.5")
    message = problems_of(fixture_site)
    assert "docs/topics/beta.md: line 5: malformed YAML" in message
    assert "fix:" in message


def test_missing_front_matter(fixture_site):
    page = fixture_site / "docs/topics/beta.md"
    _, body = split_front_matter(page.read_text(encoding="utf-8"))
    page.write_text(body, encoding="utf-8")
    message = problems_of(fixture_site)
    assert "docs/topics/beta.md: line 1: the page has no front matter" in message


def test_unknown_field_suggests_spelling(fixture_site):
    edit(fixture_site / "docs/topics/beta.md", "hours: 2.5", "hours: 2.5\nlevle: beginner")
    message = problems_of(fixture_site)
    assert re.search(r"docs/topics/beta\.md: line 5, levle: unknown field 'levle'", message)
    assert "did you mean 'level'?" in message


def test_missing_field(fixture_site):
    edit(fixture_site / "docs/topics/beta.md", "hours: 2.5\n", "")
    message = problems_of(fixture_site)
    assert "docs/topics/beta.md: line 2: missing required field 'hours'" in message
    assert "add `hours:`" in message


def test_wrong_type_names_the_field(fixture_site):
    edit(fixture_site / "docs/topics/beta.md", "hours: 2.5", "hours: two")
    message = problems_of(fixture_site)
    assert "docs/topics/beta.md: line 4, hours: 'two' is not of type number" in message


def test_wrong_enum_lists_choices(fixture_site):
    edit(fixture_site / "docs/topics/beta.md", "kind: book", "kind: article")
    message = problems_of(fixture_site)
    assert "resources[1].kind: 'article' is not allowed" in message
    assert "use one of: paper, blog, video, book, course, code, docs, tool" in message


def test_non_http_url_rejected(fixture_site):
    edit(fixture_site / "docs/topics/beta.md", '"https://d.example.org/"', '"javascript:alert(1)"')
    message = problems_of(fixture_site)
    assert "resources[1].url: 'javascript:alert(1)' is not an http(s) URL" in message


def test_duplicate_url_within_page(fixture_site):
    edit(fixture_site / "docs/topics/beta.md", '"https://d.example.org/"', '"https://a.example.org"')
    message = problems_of(fixture_site)
    assert "duplicate URL https://a.example.org (also at resources[0].url)" in message


def test_plain_http_rejected_with_https_fix(fixture_site):
    edit(fixture_site / "docs/topics/beta.md", '"https://d.example.org/"', '"http://d.example.org/x"')
    message = problems_of(fixture_site)
    assert "line 9, resources[1].url: http://d.example.org/x uses plain http" in message
    assert "fix: use https://d.example.org/x" in message


def test_plain_http_allowed_for_listed_host(fixture_site):
    edit(fixture_site / "docs/topics/beta.md", '"https://d.example.org/"', '"http://plain.example.org/book"')
    load(fixture_site)


def test_tracking_parameters_rejected(fixture_site):
    edit(
        fixture_site / "docs/topics/beta.md",
        '"https://d.example.org/"',
        '"https://d.example.org/v?p=2&utm_source=x&spm_id_from=333.1"',
    )
    message = problems_of(fixture_site)
    assert "carries tracking parameters (spm_id_from, utm_source)" in message
    assert "fix: use https://d.example.org/v?p=2" in message


def test_dead_host_rejected(fixture_site):
    edit(fixture_site / "docs/topics/beta.md", '"https://d.example.org/"', '"https://www.gone.example.org/a"')
    message = problems_of(fixture_site)
    assert "is on gone.example.org, which the project has marked dead" in message
    assert "web.archive.org" in message


def test_one_resource_spelled_two_ways_across_pages(fixture_site):
    edit(fixture_site / "docs/topics/beta.md", '"https://a.example.org/"', '"https://www.a.example.org"')
    message = problems_of(fixture_site)
    assert (
        "docs/topics/beta.md: line 8, resources[0].url: https://www.a.example.org is spelled https://a.example.org/"
        in message
    )
    assert "fix: use one spelling: https://a.example.org/" in message


def test_one_resource_described_two_ways_across_pages(fixture_site):
    edit(fixture_site / "docs/topics/beta.md", "free: true, author: A,", "free: true, author: A. N. Other,")
    message = problems_of(fixture_site)
    assert "author 'A. N. Other' differs from 'A' for the same URL in docs/topics/alpha.md" in message


def test_malformed_link_policy(fixture_site):
    edit(fixture_site / "docs/_data/links.yml", "since: 2026-01-01", "since: last year")
    message = problems_of(fixture_site)
    assert "docs/_data/links.yml: line 7, dead_hosts[0].since" in message


def test_unknown_prerequisite_suggests_slug(fixture_site):
    edit(fixture_site / "docs/topics/beta.md", "prerequisites: [alpha]", "prerequisites: [alpah]")
    message = problems_of(fixture_site)
    assert "docs/topics/beta.md: prerequisites: unknown prerequisite 'alpah'" in message
    assert "did you mean 'alpha'?" in message


def test_prerequisite_cycle_is_reported(fixture_site):
    edit(fixture_site / "docs/topics/alpha.md", "prerequisites: []", "prerequisites: [beta]")
    message = problems_of(fixture_site)
    assert "prerequisite cycle: alpha -> beta -> alpha" in message


def test_cycle_finder_on_three_topics(fixture_site):
    site = load(fixture_site)
    topics = dict(site.topics)
    from dataclasses import replace

    topics["alpha"] = replace(topics["alpha"], prerequisites=("gamma",))
    topics["gamma"] = replace(topics["alpha"], slug="gamma", prerequisites=("beta",))
    assert find_prerequisite_cycle(topics) == ["alpha", "gamma", "beta", "alpha"]
    assert find_prerequisite_cycle(site.topics) is None


def test_prerequisite_after_topic_in_path(fixture_site):
    edit(fixture_site / "docs/_data/paths.yml", "      - alpha\n      - beta\n", "      - beta\n      - alpha\n")
    message = problems_of(fixture_site)
    assert "'beta' comes before its prerequisite 'alpha'" in message


def test_missing_notebook_source(fixture_site):
    (fixture_site / "notebooks/alpha.py").unlink()
    message = problems_of(fixture_site)
    assert "docs/topics/alpha.md: notebook: notebook source notebooks/alpha.py does not exist" in message


def test_topic_in_no_path(fixture_site):
    edit(fixture_site / "docs/_data/paths.yml", "      - beta\n", "")
    message = problems_of(fixture_site)
    assert "docs/topics/beta.md: the topic is in no learning path" in message
    assert "add 'beta' to the steps of a path in docs/_data/paths.yml" in message


def test_unknown_path_step(fixture_site):
    edit(fixture_site / "docs/_data/paths.yml", "      - beta\n", "      - beta\n      - gamma\n")
    message = problems_of(fixture_site)
    assert "docs/_data/paths.yml: path 'main', steps: unknown step 'gamma'" in message


STAGED = "    stages:\n      - title: 入门\n        steps:\n          - alpha\n      - title: 进阶\n        steps:\n          - beta\n"


def test_path_with_stages_loads_in_order(fixture_site):
    edit(fixture_site / "docs/_data/paths.yml", "    steps:\n      - alpha\n      - beta\n", STAGED)
    main = load(fixture_site).path("main")
    assert main.steps == ("alpha", "beta")
    assert [(s.number, s.title, s.steps) for s in main.stages] == [(1, "入门", ("alpha",)), (2, "进阶", ("beta",))]


def test_path_needs_steps_or_stages_not_both(fixture_site):
    edit(fixture_site / "docs/_data/paths.yml", "    steps:\n", STAGED + "    steps:\n")
    message = problems_of(fixture_site)
    assert "docs/_data/paths.yml: line 2, paths[0]: path 'main' has both `steps` and `stages`" in message
    assert "fix: give it either a flat `steps:` list or `stages:`" in message


def test_step_in_two_stages(fixture_site):
    edit(
        fixture_site / "docs/_data/paths.yml",
        "    steps:\n      - alpha\n      - beta\n",
        STAGED + "          - alpha\n",
    )
    message = problems_of(fixture_site)
    assert "step 'alpha' appears in more than one stage of path 'main'" in message


def test_long_stage_title(fixture_site):
    edit(
        fixture_site / "docs/_data/paths.yml",
        "    steps:\n      - alpha\n      - beta\n",
        STAGED.replace("入门", "很" * 13),
    )
    message = problems_of(fixture_site)
    assert "stages[0].title" in message and "maxLength 12" in message


def test_malformed_paths_file(fixture_site):
    edit(fixture_site / "docs/_data/paths.yml", "    short_title: 主路线", "    short_title: : :")
    message = problems_of(fixture_site)
    assert "docs/_data/paths.yml: line 4: malformed YAML" in message


def test_glossary_unknown_topic(fixture_site):
    edit(fixture_site / "docs/_data/glossary.yml", "topic: alpha", "topic: alfa")
    message = problems_of(fixture_site)
    assert "docs/_data/glossary.yml: term '反向传播', topic: unknown topic 'alfa'" in message


def test_timeline_loads_oldest_first(fixture_site):
    site = load(fixture_site)
    assert [event.date for event in site.timeline] == ["2013-01", "2013-01-16"]
    assert site.timeline[0].date_label == "2013 年 1 月" and site.timeline[1].date_label == "2013 年 1 月 16 日"
    assert "https://two.example.org/" in site.link_urls()


def test_timeline_out_of_order(fixture_site):
    edit(fixture_site / "docs/_data/timeline.yml", '"2013-01-16"', '"2012-12-31"')
    message = problems_of(fixture_site)
    assert re.search(
        r"docs/_data/timeline\.yml: line 8, events\[1\]\.date: '第二件事' \(2012-12-31\) comes after", message
    )
    assert "list the events oldest first" in message


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ('"2013-02-30"', "'2013-02-30' is not a real date"),
        ('"2013/01/16"', "'2013/01/16' is not a date"),
        ("2013-1-16", "'2013-1-16' is not a date"),
    ],
)
def test_timeline_bad_dates(fixture_site, written, expected):
    edit(fixture_site / "docs/_data/timeline.yml", '"2013-01-16"', written)
    message = problems_of(fixture_site)
    assert "docs/_data/timeline.yml: line 8" in message
    assert expected in message


def test_timeline_source_must_be_clean_https(fixture_site):
    edit(
        fixture_site / "docs/_data/timeline.yml",
        "https://one.example.org/paper",
        "http://one.example.org/paper?utm_source=x",
    )
    message = problems_of(fixture_site)
    assert "docs/_data/timeline.yml: line 6, events[0].source.url" in message
    assert "https://one.example.org/paper" in message  # the suggested fix


def test_timeline_event_needs_a_source(fixture_site):
    edit(
        fixture_site / "docs/_data/timeline.yml",
        '    source: {title: Source One, url: "https://one.example.org/paper"}\n',
        "",
    )
    message = problems_of(fixture_site)
    assert "docs/_data/timeline.yml: line 3, events[0]: missing required field 'source'" in message


def test_timeline_unknown_topic(fixture_site):
    edit(fixture_site / "docs/_data/timeline.yml", "topic: alpha", "topic: alfa")
    message = problems_of(fixture_site)
    assert "docs/_data/timeline.yml: event '第一件事', topic: unknown topic 'alfa'" in message
    assert "did you mean 'alpha'?" in message


def test_timeline_marker_without_data_file(fixture_site):
    (fixture_site / "docs/_data/timeline.yml").unlink()
    message = problems_of(fixture_site)
    assert re.search(
        r"docs/topics/beta\.md: line \d+: the page shows the timeline but docs/_data/timeline\.yml", message
    )


def test_unknown_marker(fixture_site):
    edit(fixture_site / "docs/topics/beta.md", "## 正文", "## 正文\n\n<!-- dlpaths:quiz -->")
    message = problems_of(fixture_site)
    assert re.search(r"docs/topics/beta\.md: line \d+: unknown marker 'dlpaths:quiz'", message)


def test_missing_resources_marker(fixture_site):
    edit(fixture_site / "docs/topics/beta.md", "<!-- dlpaths:resources -->", "")
    message = problems_of(fixture_site)
    assert "must contain the marker <!-- dlpaths:resources --> once (found 0)" in message


def test_notebook_marker_without_notebook(fixture_site):
    edit(fixture_site / "docs/topics/beta.md", "## 正文", "## 正文\n\n<!-- dlpaths:notebook -->")
    message = problems_of(fixture_site)
    assert "found 1 notebook marker(s), expected 0" in message


def test_path_overview_unknown_path(fixture_site):
    edit(fixture_site / "docs/paths/main.md", "path-overview main", "path-overview side")
    message = problems_of(fixture_site)
    assert "unknown path 'side'" in message


def test_non_ascii_file_name(fixture_site):
    (fixture_site / "docs/topics/beta.md").rename(fixture_site / "docs/topics/贝塔.md")
    message = problems_of(fixture_site)
    assert "is not an ASCII slug" in message


def test_all_problems_reported_at_once(fixture_site):
    edit(fixture_site / "docs/topics/beta.md", "hours: 2.5", "hours: two")
    edit(fixture_site / "docs/topics/alpha.md", "level: beginner", "level: easy")
    message = problems_of(fixture_site)
    assert message.startswith("2 content problems found:")


def test_math_in_heading_names_the_line(fixture_site):
    edit(fixture_site / "docs/topics/beta.md", "## 正文", "## 正文 $x^2$\n\n```text\n# $not a heading$\n```")
    message = problems_of(fixture_site)
    assert "docs/topics/beta.md: line 13: math in a heading: ## 正文 $x^2$" in message
    assert "not a heading" not in message and "write it as plain text" in message


def test_notebook_named_like_a_package_is_rejected(fixture_site):
    (fixture_site / "notebooks/alpha.py").rename(fixture_site / "notebooks/pandas.py")
    edit(fixture_site / "docs/topics/alpha.md", "notebook: alpha.py", "notebook: pandas.py")
    message = problems_of(fixture_site)
    assert "notebooks/pandas.py would hide the installed module 'pandas'" in message
    assert "rename it, e.g. 'pandas-basics.py'" in message


def test_find_markers_reports_lines():
    body = "a\n<!-- dlpaths:path-overview path-1 -->\nb\n<!-- dlpaths:resources -->\n"
    assert find_markers(body) == [("path-overview", ("path-1",), 2), ("resources", (), 4)]


def test_real_site_is_valid():
    root = Path(__file__).resolve().parents[1]
    site = load(root)
    assert len(site.paths) == 2
    for topic in site.topics.values():
        assert len(topic.resources) >= 3, topic.slug
