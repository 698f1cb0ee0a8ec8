"""Reuse search-index entries for pages whose HTML has not changed.

Material's search plugin parses every page's HTML and segments its Chinese text with jieba on
every build; on this site that is about two thirds of a warm rebuild, and most of the wait
between saving a Markdown file and seeing it in `dlpaths serve`. The entries a page produces
depend only on its HTML, URL, title, front matter, table of contents and the jieba dictionary,
so they are stored on disk under a hash of exactly those and reused.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

VERSION = "1"  # bump when the key or the stored format changes
KEEP_DAYS = 14


def _toc(items) -> list:
    return [[item.id, item.title, item.url, item.level, _toc(item.children)] for item in items]


def page_key(page, salt: str) -> str:
    """Hash of everything Material's search plugin reads from a page."""
    described = json.dumps(
        [
            VERSION,
            salt,
            page.url,
            page.title,
            page.meta.get("title"),
            page.meta.get("tags"),
            page.meta.get("search"),
            _toc(page.toc),
            page.content,
        ],
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(described.encode("utf-8")).hexdigest()


class SearchEntryCache:
    def __init__(self, directory: Path, salt: str):
        self.directory = directory
        self.salt = salt  # e.g. the jieba dictionary and the Material version
        self.hits = 0
        self.misses = 0

    def install(self, search_index) -> None:
        """Wrap one SearchIndex's add_entry_from_context with the cache."""
        original = search_index.add_entry_from_context

        def add_entry_from_context(page):
            path = self.directory / f"{page_key(page, self.salt)}.json"
            try:
                entries = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                entries = None
            if entries is not None:
                self.hits += 1
                os.utime(path)  # recently used: keep it
                search_index.entries.extend(entries)
                return
            self.misses += 1
            start = len(search_index.entries)
            original(page)
            self._store(path, search_index.entries[start:])

        search_index.add_entry_from_context = add_entry_from_context

    def _store(self, path: Path, entries: list) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}.part")
        partial.write_text(json.dumps(entries, ensure_ascii=False, default=str), encoding="utf-8")
        partial.replace(path)  # atomic: a parallel build never reads half a file

    def evict_unused(self, now: float | None = None) -> int:
        """Delete entries nobody has used for KEEP_DAYS; return how many."""
        cutoff = (now or time.time()) - KEEP_DAYS * 86400
        removed = 0
        for path in self.directory.glob("*.json"):
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                removed += 1
        return removed
