"""Shrink the search index Material writes.

Material's search plugin writes search/search_index.json with every non-ASCII character as a
``\\uXXXX`` escape: six bytes for each Chinese character and for each zero-width space that
jieba puts between words, where UTF-8 needs three. The reader downloads this file on their
first search, so it is rewritten as compact UTF-8 JSON.

Code blocks (lesson snippets and every notebook cell) are left out of the index: they were a
third of its size, and readers search for concepts, which the prose and inline code still carry.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

INDEX = Path("search") / "search_index.json"
CODE_BLOCK_RE = re.compile(r"<pre\b.*?</pre>", re.DOTALL)


def compact_search_index(site_dir: Path) -> tuple[int, int] | None:
    """Rewrite the index in place as UTF-8 without code blocks; return its size before and after, or None if absent."""
    path = site_dir / INDEX
    if not path.is_file():
        return None
    before = path.read_bytes()
    data = json.loads(before)
    for doc in data.get("docs", []):
        doc["text"] = CODE_BLOCK_RE.sub(" ", doc["text"]).strip()
    after = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    path.write_bytes(after)
    return len(before), len(after)
