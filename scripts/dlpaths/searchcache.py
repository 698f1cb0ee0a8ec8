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
from pathlib import Path

from .diskstore import DiskStore

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
        self.store = DiskStore(directory, keep_days=KEEP_DAYS)
        self.salt = salt  # e.g. the jieba dictionary and the Material version
        self.hits = 0
        self.misses = 0

    def install(self, search_index) -> None:
        """Wrap one SearchIndex's add_entry_from_context with the cache."""
        original = search_index.add_entry_from_context

        def add_entry_from_context(page):
            key = page_key(page, self.salt)
            try:
                entries = json.loads(self.store.get(key) or "null")
            except ValueError:
                entries = None
            if entries is not None:
                self.hits += 1
                search_index.entries.extend(entries)
                return
            self.misses += 1
            start = len(search_index.entries)
            original(page)
            self.store.put(key, json.dumps(search_index.entries[start:], ensure_ascii=False, default=str))

        search_index.add_entry_from_context = add_entry_from_context

    def evict_unused(self, now: float | None = None) -> int:
        """Delete entries nobody has used for KEEP_DAYS; return how many."""
        return self.store.evict_unused(now)
