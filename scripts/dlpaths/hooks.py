"""MkDocs hooks: thin adapters from MkDocs events to dlpaths.sitebuild.

mkdocs.yml loads this file by path. Everything it does is in plain, tested modules, so a move
to another site generator keeps the logic.
"""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from dlpaths.devserver import poll_faster
from dlpaths.errors import ContentError, NotebookError
from dlpaths.searchindex import drop_kept_split, keep_previous_split, use_search_worker, write_search_index
from dlpaths.sitebuild import SiteBuild

log = logging.getLogger("mkdocs.plugins.dlpaths")
_build: SiteBuild | None = None
_site_dir: Path | None = None


def _current() -> SiteBuild:
    if _build is None:  # pragma: no cover - MkDocs always calls on_config first
        raise PluginError("dlpaths: on_config did not run")
    return _build


@event_priority(100)  # before the search plugin reads its jieba dictionary
def on_config(config):
    global _build
    root = Path(config.config_file_path).parent
    try:
        template_dir = Path(config.theme.custom_dir or root / "overrides") / "dlpaths"
        _build = SiteBuild.load(root, Path(config.docs_dir), template_dir)
        _build.configure(config)
    except (ContentError, NotebookError) as exc:
        raise PluginError(str(exc)) from None
    return config


def on_env(env, config, files):
    env.bytecode_cache = _current().components.env.bytecode_cache  # the theme's templates, compiled once
    env.filters["dl_search_worker"] = use_search_worker
    return env


def on_pre_build(config):
    global _site_dir
    _site_dir = Path(config.site_dir)
    keep_previous_split(_site_dir)  # runs before MkDocs empties site_dir
    _current().cache_search_entries(config)
    try:
        _current().execute_notebooks(report=log.info)
    except NotebookError as exc:
        raise PluginError(str(exc)) from None


def on_page_content(html, page, config, files):
    try:
        return _current().page_content(html, page)
    except (ContentError, NotebookError) as exc:
        raise PluginError(str(exc)) from None


@event_priority(-100)  # after the search plugin has written its index
def on_post_build(config):
    _current().write_assets(Path(config.site_dir))
    try:
        write_search_index(Path(config.site_dir))
    except ValueError as exc:
        raise PluginError(str(exc)) from None
    _current().finish(report=log.info)


def on_serve(server, config, builder):
    poll_faster(server.observer)
    return server


def on_build_error(error):
    if _site_dir is not None:
        drop_kept_split(_site_dir)
