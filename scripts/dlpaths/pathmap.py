"""Lay out a learning path as a snake of boxes, for an SVG drawn at build time."""

from __future__ import annotations

from dataclasses import dataclass

from .content import Topic

COLUMNS = 2
NODE_WIDTH = 250
NODE_HEIGHT = 64
GAP_X = 60
GAP_Y = 44
MARGIN = 12
MAX_TITLE_CHARS = 13


@dataclass(frozen=True)
class Node:
    topic: Topic
    number: int
    x: int
    y: int
    label: str
    shared: bool

    @property
    def center(self) -> tuple[int, int]:
        return self.x + NODE_WIDTH // 2, self.y + NODE_HEIGHT // 2


@dataclass(frozen=True)
class Edge:
    d: str  # SVG path data


@dataclass(frozen=True)
class PathMap:
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    width: int
    height: int
    node_width: int = NODE_WIDTH
    node_height: int = NODE_HEIGHT


def layout(topics: list[Topic], shared: set[str]) -> PathMap:
    nodes = []
    for index, topic in enumerate(topics):
        row, col = divmod(index, COLUMNS)
        if row % 2 == 1:  # snake: odd rows run right to left
            col = COLUMNS - 1 - col
        nodes.append(
            Node(
                topic=topic,
                number=index + 1,
                x=MARGIN + col * (NODE_WIDTH + GAP_X),
                y=MARGIN + row * (NODE_HEIGHT + GAP_Y),
                label=shorten(topic.title),
                shared=topic.slug in shared,
            )
        )
    edges = tuple(_edge(a, b) for a, b in zip(nodes, nodes[1:], strict=False))
    rows = (len(topics) + COLUMNS - 1) // COLUMNS
    width = 2 * MARGIN + COLUMNS * NODE_WIDTH + (COLUMNS - 1) * GAP_X
    height = 2 * MARGIN + rows * NODE_HEIGHT + max(rows - 1, 0) * GAP_Y
    return PathMap(nodes=tuple(nodes), edges=edges, width=width, height=height)


def _edge(a: Node, b: Node) -> Edge:
    if a.y == b.y:  # same row: horizontal arrow between facing sides
        y = a.y + NODE_HEIGHT // 2
        if b.x > a.x:
            return Edge(f"M{a.x + NODE_WIDTH},{y} H{b.x - 6}")
        return Edge(f"M{a.x},{y} H{b.x + NODE_WIDTH + 6}")
    x = a.x + NODE_WIDTH // 2  # next row: straight down
    return Edge(f"M{x},{a.y + NODE_HEIGHT} V{b.y - 6}")


def shorten(title: str) -> str:
    return title if len(title) <= MAX_TITLE_CHARS else title[: MAX_TITLE_CHARS - 1] + "…"
