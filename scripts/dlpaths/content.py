"""Load and validate the curriculum: topic pages, learning paths, the glossary and the timeline.

Everything a contributor writes is checked here, before anything is built. Every problem
names its file, the field or line, and the fix; all problems are reported in one run.
"""

from __future__ import annotations

import datetime
import difflib
import importlib.util
import json
import re
import sys
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import jsonschema

from . import links
from .errors import ContentError, Problem
from .yamlsource import Located, YamlSyntaxError, load_located

TOPICS_DIR = "topics"
DATA_DIR = "_data"
PATHS_FILE = f"{DATA_DIR}/paths.yml"
GLOSSARY_FILE = f"{DATA_DIR}/glossary.yml"
LINKS_FILE = f"{DATA_DIR}/links.yml"
TIMELINE_FILE = f"{DATA_DIR}/timeline.yml"
LINK_REPORT_FILE = f"{DATA_DIR}/link-report.json"

MARKER_RE = re.compile(r"<!--\s*dlpaths:([a-z-]+)((?:\s+[a-z0-9-]+)*)\s*-->")
MARKER_ARGS = {
    # marker name -> number of arguments it takes
    "notebook": 0,
    "resources": 0,
    "home": 0,
    "path-overview": 1,
    "glossary": 0,
    "progress": 0,
    "timeline": 0,
}
TOPIC_ONLY_MARKERS = {"notebook", "resources"}
FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*(?:\n|\Z)", re.DOTALL)
SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

LEVEL_LABELS = {"beginner": "入门", "intermediate": "进阶", "advanced": "高级"}


@dataclass(frozen=True)
class Mirror:
    title: str
    url: str


@dataclass(frozen=True)
class Resource:
    title: str
    url: str
    kind: str
    language: str
    free: bool
    author: str
    note: str
    year: int | None = None
    china_access: str | None = None
    mirror: Mirror | None = None


@dataclass(frozen=True)
class Topic:
    slug: str
    file: str  # path relative to docs/
    title: str
    description: str
    hours: float
    level: str
    prerequisites: tuple[str, ...]
    resources: tuple[Resource, ...]
    notebook: str | None = None

    def link_urls(self) -> list[str]:
        """Every external address the page's resource list links to."""
        return [url for r in self.resources for url in (r.url, r.mirror.url if r.mirror else None) if url]

    @property
    def url(self) -> str:
        return f"{TOPICS_DIR}/{self.slug}/"

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS[self.level]


@dataclass(frozen=True)
class Stage:
    """A titled run of consecutive steps in a path, such as 数学基础."""

    number: int  # 1-based
    title: str
    description: str
    steps: tuple[str, ...]

    @property
    def anchor(self) -> str:
        return f"stage-{self.number}"

    @property
    def label(self) -> str:
        return f"第 {self.number} 阶段：{self.title}"


@dataclass(frozen=True)
class LearningPath:
    id: str
    title: str
    short_title: str
    page: str
    description: str
    steps: tuple[str, ...]
    stages: tuple[Stage, ...] = ()  # empty for a path written as one flat list of steps

    @property
    def url(self) -> str:
        return self.page.removesuffix(".md") + "/"

    def stage_of(self, slug: str) -> Stage | None:
        return next((stage for stage in self.stages if slug in stage.steps), None)


@dataclass(frozen=True)
class GlossaryTerm:
    zh: str
    en: str
    meaning: str
    topic: str | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class TimelineEvent:
    date: str  # "YYYY-MM" or "YYYY-MM-DD"
    title: str
    summary: str
    source_title: str
    source_url: str
    topic: str | None = None

    @property
    def date_label(self) -> str:
        year, month, *day = (int(part) for part in self.date.split("-"))
        return f"{year} 年 {month} 月" + (f" {day[0]} 日" if day else "")


@dataclass(frozen=True)
class DeadLink:
    """A link the online checker found gone (HTTP 404/410), from docs/_data/link-report.json."""

    status: int
    checked: str
    archive: str | None = None


