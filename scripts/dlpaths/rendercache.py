"""Reuse each page's Markdown render between `dlpaths serve` rebuilds.

MkDocs rebuilds every page after any change; converting the Markdown of pages that did not change
was a third of the time until an edit shows in the browser. A render is reused only when everything
it depends on is the same: the page's text, its place, the names of all files (links are checked
against them) and the Markdown configuration. Pages that pull in other files (snippets) and renders
that logged a warning are never reused, so a broken link keeps failing the strict build.

Only `dlpaths serve` installs this; `dlpaths build` renders every page afresh.
"""

from __future__ import annotations

import copy
import hashlib
import json
import logging
from dataclasses import dataclass

from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

SNIPPET_MARK = "--8<--"


@dataclass(frozen=True)
class _Render:
    content: str
    toc_tokens: list
    title: str | None
    present_anchor_ids: set[str] | None
    links_to_anchors: dict[str, dict[str, str]] | None  # by the linked file's src_uri


class _Warnings(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.count = 0

    def emit(self, record):
        self.count += 1


_cache: dict[str, _Render] = {}
_original_render = Page.render


def install() -> None:
    """Make Page.render reuse unchanged pages' renders (idempotent)."""
    Page.render = _render_or_reuse


def uninstall() -> None:
    Page.render = _original_render
    _cache.clear()


def render_key(page: Page, config, files) -> str:
    described = json.dumps(
        [
            page.file.src_uri,
            page.markdown,
            sorted(file.src_uri for file in files),
            config["markdown_extensions"],
            config["mdx_configs"],
            config["use_directory_urls"],
            config["validation"],
        ],
        default=str,
        ensure_ascii=False,
    )
    return hashlib.sha256(described.encode("utf-8")).hexdigest()


def _render_or_reuse(page: Page, config, files) -> None:
    if page.markdown is None or SNIPPET_MARK in page.markdown:
        return _original_render(page, config, files)
    key = render_key(page, config, files)
    kept = _cache.get(key)
    if kept is not None:
        _restore(page, kept, files)
        return None
    warnings = _Warnings()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(warnings)
    try:
        _original_render(page, config, files)
    finally:
        logger.removeHandler(warnings)
    if warnings.count == 0:
        _cache[key] = _Render(
            content=page.content,
            toc_tokens=_toc_tokens(page.toc),
            title=page._title_from_render,
            present_anchor_ids=set(page.present_anchor_ids or ()),
            links_to_anchors=None
            if page.links_to_anchors is None
            else {to.src_uri: dict(links) for to, links in page.links_to_anchors.items()},
        )
    return None


def _restore(page: Page, kept: _Render, files) -> None:
    page.content = kept.content
    page.toc = get_toc(copy.deepcopy(kept.toc_tokens))  # fresh objects: hooks add notebook headings to it
    page._title_from_render = kept.title
    page.present_anchor_ids = set(kept.present_anchor_ids or ())
    if kept.links_to_anchors is not None:
        page.links_to_anchors = {
            files.get_file_from_path(src_uri): dict(links)
            for src_uri, links in kept.links_to_anchors.items()
            if files.get_file_from_path(src_uri) is not None
        }


def _toc_tokens(toc) -> list:
    """The toc_tokens Markdown produced, rebuilt from the TableOfContents MkDocs made of them."""
    return [
        {"level": item.level, "id": item.id, "name": item.title, "children": _toc_tokens(item.children)} for item in toc
    ]
