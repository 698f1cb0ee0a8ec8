"""Render TeX to MathML at build time with KaTeX (PyPI `pykatex`): no math JavaScript on pages.

Browsers draw MathML natively, so formulas appear with the page, survive instant navigation and
work offline. A formula KaTeX cannot parse fails the build with the page and the formula named.
"""

from __future__ import annotations

import html
import json
import re
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import pykatex
from bs4 import BeautifulSoup

from .diskstore import code_version, write_atomically
from .errors import ContentError, Problem
from .mathvariants import apply_mathvariants

# Arithmatex (generic mode) wraps math as \( ... \) in span.arithmatex and \[ ... \] in div.arithmatex.
_INLINE_WRAP = re.compile(r"^\\\((.*)\\\)$", re.DOTALL)
_DISPLAY_WRAP = re.compile(r"^\\\[(.*)\\\]$", re.DOTALL)
# Notebook Markdown cells keep $...$ and $$...$$ as text.
_DOLLARS = re.compile(r"\$\$(.+?)\$\$|(?<![\\$])\$(?!\s)(.+?)(?<![\s\\])\$(?!\d)", re.DOTALL)
# Changes with KaTeX and with this module's and mathvariants' code: a FormulaCache file is only reused by the same.
RENDER_VERSION = code_version("mathrender.py", "mathvariants.py", extra=metadata.version("pykatex"))
_ANNOTATION = re.compile(r'<annotation encoding="application/x-tex">.*?</annotation>', re.DOTALL)


class MathError(ValueError):
    pass


@lru_cache(maxsize=4096)
def tex_to_mathml(tex: str, display: bool) -> str:
    try:
        rendered = pykatex.renderToString(tex, displayMode=display, output="mathml", throwOnError=True)
    except Exception as exc:  # pykatex.ParseError and friends
        raise MathError(f"KaTeX cannot render {tex!r}: {exc}") from None
    # KaTeX wraps the <math> element in <span class="katex">; keep the bare element.
    inner = re.sub(r'^<span class="katex">(.*)</span>$', r"\1", rendered, flags=re.DOTALL)
    # The TeX source annotation would double each formula's weight and leak TeX into the search index.
    inner = _ANNOTATION.sub("", inner)
    return apply_mathvariants(inner)


# The exact markup arithmatex emits; matched as text so the rest of the page is not re-serialised.
_ARITHMATEX = re.compile(r'<(span|div) class="arithmatex">(.*?)</\1>', re.DOTALL)


class FormulaCache:
    """The MathML of each formula the last build rendered, kept on disk for the next.

    KaTeX takes about 1.4 s for the formulas of all pages, a seventh of a warm build. The file's
    name carries the KaTeX version and this module's code; it holds the formulas the last build
    used, so an edited formula's old render does not linger.
    """

    def __init__(self, directory: Path):
        self.directory = directory
        self.path = directory / f"formulas-{RENDER_VERSION}.json"
        try:
            self.stored: dict[str, str] = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.stored = {}
        self.used: dict[str, str] = {}

    def mathml(self, tex: str, display: bool) -> str:
        key = ("display " if display else "inline ") + tex
        found = self.used.get(key) or self.stored.get(key) or tex_to_mathml(tex, display)
        self.used[key] = found
        return found

    def save(self) -> None:
        """Write the formulas this build used, if they differ from the file's (call after a whole build)."""
        if self.used == self.stored:
            return
        write_atomically(self.path, json.dumps(self.used, ensure_ascii=False))
        for older in self.directory.glob("formulas-*.json"):
            if older != self.path:
                older.unlink(missing_ok=True)


def render_arithmatex(page_html: str, file: str, formulas: FormulaCache | None = None) -> str:
    """Replace arithmatex spans/divs in a rendered Markdown page with MathML."""
    problems = []
    mathml = formulas.mathml if formulas else tex_to_mathml

    def replace(match: re.Match) -> str:
        display = match.group(1) == "div"
        text = html.unescape(match.group(2)).strip()
        wrapped = (_DISPLAY_WRAP if display else _INLINE_WRAP).match(text)
        tex = wrapped.group(1) if wrapped else text
        try:
            return _wrap(mathml(tex.strip(), display), display)
        except MathError as exc:
            problems.append(Problem(file, "math", str(exc), "fix the formula (KaTeX-supported LaTeX only)"))
            return match.group(0)

    rendered = _ARITHMATEX.sub(replace, page_html)
    if problems:
        raise ContentError(problems)
    return rendered


def render_dollars_in(soup_node, file: str) -> None:
    """Render $...$ / $$...$$ inside the text nodes of a BeautifulSoup subtree (notebook prose)."""
    problems = []
    for text_node in list(soup_node.find_all(string=True)):
        if "$" not in text_node or text_node.find_parent(["code", "pre", "script", "style"]):
            continue
        pieces = []
        last = 0
        for match in _DOLLARS.finditer(text_node):
            pieces.append(html.escape(text_node[last : match.start()]))
            display = match.group(1) is not None
            tex = (match.group(1) if display else match.group(2)).strip()
            try:
                pieces.append(_wrap(tex_to_mathml(tex, display), display))
            except MathError as exc:
                problems.append(Problem(file, "math", str(exc), "fix the formula in the notebook's Markdown cell"))
                pieces.append(html.escape(match.group(0)))
            last = match.end()
        if last == 0:
            continue
        pieces.append(html.escape(text_node[last:]))
        fragment = BeautifulSoup("".join(pieces), "html.parser")
        text_node.replace_with(fragment)
    if problems:
        raise ContentError(problems)


def _wrap(mathml: str, display: bool) -> str:
    if display:
        return f'<div class="dl-math dl-math--display">{mathml}</div>'
    return f'<span class="dl-math">{mathml}</span>'