@dataclass(frozen=True)
class Site:
    topics: dict[str, Topic]
    paths: tuple[LearningPath, ...]
    glossary: tuple[GlossaryTerm, ...] = field(default=())
    dead_links: dict[str, DeadLink] = field(default_factory=dict)
    timeline: tuple[TimelineEvent, ...] = ()

    def link_urls(self) -> set[str]:
        """Every external address the site links to from its data: resources, mirrors, timeline sources."""
        urls = {url for topic in self.topics.values() for url in topic.link_urls()}
        return urls | {event.source_url for event in self.timeline}

    def path(self, path_id: str) -> LearningPath:
        for learning_path in self.paths:
            if learning_path.id == path_id:
                return learning_path
        raise KeyError(path_id)

    def topic_for_file(self, src_uri: str) -> Topic | None:
        if not src_uri.startswith(f"{TOPICS_DIR}/"):
            return None
        return self.topics.get(Path(src_uri).stem)


@cache
def load_schema(name: str) -> dict:
    path = Path(__file__).with_name("schemas") / f"{name}.schema.json"
    return json.loads(path.read_text(encoding="utf-8"))


def load_site(docs_dir: Path, notebooks_dir: Path) -> Site:
    """Load every topic, path and glossary term; raise ContentError listing all problems."""
    problems: list[Problem] = []
    cited: list[links.CitedLink] = []
    policy = _load_link_policy(docs_dir, problems)
    topics = _load_topics(docs_dir, policy, cited, problems)
    _link_consistency_problems(cited, problems)
    paths = _load_paths(docs_dir, problems)
    glossary = _load_glossary(docs_dir, problems)
    dead_links = _load_dead_links(docs_dir, problems)
    timeline = _load_timeline(docs_dir, policy, problems)
    if not problems:
        _check_references(docs_dir, notebooks_dir, topics, paths, glossary, timeline, problems)
    _check_markers_everywhere(docs_dir, topics, paths, problems)
    _check_ascii_file_names(docs_dir, problems)
    if problems:
        raise ContentError(problems)
    return Site(
        topics=topics,
        paths=tuple(paths),
        glossary=tuple(glossary),
        dead_links=dead_links,
        timeline=tuple(timeline),
    )


# --- reading files -------------------------------------------------------------------


def split_front_matter(text: str) -> tuple[str | None, str]:
    """Return (front matter YAML or None, body)."""
    match = FRONT_MATTER_RE.match(text)
    if not match:
        return None, text
    return match.group(1) or "", text[match.end() :]


def _read_yaml_file(docs_dir: Path, rel: str, problems: list[Problem]) -> Located | None:
    path = docs_dir / rel
    if not path.is_file():
        problems.append(Problem(_display(docs_dir, rel), "", "file is missing", f"create {rel}"))
        return None
    try:
        return load_located(path.read_text(encoding="utf-8"))
    except YamlSyntaxError as exc:
        problems.append(_yaml_problem(docs_dir, rel, exc))
        return None


def _yaml_problem(docs_dir: Path, rel: str, exc: YamlSyntaxError) -> Problem:
    where = f"line {exc.line}" if exc.line else ""
    return Problem(
        _display(docs_dir, rel),
        where,
        f"malformed YAML: {exc}",
        "check indentation and quoting on that line (quote text that contains ': ' or starts with a special character)",
    )


def _display(docs_dir: Path, rel: str) -> str:
    return f"{docs_dir.name}/{rel}"


# --- topics --------------------------------------------------------------------------


def _load_topics(
    docs_dir: Path, policy: links.LinkPolicy, cited: list[links.CitedLink], problems: list[Problem]
) -> dict[str, Topic]:
    topics: dict[str, Topic] = {}
    topic_dir = docs_dir / TOPICS_DIR
    for path in sorted(topic_dir.glob("*.md")) if topic_dir.is_dir() else []:
        rel = path.relative_to(docs_dir).as_posix()
        if not SLUG_RE.match(path.stem):
            problems.append(
                Problem(
                    _display(docs_dir, rel),
                    "file name",
                    f"'{path.name}' is not an ASCII slug, so its URL would be unreadable",
                    "rename it to lowercase ASCII words joined by '-', e.g. 'back-propagation.md'",
                )
            )
            continue
        topic = _load_topic(docs_dir, rel, path.stem, policy, cited, problems)
        if topic:
            topics[topic.slug] = topic
    return topics


