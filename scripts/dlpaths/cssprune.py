"""Keep only the CSS rules a set of HTML pages can use.

JupyterLab's stylesheet, which mkdocs-jupyter inlines into every notebook page, is ~590 KB.
The notebooks here use a few dozen of its classes; everything else is dropped at build time.
"""

from __future__ import annotations

import re

import tinycss2

_CLASS_RE = re.compile(r"\.(-?[_a-zA-Z][_a-zA-Z0-9-]*)")
_KEEP_AT_RULES = {"font-face", "keyframes", "-webkit-keyframes", "page", "charset", "import", "namespace"}
_DROPPED_PROPERTY_PREFIXES = ("--jp-icon-",)
_NESTED_AT_RULES = {"media", "supports", "layer", "container"}


def used_classes(html: str) -> set[str]:
    classes: set[str] = set()
    for value in re.findall(r'class="([^"]*)"', html):
        classes.update(value.split())
    return classes


def prune(css: str, classes: set[str]) -> str:
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    return _serialize(rules, classes)


def _serialize(rules, classes: set[str]) -> str:
    out = []
    for rule in rules:
        if rule.type == "qualified-rule":
            selectors = [s.strip() for s in tinycss2.serialize(rule.prelude).split(",")]
            kept = [s for s in selectors if _selector_usable(s, classes)]
            body = _declarations(rule.content)
            if kept and body:
                out.append(f"{','.join(kept)}{{{body}}}")
        elif rule.type == "at-rule":
            name = rule.lower_at_keyword
            if name in _NESTED_AT_RULES and rule.content is not None:
                inner = _serialize(
                    tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True), classes
                )
                if inner:
                    out.append(f"@{name} {tinycss2.serialize(rule.prelude).strip()}{{{inner}}}")
            elif name in _KEEP_AT_RULES:
                out.append(tinycss2.serialize([rule]).strip())
    return "\n".join(out)


def _selector_usable(selector: str, classes: set[str]) -> bool:
    if re.search(r"\s:root\b", selector):  # ':root' below another element matches nothing
        return False
    return all(name in classes for name in _CLASS_RE.findall(selector))


def _declarations(content) -> str:
    """Serialize declarations, dropping JupyterLab's icon variables (inline SVGs no output uses)."""
    kept = []
    for item in tinycss2.parse_blocks_contents(content, skip_comments=True, skip_whitespace=True):
        if item.type == "declaration" and item.name.startswith(_DROPPED_PROPERTY_PREFIXES):
            continue
        if item.type == "declaration":
            important = " !important" if item.important else ""
            kept.append(f"{item.name}:{tinycss2.serialize(item.value).strip()}{important}")
        elif item.type == "qualified-rule":  # nested rule: keep as written
            kept.append(tinycss2.serialize([item]).strip())
    return ";".join(kept)


def scope_variables(css: str, scope: str) -> str:
    """Move the custom properties declared on :root into `scope` (for a dark variant)."""
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    out = []
    for rule in rules:
        if rule.type != "qualified-rule":
            continue
        if tinycss2.serialize(rule.prelude).strip() == ":root":
            declarations = tinycss2.serialize(rule.content).strip()
            out.append(f"{scope}{{{declarations}}}")
    return "\n".join(out)
