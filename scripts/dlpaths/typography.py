"""Chinese text wrapped across source lines must not gain spaces in the browser.

Browsers render a line break between two Chinese characters as a space. Authors hard-wrap
Markdown and notebook prose, so line breaks between CJK characters are removed from text
(never inside code, preformatted text, scripts or math).

The page is edited as a string rather than parsed and re-serialised: a parser round trip would
rewrite attribute order and case (SVG's `viewBox`) in every template.
"""

from __future__ import annotations

import bisect
import functools
import re

_CJK = r"[\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]"
_BREAK_BETWEEN_CJK = re.compile(rf"(?<={_CJK})[ \t]*\n[ \t]*(?={_CJK})")
# Elements whose text is kept as written, and comments. The first to open is skipped whole, so a
# <code> inside a <pre> needs no stack.
_SKIPPED = re.compile(
    r"<!--.*?-->|<(pre|code|script|style|textarea|math)\b[^>]*(?<!/)>.*?</\1\s*>", re.DOTALL | re.IGNORECASE
)


@functools.lru_cache(maxsize=512)  # pure, and pages repeat across `dlpaths serve` rebuilds
def join_cjk_lines(html: str) -> str:
    breaks = list(_BREAK_BETWEEN_CJK.finditer(html))
    if not breaks:
        return html
    skipped = [(found.start(), found.end()) for found in _SKIPPED.finditer(html)]
    skipped_starts = [start for start, _ in skipped]
    pieces: list[str] = []
    position = 0
    for found in breaks:
        at = found.start()
        before = bisect.bisect_right(skipped_starts, at) - 1
        if before >= 0 and at < skipped[before][1]:
            continue
        if html.rfind("<", 0, at) > html.rfind(">", 0, at):
            continue  # inside a tag's attributes
        pieces.append(html[position:at])
        position = found.end()
    pieces.append(html[position:])
    return "".join(pieces)
