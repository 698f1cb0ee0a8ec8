"""One build of the site: what the MkDocs hooks in hooks.py delegate to.

Order of work: validate all content (on_config), execute stale notebooks (on_pre_build),
fill markers and render math on each page (on_page_content), write shared assets and notebook
downloads (on_post_build). Any problem raises before a page is written.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from jinja2 import FileSystemBytecodeCache
from markupsafe import escape
from mkdocs.structure.toc import AnchorLink

from . import cssprune, notebooks
from .components import Components
from .content import MARKER_RE, Site, Topic, load_site
from .diskstore import DiskStore, code_version
from .errors import NotebookError
from .glossary import write_user_dictionary
from .mathrender import FormulaCache, render_arithmatex
from .nbrender import RenderedNotebook, externalize_figures, link_pages, render
from .paths import client_data, nav_order
from .searchcache import SearchEntryCache
from .typography import join_cjk_lines

TOPICS_NAV_PLACEHOLDER = "topics/"
NOTEBOOK_CSS = "assets/stylesheets/notebook.css"
_ID_RE = re.compile(r'\bid="([^"]+)"')
_H2_RE = re.compile(r'<h2 id="([^"]+)"')


@dataclass
class SiteBuild:
    root: Path
    docs_dir: Path
    site: Site
    settings: notebooks.Settings
    components: Components
    jobs: dict[str, notebooks.Job] = field(default_factory=dict)  # notebook file name -> job
    rendered: dict[str, tuple[RenderedNotebook, str]] = field(default_factory=dict)  # slug -> (page part, .ipynb text)
    figures: dict[str, bytes] = field(default_factory=dict)  # site-relative path -> figure file
    search_cache: SearchEntryCache | None = None
    formulas: FormulaCache | None = None

    @classmethod
    def load(cls, root: Path, docs_dir: Path, template_dir: Path, cache_dir: Path | None = None) -> SiteBuild:
        site = load_site(docs_dir, root / "notebooks")
        settings = notebooks.Settings(root=root, cache_dir=cache_dir or notebooks.default_cache_dir())
        return cls(
            root=root,
            docs_dir=docs_dir,
            site=site,
            settings=settings,
            components=Components(template_dir, site, template_cache=template_cache(settings.cache_dir)),
            formulas=FormulaCache(settings.cache_dir.parent / "formulas"),
        )

    # --- on_config -------------------------------------------------------------------

    def configure(self, config) -> None:
        search = config.plugins.get("material/search") or config.plugins.get("search")
        if search is not None and hasattr(search.config, "jieba_dict_user"):
            dictionary = write_user_dictionary(self.site.glossary, self.settings.cache_dir.parent / "search")
            search.config.jieba_dict_user = str(dictionary)
        config.nav = self._nav_with_topics(config.nav)
        self.components.use_directory_urls(config.use_directory_urls)
        self.components.offer_offline_copy(bool(config.extra.get("offline_download")))
        config.extra["dlpaths"] = client_data(self.site, config.use_directory_urls)

    def cache_search_entries(self, config) -> None:
        """Reuse the search entries of unchanged pages (runs after the search plugin has set up its index)."""
        search = config.plugins.get("material/search") or config.plugins.get("search")
        index = getattr(search, "search_index", None)
        if index is None:
            return
        dictionary = Path(search.config.get("jieba_dict_user") or "")
        salt = json.dumps(
            [
                metadata.version("mkdocs-material"),
                metadata.version("jieba"),
                dict(search.config),
                dictionary.read_text(encoding="utf-8") if dictionary.is_file() else "",
            ],
            ensure_ascii=False,
            default=str,
            sort_keys=True,
        )
        self.search_cache = SearchEntryCache(self.settings.cache_dir.parent / "search-entries", salt)
        self.search_cache.install(index)

    def _nav_with_topics(self, nav):
        if nav is None:
            return nav
        topics = [{topic.title: topic.file} for topic in nav_order(self.site)]
        filled = []
        found = False
        for item in nav:
            if isinstance(item, dict) and list(item.values()) == [TOPICS_NAV_PLACEHOLDER]:
                filled.append({next(iter(item)): topics})
                found = True
            else:
                filled.append(item)
        if not found:
            raise NotebookError(
                f"mkdocs.yml: nav has no entry whose value is '{TOPICS_NAV_PLACEHOLDER}'; "
                "add `- 全部主题: topics/` where the topic list should go"
            )
        return filled

    # --- on_pre_build ----------------------------------------------------------------

    def execute_notebooks(self, report=print) -> dict[str, float]:
        sources = sorted({self.settings.notebooks_dir / t.notebook for t in self.site.topics.values() if t.notebook})
        planned = notebooks.plan(sources, self.settings)
        self.jobs = {job.name: job for job in planned}
        todo = notebooks.stale(planned)
        if not todo:
            report(f"[notebooks] all {len(planned)} notebook(s) up to date in {self.settings.cache_dir}")
            return {}
        return notebooks.execute_all(todo, self.settings, report)

    # --- on_page_content -------------------------------------------------------------

    def page_content(self, html: str, page) -> str:
        src_uri = page.file.src_uri
        shown = f"{self.docs_dir.name}/{src_uri}"
        base = relative_base(page.url)
        html = render_arithmatex(html, shown, self.formulas)
        topic = self.site.topic_for_file(src_uri)

        def fill(match: re.Match) -> str:
            name, args = match.group(1), match.group(2).split()
            if name == "notebook":
                return self._notebook_html(topic, page, html, base)
            if name == "resources":
                return self.components.resources(topic, base)
            if name == "path-overview":
                _attach_stages_to_toc(page, html[: match.start()], self.site.path(args[0]).stages)
                return self.components.path_overview(args[0], base)
            if name == "home":
                return self.components.home(base)
            if name == "glossary":
                return self.components.glossary(base)
            if name == "progress":
                return self.components.progress(base)
            if name == "timeline":
                return self.components.timeline(base)
            raise NotebookError(f"{shown}: unknown marker {match.group(0)}")  # validated earlier

        html = MARKER_RE.sub(fill, html)
        if topic:
            html = self.components.topic_header(topic, base) + html + self.components.topic_footer(topic, base)
        return join_cjk_lines(html)

    def _notebook_html(self, topic: Topic, page, html: str, base: str) -> str:
        job = self.jobs.get(topic.notebook)
        if job is None or not job.output.is_file():
            raise NotebookError(f"notebooks/{topic.notebook}: not executed; run the build again")
        merged = notebooks.merged_notebook(job)
        taken = set(_ID_RE.findall(html))
        rendered = render(merged.notebook, topic.notebook, taken, self.settings.cache_dir / "rendered", merged.digest)
        self.rendered[topic.slug] = (rendered, merged.download)
        marker_at = html.find("dlpaths:notebook")
        _attach_headings_to_toc(page, html[:marker_at], rendered)
        body, figures = externalize_figures(rendered.html, topic.slug, base)
        body, unknown = link_pages(body, lambda slug: self._page_href(slug, base))
        if unknown:
            raise NotebookError(
                f"notebooks/{topic.notebook}: links to unknown page(s) {', '.join(sorted(set(unknown)))}.md; "
                "link other topics as [text](slug.md) with the file name of a page in docs/topics/"
            )
        self.figures.update(figures)
        return self.components.notebook(topic, body, merged.notebook.metadata.get("dlpaths", {}), base)

    def _page_href(self, slug: str, base: str) -> str | None:
        topic = self.site.topics.get(slug)
        return None if topic is None else base + self.components.page_address(topic.url)

    # --- on_post_build ---------------------------------------------------------------

    def write_assets(self, site_dir: Path) -> None:
        for name, data in self.figures.items():
            target = site_dir / name
            if target.is_file():  # named by content hash: an existing file is already right
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        for slug, (_, download) in self.rendered.items():
            target = site_dir / "notebooks" / f"{slug}.ipynb"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(download, encoding="utf-8")
        if self.rendered:
            css_path = site_dir / NOTEBOOK_CSS
            css_path.parent.mkdir(parents=True, exist_ok=True)
            css_path.write_text(self.notebook_css(), encoding="utf-8")

    def finish(self, report) -> None:
        """Keep what this build made for the next one (after the site is fully written)."""
        if self.formulas is not None:
            self.formulas.save()
        if self.search_cache is not None:
            report(f"search entries: {self.search_cache.hits} page(s) reused, {self.search_cache.misses} indexed")
            self.search_cache.evict_unused()

    def notebook_css(self) -> str:
        classes: set[str] = set()
        css = ""
        for rendered, _ in self.rendered.values():
            classes |= cssprune.used_classes(rendered.html)
            css = css or rendered.css
        store = DiskStore(self.settings.cache_dir.parent / "notebook-css", suffix=".css")
        return _pruned_notebook_css(css, frozenset(classes), store)


@functools.lru_cache(maxsize=8)  # the same on every `dlpaths serve` rebuild unless a notebook changed
def _pruned_notebook_css(css: str, classes: frozenset[str], store: DiskStore) -> str:
    # Pruning takes half a second, and its result rarely changes: kept on disk under its inputs.
    dark = _dark_theme_css()
    inputs = [css, dark, *sorted(classes), code_version("cssprune.py")]
    key = hashlib.sha256("\0".join(inputs).encode()).hexdigest()[:32]
    stored = store.get(key)
    if stored is not None:
        return stored
    dark_vars = cssprune.scope_variables(dark, '[data-md-color-scheme="slate"] .jupyter-wrapper')
    pruned = "\n".join([cssprune.prune(css, set(classes)), cssprune.prune(dark_vars, set(classes))])
    store.put(key, pruned)
    store.evict_unused()
    return pruned


def template_cache(notebook_cache_dir: Path) -> FileSystemBytecodeCache:
    """Compiled Jinja templates on disk, keyed by each template's source: every build and every
    `dlpaths serve` rebuild makes new template environments, and compiling ~60 templates is slow."""
    directory = notebook_cache_dir.parent / "templates"
    directory.mkdir(parents=True, exist_ok=True)
    return FileSystemBytecodeCache(str(directory))


def relative_base(page_url: str) -> str:
    """Prefix that turns a site-root-relative URL into one relative to the page."""
    depth = page_url.rstrip("/").count("/") + 1 if page_url.strip("/") else 0
    if page_url and not page_url.endswith("/"):
        depth -= 1  # a file URL such as 'topics/pca.html' sits in its folder
    return "../" * depth


def _attach_headings_to_toc(page, html_before_marker: str, rendered: RenderedNotebook) -> None:
    section_ids = _H2_RE.findall(html_before_marker)
    if not section_ids or page.toc is None:
        return
    parent = _find_toc_item(list(page.toc), section_ids[-1])
    if parent is None:
        return
    last_by_level: dict[int, AnchorLink] = {}
    for heading in rendered.headings:
        link = AnchorLink(heading.title, heading.id, heading.level)
        owner = parent
        for level in range(heading.level - 1, parent.level, -1):
            if level in last_by_level:
                owner = last_by_level[level]
                break
        owner.children.append(link)
        last_by_level[heading.level] = link
        for deeper in [level for level in last_by_level if level > heading.level]:
            del last_by_level[deeper]


def _attach_stages_to_toc(page, html_before_marker: str, stages) -> None:
    """List a path's stage headings in the page's table of contents, where the overview sits."""
    if not stages or page.toc is None:
        return
    top = list(page.toc)
    owner = top[0] if len(top) == 1 and top[0].level == 1 else None
    siblings = owner.children if owner else page.toc.items
    before = set(_H2_RE.findall(html_before_marker))
    at = sum(1 for item in siblings if item.id in before)
    links = [AnchorLink(str(escape(stage.label)), stage.anchor, 2) for stage in stages]
    siblings[at:at] = links


def _find_toc_item(items, anchor_id: str):
    for item in items:
        if item.id == anchor_id:
            return item
        found = _find_toc_item(item.children, anchor_id)
        if found:
            return found
    return None


def _dark_theme_css() -> str:
    import mkdocs_jupyter

    path = Path(mkdocs_jupyter.__file__).parent / "templates" / "mkdocs_html" / "assets" / "theme-dark.css"
    return path.read_text(encoding="utf-8")
