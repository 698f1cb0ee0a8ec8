"""Parse YAML while keeping the line of every value, for error messages."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import yaml


@dataclass(frozen=True)
class Located:
    data: Any
    lines: dict[tuple, int]  # JSON path (tuple of keys/indices) -> 1-based line in the file

    def line_of(self, path: tuple) -> int | None:
        """Line of the deepest known ancestor of `path`."""
        for end in range(len(path), -1, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return None


class _JsonLikeLoader(yaml.SafeLoader):
    """SafeLoader that keeps dates as the strings they were written as, so schemas can check them as text."""


_JsonLikeLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class YamlSyntaxError(ValueError):
    def __init__(self, line: int | None, message: str):
        self.line = line
        super().__init__(message)


def load_located(text: str, first_line: int = 1) -> Located:
    """Load YAML text whose first line is `first_line` of its file.

    Cached by text: `dlpaths serve` reloads every page's front matter on each rebuild, and only
    the edited file has new text. Callers treat the result as read-only.
    """
    return _load_located(text, first_line)


@lru_cache(maxsize=1024)
def _load_located(text: str, first_line: int) -> Located:
    loader = _JsonLikeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + first_line if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise YamlSyntaxError(line, problem) from None
    except yaml.YAMLError as exc:  # pragma: no cover - pyyaml always marks its errors
        raise YamlSyntaxError(None, str(exc)) from None
    finally:
        loader.dispose()
    lines: dict[tuple, int] = {}
    if node is not None:
        _collect_lines(node, (), lines, first_line)
    return Located(data, lines)


def _collect_lines(node: yaml.Node, path: tuple, lines: dict, offset: int) -> None:
    lines[path] = node.start_mark.line + offset
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            lines[path + (key,)] = key_node.start_mark.line + offset
            _collect_lines(value_node, path + (key,), lines, offset)
            lines[path + (key,)] = key_node.start_mark.line + offset
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _collect_lines(item, path + (index,), lines, offset)