def _load_topic(
    docs_dir: Path,
    rel: str,
    slug: str,
    policy: links.LinkPolicy,
    cited: list[links.CitedLink],
    problems: list[Problem],
) -> Topic | None:
    shown = _display(docs_dir, rel)
    front_matter, _ = split_front_matter((docs_dir / rel).read_text(encoding="utf-8"))
    if front_matter is None:
        problems.append(
            Problem(
                shown,
                "line 1",
                "the page has no front matter",
                "start the file with a '---' line, the fields (title, description, hours, level, "
                "prerequisites, resources), and a closing '---' line; `dlpaths new` writes one",
            )
        )
        return None
    try:
        located = load_located(front_matter, first_line=2)
    except YamlSyntaxError as exc:
        problems.append(_yaml_problem(docs_dir, rel, exc))
        return None
    if not isinstance(located.data, dict):
        problems.append(
            Problem(shown, "line 2", "front matter is not a mapping of fields", "write `field: value` lines")
        )
        return None
    before = len(problems)
    _schema_problems(shown, located, load_schema("topic"), problems)
    _url_problems(shown, located, policy, problems)
    if len(problems) > before:
        return None
    data = located.data
    cited.extend(_citations(shown, located))
    return Topic(
        slug=slug,
        file=rel,
        title=data["title"],
        description=data["description"],
        hours=float(data["hours"]),
        level=data["level"],
        prerequisites=tuple(data["prerequisites"]),
        resources=tuple(_resource(item) for item in data["resources"]),
        notebook=data.get("notebook"),
    )


def _resource(item: dict) -> Resource:
    mirror = item.get("mirror")
    return Resource(
        title=item["title"],
        url=item["url"],
        kind=item["kind"],
        language=item["language"],
        free=item["free"],
        author=item["author"],
        note=item["note"],
        year=item.get("year"),
        china_access=item.get("china_access"),
        mirror=Mirror(**mirror) if mirror else None,
    )


def _url_problems(shown: str, located: Located, policy: links.LinkPolicy, problems: list[Problem]) -> None:
    seen: dict[str, str] = {}
    for index, item in enumerate(located.data.get("resources") or []):
        if not isinstance(item, dict):
            continue
        candidates = [(("resources", index, "url"), item.get("url"))]
        mirror = item.get("mirror")
        if isinstance(mirror, dict):
            candidates.append((("resources", index, "mirror", "url"), mirror.get("url")))
        for path, url in candidates:
            if not isinstance(url, str):
                continue
            key = url.rstrip("/")
            where = _where(located, path)
            for message, fix in links.url_problems(url, policy):
                problems.append(Problem(shown, where, message, fix))
            if key in seen:
                problems.append(
                    Problem(
                        shown,
                        where,
                        f"duplicate URL {url} (also at {seen[key]})",
                        "list each resource once; merge the two entries",
                    )
                )
            else:
                seen[key] = _field_name(path)


CONSISTENT_RESOURCE_FIELDS = ("title", "author", "kind", "language", "free", "year")


def _citations(shown: str, located: Located) -> list[links.CitedLink]:
    return [
        links.CitedLink(
            file=shown,
            where=_where(located, ("resources", index, "url")),
            url=item["url"],
            title=item["title"],
            details=tuple((name, item.get(name)) for name in CONSISTENT_RESOURCE_FIELDS),
        )
        for index, item in enumerate(located.data["resources"])
    ]


def _link_consistency_problems(cited: list[links.CitedLink], problems: list[Problem]) -> None:
    for link, message, fix in links.consistency_problems(cited):
        problems.append(Problem(link.file, link.where, message, fix))


