"""Chinese text wrapped across source lines must not gain spaces in the browser.

Browsers render a line break between two Chinese characters as a space. Authors hard-wrap
Markdown and notebook prose, so line breaks between CJK characters are removed from text nodes
(never inside code, preformatted text or math).
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, NavigableString

_CJK = r"[\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]"
_BREAK_BETWEEN_CJK = re.compile(rf"(?<={_CJK})[ \t]*\n[ \t]*(?={_CJK})")
_SKIP = {"pre", "code", "script", "style", "textarea", "math"}


def join_cjk_lines(html: str) -> str:
    if "\n" not in html:
        return html
    soup = BeautifulSoup(html, "html.parser")
    for node in soup.find_all(string=_BREAK_BETWEEN_CJK):
        if isinstance(node, NavigableString) and not any(p.name in _SKIP for p in node.parents):
            node.replace_with(_BREAK_BETWEEN_CJK.sub("", node))
    return str(soup)
