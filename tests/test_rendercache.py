"""`dlpaths serve` reuses unchanged pages' Markdown renders; the pages come out exactly the same."""

from __future__ import annotations

import pytest
from conftest import copy_fixture
from dlpaths import rendercache
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

pytestmark = pytest.mark.slow


@pytest.fixture
def serve_like(tmp_path, monkeypatch):
    """Build the fixture site repeatedly in one process, as `dlpaths serve` does."""
    monkeypatch.setenv("DLPATHS_CACHE_DIR", str(tmp_path / "cache"))
    site = copy_fixture(tmp_path)
    calls: list[str] = []
    original = rendercache._original_render

    def counted(page, config, files):
        calls.append(page.file.src_uri)
        return original(page, config, files)

    monkeypatch.setattr(rendercache, "_original_render", counted)
    rendercache.install()

    def run(out: str) -> dict[str, str]:
        calls.clear()
        config = load_config(str(site / "mkdocs.yml"), site_dir=str(tmp_path / out))
        config.plugins.on_startup(command="serve", dirty=False)
        build(config)
        return {
            str(path.relative_to(tmp_path / out)): path.read_text(encoding="utf-8")
            for path in (tmp_path / out).rglob("*.html")
        }

    yield site, run, calls
    rendercache.uninstall()


def test_unchanged_pages_reuse_their_render_and_come_out_the_same(serve_like):
    site, run, calls = serve_like
    first = run("one")
    assert "topics/alpha.md" in calls
    second = run("two")
    assert calls == []  # nothing changed: every render reused
    assert second == first

    page = site / "docs" / "topics" / "beta.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n新加的一句话。\n", encoding="utf-8")
    third = run("three")
    assert calls == ["topics/beta.md"]
    assert "新加的一句话。" in third["topics/beta/index.html"]
    assert third["topics/alpha/index.html"] == first["topics/alpha/index.html"]


def test_a_broken_link_fails_every_rebuild(serve_like):
    site, run, calls = serve_like
    run("one")
    page = site / "docs" / "topics" / "beta.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n[没有这一页](gamma.md)\n", encoding="utf-8")
    for out in ("two", "three"):
        with pytest.raises(Abort):
            run(out)
        assert "topics/beta.md" in calls  # rendered again, so the warning is raised again


def test_render_key_covers_the_file_list(serve_like, tmp_path):
    site, run, calls = serve_like
    run("one")
    (site / "docs" / "extra.md").write_text("# 另一页\n", encoding="utf-8")
    run("two")
    assert "topics/alpha.md" in calls  # a new file can make a link valid: nothing is reused
