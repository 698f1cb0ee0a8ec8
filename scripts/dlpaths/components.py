"""Render the site's components from the templates in overrides/dlpaths/.

The environment escapes every value (autoescape) and fails on an unknown variable, so content
from pull requests can never inject markup and a template typo breaks the build.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import BytecodeCache, Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from . import pathmap
from . import paths as pathlogic
from .content import LEVEL_LABELS, Site, Topic
from .offline import OFFLINE_ZIP

KIND_LABELS = {
    "paper": "论文",
    "blog": "博客",
    "video": "视频",
    "book": "书籍",
    "course": "课程",
    "code": "代码",
    "docs": "文档",
    "tool": "工具",
}
LANGUAGE_LABELS = {"zh": "中文", "en": "英文", "both": "中英"}


class Components:
    def __init__(
        self, template_dir: Path, site: Site, directory_urls: bool = True, template_cache: BytecodeCache | None = None
    ):
        self.site = site
        self.env = Environment(
            bytecode_cache=template_cache,
            loader=FileSystemLoader(str(template_dir)),
            autoescape=select_autoescape(default=True, default_for_string=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
        )
        self.env.globals.update(
            kind_labels=KIND_LABELS,
            language_labels=LANGUAGE_LABELS,
            level_labels=LEVEL_LABELS,
            hours=format_hours,
            map_box=pathmap.css_box,
        )
        self.use_directory_urls(directory_urls)
        self.offer_offline_copy(False)

    def use_directory_urls(self, enabled: bool) -> None:
        """Off for the copy read from disk, where topics/pca/ has to be written topics/pca.html."""
        self.page_address = pathlogic.page_address(enabled)
        self.env.filters["page"] = self.page_address
        self.env.globals.update(offline_copy=not enabled, offline_zip=OFFLINE_ZIP)

    def offer_offline_copy(self, offered: bool) -> None:
        """Link the zip from the home page only where a deploy puts it next to the site."""
        self.env.globals["offer_offline_copy"] = offered

    def _render(self, name: str, base_url: str, **context) -> str:
        return self.env.get_template(name).render(base=base_url, site=self.site, **context)

    def topic_header(self, topic: Topic, base_url: str) -> str:
        return self._render(
            "topic_header.html",
            base_url,
            topic=topic,
            positions=pathlogic.positions(self.site, topic.slug),
            prerequisites=[self.site.topics[slug] for slug in topic.prerequisites],
        )

    def topic_footer(self, topic: Topic, base_url: str) -> str:
        return self._render(
            "topic_footer.html", base_url, topic=topic, positions=pathlogic.positions(self.site, topic.slug)
        )

    def resources(self, topic: Topic, base_url: str) -> str:
        return self._render("resources.html", base_url, topic=topic)

    def notebook(self, topic: Topic, body_html: str, receipt: dict, base_url: str) -> str:
        return self._render("notebook.html", base_url, topic=topic, body=Markup(body_html), receipt=receipt)

    def path_overview(self, path_id: str, base_url: str) -> str:
        summary = pathlogic.summary(self.site, path_id)
        shared = {slug for slug, others in summary.shared_with.items() if others}
        return self._render(
            "path_overview.html",
            base_url,
            summary=summary,
            map=pathmap.layout(list(summary.topics), shared, summary.stages),
        )

    def home(self, base_url: str) -> str:
        return self._render(
            "home.html",
            base_url,
            summaries=[pathlogic.summary(self.site, p.id) for p in self.site.paths],
            shared=pathlogic.shared_topics(self.site),
        )

    def glossary(self, base_url: str) -> str:
        terms = sorted(self.site.glossary, key=lambda term: term.en.lower())
        return self._render("glossary.html", base_url, terms=terms)

    def timeline(self, base_url: str) -> str:
        return self._render("timeline.html", base_url, events=self.site.timeline)

    def progress(self, base_url: str) -> str:
        return self._render("progress.html", base_url)


def format_hours(value: float) -> str:
    return f"{value:g}"
