"""`dlpaths new` makes a page and notebook that validate and build."""

from __future__ import annotations

import pytest
from conftest import copy_fixture, run_build
from dlpaths.content import load_site
from dlpaths.errors import ContentError
from dlpaths.scaffold import create_topic


def test_new_topic_validates(tmp_path):
    site = copy_fixture(tmp_path)
    created = create_topic(site, "gamma-ray", "伽马", "main", after="alpha")
    assert [p.name for p in created] == ["gamma-ray.md", "gamma-ray.py", "paths.yml"]
    loaded = load_site(site / "docs", site / "notebooks")
    assert loaded.path("main").steps == ("alpha", "gamma-ray", "beta")
    assert loaded.topics["gamma-ray"].notebook == "gamma-ray.py"


def test_new_topic_rejects_bad_input(tmp_path):
    site = copy_fixture(tmp_path)
    with pytest.raises(ContentError, match="not an ASCII slug"):
        create_topic(site, "伽马", "伽马", "main")
    with pytest.raises(ContentError, match="unknown path 'nope'"):
        create_topic(site, "gamma", "伽马", "nope")
    with pytest.raises(ContentError, match="already exists"):
        create_topic(site, "alpha", "阿尔法", "main")


@pytest.mark.slow
def test_new_topic_builds(tmp_path):
    site = copy_fixture(tmp_path)
    create_topic(site, "gamma", "伽马", "main")
    result = run_build(site, tmp_path / "out" / "site", tmp_path / "cache")
    assert result.ok, result.output
    html = (tmp_path / "out" / "site" / "topics/gamma/index.html").read_text(encoding="utf-8")
    assert "第 3/3 步" in html and "mean =" in html


def test_new_text_page_has_no_notebook_and_no_lesson_sections(tmp_path):
    site = copy_fixture(tmp_path)
    created = create_topic(site, "books", "推荐书籍", "main", notebook=False)
    assert [p.name for p in created] == ["books.md", "paths.yml"]
    loaded = load_site(site / "docs", site / "notebooks")
    assert loaded.topics["books"].notebook is None
    body = created[0].read_text(encoding="utf-8")
    assert "<!-- dlpaths:resources -->" in body and "## 下一步" in body
    assert "dlpaths:notebook" not in body and "## 练习" not in body
