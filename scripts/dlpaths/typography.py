"""Chinese text wrapped across source lines must not gain spaces in the browser.

Browsers render a line break between two Chinese characters as a space. Authors hard-wrap
Markdown and notebook prose, so line breaks between CJK characters are removed from text
(never inside code, preformatted text, scripts or math).

The page is edited as a string, tag by tag, rather than parsed and re-serialised: a parser
round trip would rewrite attribute order and case (SVG's `viewBox`) in every template.
"""

from __future__ import annotations

import functools
import re

_CJK = r"[\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]"
_BREAK_BETWEEN_CJK = re.compile(rf"(?<={_CJK})[ \t]*\n[ \t]*(?={_CJK})")
_SKIP = frozenset({"pre", "code", "script", "style", "textarea", "math"})
_TAG = re.compile(r"<!--.*?-->|<(/?)([a-zA-Z][\w:-]*)[^>]*?(/?)>", re.DOTALL)


@functools.lru_cache(maxsize=512)  # pure, and pages repeat across `dlpaths serve` rebuilds
def join_cjk_lines(html: str) -> str:
    if "\n" not in html:
        return html
    pieces: list[str] = []
    open_skips: list[str] = []
    position = 0
    for tag in _TAG.finditer(html):
        pieces.append(_join(html[position : tag.start()], open_skips))
        pieces.append(tag.group(0))
        position = tag.end()
        closing, name, self_closing = tag.group(1), (tag.group(2) or "").lower(), tag.group(3)
        if name not in _SKIP or self_closing:
            continue
        if not closing:
            open_skips.append(name)
        elif name in open_skips:
            del open_skips[len(open_skips) - 1 - open_skips[::-1].index(name) :]
    pieces.append(_join(html[position:], open_skips))
    return "".join(pieces)


def _join(text: str, open_skips: list[str]) -> str:
    if open_skips or "\n" not in text:
        return text
    return _BREAK_BETWEEN_CJK.sub("", text)
