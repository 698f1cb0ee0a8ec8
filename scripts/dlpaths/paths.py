"""Where a topic stands in each learning path, and the data the path pages show."""

from __future__ import annotations

from dataclasses import dataclass

from .content import LearningPath, Site, Stage, Topic


@dataclass(frozen=True)
class Position:
    path: LearningPath
    index: int  # 0-based
    total: int
    previous: Topic | None
    next: Topic | None
    stage: Stage | None = None

    @property
    def number(self) -> int:
        return self.index + 1


@dataclass(frozen=True)
class StageSummary:
    stage: Stage
    topics: tuple[Topic, ...]
    first_number: int  # the path step number of the stage's first topic
    total_hours: float


@dataclass(frozen=True)
class PathSummary:
    path: LearningPath
    topics: tuple[Topic, ...]
    total_hours: float
    shared_with: dict[str, tuple[str, ...]]  # topic slug -> ids of the other paths it is in
    stages: tuple[StageSummary, ...] = ()


def positions(site: Site, slug: str) -> list[Position]:
    """The topic's position in every path that contains it, in path order."""
    found = []
    for learning_path in site.paths:
        if slug not in learning_path.steps:
            continue
        index = learning_path.steps.index(slug)
        steps = learning_path.steps
        found.append(
            Position(
                path=learning_path,
                index=index,
                total=len(steps),
                previous=site.topics[steps[index - 1]] if index > 0 else None,
                next=site.topics[steps[index + 1]] if index + 1 < len(steps) else None,
                stage=learning_path.stage_of(slug),
            )
        )
    return found


def summary(site: Site, path_id: str) -> PathSummary:
    learning_path = site.path(path_id)
    topics = tuple(site.topics[slug] for slug in learning_path.steps)
    return PathSummary(
        path=learning_path,
        topics=topics,
        total_hours=sum(topic.hours for topic in topics),
        shared_with={topic.slug: other_paths(site, topic.slug, path_id) for topic in topics},
        stages=stage_summaries(site, learning_path),
    )


def stage_summaries(site: Site, learning_path: LearningPath) -> tuple[StageSummary, ...]:
    found = []
    first_number = 1
    for stage in learning_path.stages:
        topics = tuple(site.topics[slug] for slug in stage.steps)
        found.append(StageSummary(stage, topics, first_number, sum(topic.hours for topic in topics)))
        first_number += len(topics)
    return tuple(found)


def other_paths(site: Site, slug: str, path_id: str) -> tuple[str, ...]:
    return tuple(p.id for p in site.paths if p.id != path_id and slug in p.steps)


def shared_topics(site: Site) -> list[Topic]:
    """Topics that belong to more than one path, in the order of the first path."""
    seen: list[str] = []
    for learning_path in site.paths:
        for slug in learning_path.steps:
            in_paths = sum(slug in p.steps for p in site.paths)
            if in_paths > 1 and slug not in seen:
                seen.append(slug)
    return [site.topics[slug] for slug in seen]


def file_url(url: str) -> str:
    """A page's address when the site is read from disk (use_directory_urls off): topics/pca/ -> topics/pca.html."""
    if url in ("", "/"):
        return "index.html"
    return url[:-1] + ".html" if url.endswith("/") else url


def page_address(directory_urls: bool):
    """How page URLs are written: as they are on a web server, or as .html files for the copy read from disk."""
    return (lambda url: url) if directory_urls else file_url


def client_data(site: Site, directory_urls: bool = True) -> dict:
    """What the progress script needs in the browser: topics and paths, no prose."""
    address = page_address(directory_urls)
    return {
        "version": 1,
        "topics": {slug: {"title": t.title, "url": address(t.url)} for slug, t in site.topics.items()},
        "paths": [
            {"id": p.id, "title": p.short_title, "url": address(p.url), "steps": list(p.steps)} for p in site.paths
        ],
    }


def nav_order(site: Site) -> list[Topic]:
    """Every topic once: first path's order, then topics only later paths have."""
    ordered: list[str] = []
    for learning_path in site.paths:
        for slug in learning_path.steps:
            if slug not in ordered:
                ordered.append(slug)
    return [site.topics[slug] for slug in ordered]