def _load_link_policy(docs_dir: Path, problems: list[Problem]) -> links.LinkPolicy:
    """docs/_data/links.yml is optional: without it every host must serve https and none is marked dead."""
    if not (docs_dir / LINKS_FILE).is_file():
        return links.LinkPolicy()
    located = _read_yaml_file(docs_dir, LINKS_FILE, problems)
    if located is None:
        return links.LinkPolicy()
    before = len(problems)
    _schema_problems(_display(docs_dir, LINKS_FILE), located, load_schema("links"), problems)
    if len(problems) > before:
        return links.LinkPolicy()
    return links.policy_from_data(located.data)


def _load_dead_links(docs_dir: Path, problems: list[Problem]) -> dict[str, DeadLink]:
    """The online checker's report is optional; pages mark the links it found dead."""
    path = docs_dir / LINK_REPORT_FILE
    if not path.is_file():
        return {}
    shown = _display(docs_dir, LINK_REPORT_FILE)
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        problems.append(
            Problem(shown, f"line {exc.lineno}", f"malformed JSON: {exc.msg}", "rerun `dlpaths links` to rewrite it")
        )
        return {}
    before = len(problems)
    _schema_problems(shown, Located(report, {}), load_schema("link-report"), problems)
    if len(problems) > before:
        return {}
    return {
        entry["url"]: DeadLink(status=entry["status"], checked=report["checked"], archive=entry.get("archive"))
        for entry in report["links"]
        if entry["verdict"] == "dead"
    }


# --- schema errors -------------------------------------------------------------------


def _schema_problems(shown: str, located: Located, schema: dict, problems: list[Problem]) -> None:
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(located.data), key=lambda e: list(map(str, e.absolute_path)))
    for error in errors:
        path = tuple(error.absolute_path)
        field_path, message, fix = _explain(error, schema)
        problems.append(Problem(shown, _where(located, path + field_path, field_path), message, fix))


