"""The glossary feeds two things: the 术语表 page and jieba's user dictionary for search."""

from __future__ import annotations

from pathlib import Path

from .content import GlossaryTerm

# High enough that jieba keeps a term whole instead of splitting it into common words.
TERM_FREQUENCY = 200000


def jieba_user_dictionary(terms: tuple[GlossaryTerm, ...]) -> str:
    words: list[str] = []
    for term in terms:
        for word in (term.zh, *term.aliases):
            # jieba never joins across a space, so "Xavier 初始化" is found as its two words anyway.
            if word not in words and not any(ch.isspace() for ch in word):
                words.append(word)
    return "".join(f"{word} {TERM_FREQUENCY} n\n" for word in words)


def write_user_dictionary(terms: tuple[GlossaryTerm, ...], directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "jieba-userdict.txt"
    text = jieba_user_dictionary(terms)
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path
