"""Lay out a learning path as a snake of boxes, for an SVG drawn at build time."""

from __future__ import annotations

from dataclasses import dataclass

from .content import Topic
from .paths import StageSummary

COLUMNS = 2
NODE_WIDTH = 250
NODE_HEIGHT = 64
GAP_X = 60
GAP_Y = 44
MARGIN = 12
MAX_TITLE_CHARS = 13
BAR_HEIGHT = 40


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
class StageBar:
    """A full-width band that opens a stage; the arrows of the path run through it."""

    stage: StageSummary
    y: int
    width: int
    height: int = BAR_HEIGHT
    x: int = MARGIN


@dataclass(frozen=True)
class PathMap:
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    width: int
    height: int
    bars: tuple[StageBar, ...] = ()
    node_width: int = NODE_WIDTH
    node_height: int = NODE_HEIGHT


def layout(topics: list[Topic], shared: set[str], stages: tuple[StageSummary, ...] = ()) -> PathMap:
    """Snake the topics two to a row; with stages, each stage starts a new row under its own bar."""
    width = 2 * MARGIN + COLUMNS * NODE_WIDTH + (COLUMNS - 1) * GAP_X
    groups = [(stage, list(stage.topics)) for stage in stages] or [(None, topics)]
    nodes: list[Node] = []
    bars: list[StageBar] = []
    edges: list[Edge] = []
    y = MARGIN
    for stage, group in groups:
        bar = None
        if stage is not None:
            bar = StageBar(stage=stage, y=y, width=width - 2 * MARGIN)
            bars.append(bar)
            y += BAR_HEIGHT + GAP_Y // 2
        first = len(nodes)
        for index, topic in enumerate(group):
            row, col = divmod(index, COLUMNS)
            if row % 2 == 1:  # snake: odd rows run right to left
                col = COLUMNS - 1 - col
            nodes.append(
                Node(
                    topic=topic,
                    number=len(nodes) + 1,
                    x=MARGIN + col * (NODE_WIDTH + GAP_X),
                    y=y + row * (NODE_HEIGHT + GAP_Y),
                    label=shorten(topic.title),
                    shared=topic.slug in shared,
                )
            )
        if bar is not None and first < len(nodes):
            if first > 0:
                edges.append(_into_bar(nodes[first - 1], bar))
            edges.append(_out_of_bar(bar, nodes[first]))
        edges.extend(_edge(a, b) for a, b in zip(nodes[first:], nodes[first + 1 :], strict=False))
        rows = (len(group) + COLUMNS - 1) // COLUMNS
        y += rows * NODE_HEIGHT + max(rows - 1, 0) * GAP_Y + GAP_Y
    return PathMap(nodes=tuple(nodes), edges=tuple(edges), width=width, height=y - GAP_Y + MARGIN, bars=tuple(bars))


def _edge(a: Node, b: Node) -> Edge:
    if a.y == b.y:  # same row: horizontal arrow between facing sides
        y = a.y + NODE_HEIGHT // 2
        if b.x > a.x:
            return Edge(f"M{a.x + NODE_WIDTH},{y} H{b.x - 6}")
        return Edge(f"M{a.x},{y} H{b.x + NODE_WIDTH + 6}")
    x = a.x + NODE_WIDTH // 2  # next row: straight down
    return Edge(f"M{x},{a.y + NODE_HEIGHT} V{b.y - 6}")


def _into_bar(a: Node, bar: StageBar) -> Edge:
    return Edge(f"M{a.center[0]},{a.y + NODE_HEIGHT} V{bar.y - 6}")


def _out_of_bar(bar: StageBar, b: Node) -> Edge:
    return Edge(f"M{b.center[0]},{bar.y + bar.height} V{b.y - 6}")


def css_box(path_map: PathMap, x: int, y: int, width: int, height: int) -> str:
    """Inline style placing an HTML link over a box of the map, in percent so it scales with the SVG."""

    def pct(value: int, total: int) -> str:
        return f"{100 * value / total:.3f}%"

    return (
        f"left:{pct(x, path_map.width)};top:{pct(y, path_map.height)};"
        f"width:{pct(width, path_map.width)};height:{pct(height, path_map.height)}"
    )


def shorten(title: str) -> str:
    return title if len(title) <= MAX_TITLE_CHARS else title[: MAX_TITLE_CHARS - 1] + "…"