def _explain(error: jsonschema.ValidationError, schema: dict) -> tuple[tuple, str, str]:
    """Turn a jsonschema error into (extra path, message, fix) a contributor can act on."""
    validator, value = error.validator, error.validator_value
    if validator == "required":
        missing = [name for name in value if name not in error.instance]
        name = missing[0] if missing else "?"
        return (), f"missing required field '{name}'", f"add `{name}:` (see CONTRIBUTING.md for its meaning)"
    if validator == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        extra = sorted(set(error.instance) - set(allowed))
        name = extra[0] if extra else "?"
        close = difflib.get_close_matches(str(name), allowed, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        return (
            (name,),
            f"unknown field '{name}'",
            f"{hint}remove it or use one of: {', '.join(allowed)}",
        )
    if validator == "enum":
        return (), f"{error.instance!r} is not allowed", f"use one of: {', '.join(map(str, value))}"
    if validator == "type":
        return (), f"{error.instance!r} is not of type {value}", f"write a value of type {value}"
    if validator == "pattern":
        if "https?" in value:
            return (
                (),
                f"{error.instance!r} is not an http(s) URL",
                "use an absolute URL starting with https:// (or http://)",
            )
        if value == '^[^<>"&]+$':
            return (
                (),
                f'{error.instance!r} contains <, >, " or &',
                "write these as words; titles and descriptions are plain text",
            )
        if value.startswith("^[0-9]{4}"):
            return (), f"{error.instance!r} is not a date", 'write "YYYY-MM-DD" or "YYYY-MM", e.g. "2017-06-12"'
        if value.endswith(".py$"):
            return (
                (),
                f"{error.instance!r} is not a notebook file name",
                "give the file name in notebooks/, e.g. 'my-topic.py'",
            )
        if "a-z0-9" in value:
            return (), f"{error.instance!r} is not a valid slug", "use lowercase ASCII words joined by '-'"
        return (), f"{error.instance!r} is not allowed here", "remove leading, trailing or repeated spaces"
    if validator in {"minItems", "minLength"}:
        return (), f"too short ({validator} {value})", f"give at least {value} item(s)/character(s)"
    if validator in {"maxLength", "maximum", "exclusiveMinimum", "minimum"}:
        return (), f"{error.instance!r} is out of range ({validator} {value})", "use a value within the range"
    if validator == "uniqueItems":
        return (), "the list has a duplicate entry", "list each item once"
    return (), error.message, "see the schema in scripts/dlpaths/schemas/"


def _where(located: Located, path: tuple, field_path: tuple = ()) -> str:
    line = located.line_of(path)
    name = _field_name(path)
    if line is None:
        return name
    return f"line {line}, {name}" if name else f"line {line}"


def _field_name(path: tuple) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


# --- paths and glossary --------------------------------------------------------------


def _load_paths(docs_dir: Path, problems: list[Problem]) -> list[LearningPath]:
    located = _read_yaml_file(docs_dir, PATHS_FILE, problems)
    if located is None:
        return []
    before = len(problems)
    _schema_problems(_display(docs_dir, PATHS_FILE), located, load_schema("paths"), problems)
    if len(problems) > before:
        return []
    paths = []
    for index, item in enumerate(located.data["paths"]):
        if not _steps_or_stages(docs_dir, located, index, item, problems):
            continue
        stages = tuple(
            Stage(number=n, title=stage["title"], description=stage.get("description", ""), steps=tuple(stage["steps"]))
            for n, stage in enumerate(item.get("stages", []), start=1)
        )
        steps = tuple(item["steps"]) if "steps" in item else tuple(s for stage in stages for s in stage.steps)
        paths.append(
            LearningPath(
                id=item["id"],
                title=item["title"],
                short_title=item["short_title"],
                page=item["page"],
                description=item["description"],
                steps=steps,
                stages=stages,
            )
        )
    ids = [p.id for p in paths]
    for index, path_id in enumerate(ids):
        if ids.index(path_id) != index:
            problems.append(
                Problem(
                    _display(docs_dir, PATHS_FILE),
                    _where(located, ("paths", index, "id")),
                    f"path id '{path_id}' is used twice",
                    "give every path its own id",
                )
            )
    return paths


def _load_glossary(docs_dir: Path, problems: list[Problem]) -> list[GlossaryTerm]:
    located = _read_yaml_file(docs_dir, GLOSSARY_FILE, problems)
    if located is None:
        return []
    shown = _display(docs_dir, GLOSSARY_FILE)
    before = len(problems)
    _schema_problems(shown, located, load_schema("glossary"), problems)
    if len(problems) > before:
        return []
    terms = []
    seen: set[str] = set()
    for index, item in enumerate(located.data["terms"]):
        term = GlossaryTerm(
            zh=item["zh"],
            en=item["en"],
            meaning=item["meaning"],
            topic=item.get("topic"),
            aliases=tuple(item.get("aliases", ())),
        )
        for word in (term.zh, *term.aliases):
            if word in seen:
                problems.append(
                    Problem(
                        shown,
                        _where(located, ("terms", index)),
                        f"term '{word}' appears twice",
                        "keep one entry per term",
                    )
                )
            seen.add(word)
        terms.append(term)
    return terms


# --- timeline ------------------------------------------------------------------------


def _load_timeline(docs_dir: Path, policy: links.LinkPolicy, problems: list[Problem]) -> list[TimelineEvent]:
    """docs/_data/timeline.yml is optional; a page showing it needs it (see _check_markers_everywhere)."""
    if not (docs_dir / TIMELINE_FILE).is_file():
        return []
    located = _read_yaml_file(docs_dir, TIMELINE_FILE, problems)
    if located is None:
        return []
    shown = _display(docs_dir, TIMELINE_FILE)
    before = len(problems)
    _schema_problems(shown, located, load_schema("timeline"), problems)
    if len(problems) > before:
        return []
    events = []
    for index, item in enumerate(located.data["events"]):
        event = TimelineEvent(
            date=item["date"],
            title=item["title"],
            summary=item["summary"],
            source_title=item["source"]["title"],
            source_url=item["source"]["url"],
            topic=item.get("topic"),
        )
        where = _where(located, ("events", index, "date"))
        if not _is_calendar_date(event.date):
            problems.append(Problem(shown, where, f"'{event.date}' is not a real date", "write YYYY-MM-DD or YYYY-MM"))
        elif events and _date_key(event.date) < _date_key(events[-1].date):
            problems.append(
                Problem(
                    shown,
                    where,
                    f"'{event.title}' ({event.date}) comes after '{events[-1].title}' ({events[-1].date})",
                    "list the events oldest first",
                )
            )
        for message, fix in links.url_problems(event.source_url, policy):
            problems.append(Problem(shown, _where(located, ("events", index, "source", "url")), message, fix))
        events.append(event)
    return events


def _is_calendar_date(date: str) -> bool:
    try:
        datetime.date.fromisoformat(date if date.count("-") == 2 else f"{date}-01")
    except ValueError:
        return False
    return True


def _date_key(date: str) -> tuple[int, ...]:
    """A month sorts before every day in it: "2017-06" < "2017-06-12"."""
    return tuple(int(part) for part in date.split("-"))


# --- cross references ----------------------------------------------------------------


def _check_references(
    docs_dir: Path,
    notebooks_dir: Path,
    topics: dict[str, Topic],
    paths: list[LearningPath],
    glossary: list[GlossaryTerm],
    timeline: list[TimelineEvent],
    problems: list[Problem],
) -> None:
    slugs = sorted(topics)
    for topic in topics.values():
        shown = _display(docs_dir, topic.file)
        for prereq in topic.prerequisites:
            if prereq == topic.slug:
                problems.append(Problem(shown, "prerequisites", "a topic cannot require itself", f"remove '{prereq}'"))
            elif prereq not in topics:
                problems.append(
                    Problem(
                        shown,
                        "prerequisites",
                        f"unknown prerequisite '{prereq}'",
                        _slug_fix(prereq, slugs),
                    )
                )
        shadowed = _shadowed_module(topic.notebook)
        if shadowed:
            problems.append(
                Problem(
                    shown,
                    "notebook",
                    f"notebooks/{topic.notebook} would hide the installed module '{shadowed}' from every notebook "
                    "(notebooks run in notebooks/, which comes first on the import path)",
                    f"rename it, e.g. '{shadowed}-basics.py'",
                )
            )
        if topic.notebook and not (notebooks_dir / topic.notebook).is_file():
            problems.append(
                Problem(
                    shown,
                    "notebook",
                    f"notebook source notebooks/{topic.notebook} does not exist",
                    f"create notebooks/{topic.notebook} (jupytext percent format) or fix the name",
                )
            )
    cycle = find_prerequisite_cycle(topics)
    if cycle:
        first = topics[cycle[0]]
        problems.append(
            Problem(
                _display(docs_dir, first.file),
                "prerequisites",
                f"prerequisite cycle: {' -> '.join(cycle)}",
                "remove one of these prerequisites so the chain has a start",
            )
        )
    _check_paths(docs_dir, topics, paths, problems)
    data_topics = [(GLOSSARY_FILE, f"term '{term.zh}', topic", term.topic) for term in glossary]
    data_topics += [(TIMELINE_FILE, f"event '{event.title}', topic", event.topic) for event in timeline]
    for file, where, slug in data_topics:
        if slug and slug not in topics:
            problems.append(Problem(_display(docs_dir, file), where, f"unknown topic '{slug}'", _slug_fix(slug, slugs)))


def _shadowed_module(notebook: str | None) -> str | None:
    """The importable module a notebook file would shadow (`pandas.py` hides pandas), if any."""
    if not notebook:
        return None
    stem = notebook.removesuffix(".py")
    if not stem.isidentifier():
        return None  # "my-topic" cannot be imported, so it hides nothing
    if stem in sys.stdlib_module_names or importlib.util.find_spec(stem) is not None:
        return stem
    return None


def _steps_or_stages(docs_dir: Path, located: Located, index: int, item: dict, problems: list[Problem]) -> bool:
    """A path lists its steps either flat (`steps`) or grouped (`stages`), exactly one of the two."""
    shown = _display(docs_dir, PATHS_FILE)
    where = _where(located, ("paths", index))
    if ("steps" in item) == ("stages" in item):
        problems.append(
            Problem(
                shown,
                where,
                f"path '{item['id']}' has {'both' if 'steps' in item else 'neither'} `steps` and `stages`",
                "give it either a flat `steps:` list or `stages:`, each stage with a title and its own `steps:`",
            )
        )
        return False
    seen: set[str] = set()
    for number, stage in enumerate(item.get("stages", []), start=1):
        for slug in stage["steps"]:
            if slug in seen:
                problems.append(
                    Problem(
                        shown,
                        _where(located, ("paths", index, "stages", number - 1, "steps")),
                        f"step '{slug}' appears in more than one stage of path '{item['id']}'",
                        "keep each topic in one stage of a path",
                    )
                )
                return False
            seen.add(slug)
    return True


def _check_paths(docs_dir: Path, topics: dict[str, Topic], paths: list[LearningPath], problems: list[Problem]) -> None:
    shown = _display(docs_dir, PATHS_FILE)
    slugs = sorted(topics)
    placed: set[str] = set()
    for learning_path in paths:
        if not (docs_dir / learning_path.page).is_file():
            problems.append(
                Problem(
                    shown,
                    f"path '{learning_path.id}', page",
                    f"overview page docs/{learning_path.page} does not exist",
                    f"create it with the marker <!-- dlpaths:path-overview {learning_path.id} -->",
                )
            )
        position = {slug: index for index, slug in enumerate(learning_path.steps)}
        for slug in learning_path.steps:
            if slug not in topics:
                problems.append(
                    Problem(
                        shown,
                        f"path '{learning_path.id}', steps",
                        f"unknown step '{slug}'",
                        _slug_fix(slug, slugs),
                    )
                )
                continue
            placed.add(slug)
            for prereq in topics[slug].prerequisites:
                if prereq in position and position[prereq] > position[slug]:
                    problems.append(
                        Problem(
                            shown,
                            f"path '{learning_path.id}', steps",
                            f"'{slug}' comes before its prerequisite '{prereq}'",
                            f"move '{prereq}' above '{slug}'",
                        )
                    )
    for slug in sorted(set(topics) - placed):
        problems.append(
            Problem(
                _display(docs_dir, topics[slug].file),
                "",
                "the topic is in no learning path",
                f"add '{slug}' to the steps of a path in docs/{PATHS_FILE}",
            )
        )


def _slug_fix(slug: str, slugs: list[str]) -> str:
    close = difflib.get_close_matches(slug, slugs, n=1)
    if close:
        return f"did you mean '{close[0]}'? topics are named by their file in docs/topics/"
    return "use the file name (without .md) of a page in docs/topics/"


def find_prerequisite_cycle(topics: dict[str, Topic]) -> list[str] | None:
    """Return one prerequisite cycle as a list of slugs (first == last), or None."""
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done
    stack: list[str] = []

    def visit(slug: str) -> list[str] | None:
        state[slug] = 1
        stack.append(slug)
        for prereq in topics[slug].prerequisites:
            if prereq not in topics:
                continue
            if state.get(prereq) == 1:
                return stack[stack.index(prereq) :] + [prereq]
            if prereq not in state:
                found = visit(prereq)
                if found:
                    return found
        stack.pop()
        state[slug] = 2
        return None

    for slug in sorted(topics):
        if slug not in state:
            found = visit(slug)
            if found:
                return found
    return None


# --- markers -------------------------------------------------------------------------


def find_markers(body: str) -> list[tuple[str, tuple[str, ...], int]]:
    """(name, args, line) of every dlpaths marker in a Markdown body."""
    found = []
    for match in MARKER_RE.finditer(body):
        line = body.count("\n", 0, match.start()) + 1
        found.append((match.group(1), tuple(match.group(2).split()), line))
    return found


_HEADING_WITH_MATH = re.compile(r"^#{1,6}\s.*\$", re.MULTILINE)


def _math_in_headings(body: str, shown: str, offset: int) -> list[Problem]:
    """Headings feed the table of contents and search results, which show plain text, not formulas."""
    problems = []
    in_fence = False
    for number, line in enumerate(body.splitlines(), start=1):
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        if not in_fence and _HEADING_WITH_MATH.match(line):
            problems.append(
                Problem(
                    shown,
                    f"line {number + offset}",
                    f"math in a heading: {line.strip()}",
                    "write it as plain text (e.g. δ, √d, W^T) — the table of contents cannot show formulas",
                )
            )
    return problems


def _check_markers_everywhere(
    docs_dir: Path, topics: dict[str, Topic], paths: list[LearningPath], problems: list[Problem]
) -> None:
    path_ids = {p.id for p in paths}
    for path in sorted(docs_dir.rglob("*.md")):
        rel = path.relative_to(docs_dir).as_posix()
        if rel.startswith(f"{DATA_DIR}/"):
            continue
        text = path.read_text(encoding="utf-8")
        front, body = split_front_matter(text)
        offset = text[: len(text) - len(body)].count("\n")
        shown = _display(docs_dir, rel)
        is_topic = rel.startswith(f"{TOPICS_DIR}/")
        problems.extend(_math_in_headings(body, shown, offset))
        counts: dict[str, int] = {}
        for name, args, line in find_markers(body):
            where = f"line {line + offset}"
            counts[name] = counts.get(name, 0) + 1
            if name not in MARKER_ARGS:
                problems.append(
                    Problem(
                        shown,
                        where,
                        f"unknown marker 'dlpaths:{name}'",
                        f"use one of: {', '.join(sorted(MARKER_ARGS))}",
                    )
                )
            elif len(args) != MARKER_ARGS[name]:
                problems.append(
                    Problem(
                        shown,
                        where,
                        f"marker 'dlpaths:{name}' takes {MARKER_ARGS[name]} argument(s), got {len(args)}",
                        "see CONTRIBUTING.md for the markers",
                    )
                )
            elif name in TOPIC_ONLY_MARKERS and not is_topic:
                problems.append(
                    Problem(shown, where, f"marker 'dlpaths:{name}' only works on topic pages", "remove it")
                )
            elif name == "timeline" and not (docs_dir / TIMELINE_FILE).is_file():
                problems.append(
                    Problem(
                        shown,
                        where,
                        f"the page shows the timeline but docs/{TIMELINE_FILE} does not exist",
                        f"create docs/{TIMELINE_FILE} (see CONTRIBUTING.md) or remove the marker",
                    )
                )
            elif name == "path-overview" and args[0] not in path_ids:
                problems.append(
                    Problem(
                        shown,
                        where,
                        f"unknown path '{args[0]}'",
                        f"use one of: {', '.join(sorted(path_ids))}",
                    )
                )
        topic = topics.get(path.stem) if is_topic else None
        if topic is None:
            continue
        if counts.get("resources", 0) != 1:
            problems.append(
                Problem(
                    shown,
                    "body",
                    f"the page must contain the marker <!-- dlpaths:resources --> once "
                    f"(found {counts.get('resources', 0)})",
                    "put it under the '## 资源' heading",
                )
            )
        want_notebook = 1 if topic.notebook else 0
        if counts.get("notebook", 0) != want_notebook:
            fix = (
                "put <!-- dlpaths:notebook --> once under the '## 动手' heading"
                if topic.notebook
                else "add `notebook: <file>.py` to the front matter or remove the marker"
            )
            problems.append(
                Problem(
                    shown,
                    "body",
                    f"found {counts.get('notebook', 0)} notebook marker(s), expected {want_notebook}",
                    fix,
                )
            )


def _check_ascii_file_names(docs_dir: Path, problems: list[Problem]) -> None:
    for path in sorted(docs_dir.rglob("*")):
        rel = path.relative_to(docs_dir).as_posix()
        if not rel.isascii():
            problems.append(
                Problem(
                    _display(docs_dir, rel),
                    "file name",
                    "non-ASCII file name: its URL would be percent-encoded",
                    "rename it with lowercase ASCII words joined by '-'",
                )
            )
