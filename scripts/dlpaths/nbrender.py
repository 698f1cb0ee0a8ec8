"""Turn an executed notebook into HTML for embedding in its topic page.

mkdocs-jupyter's renderer does the conversion; this module only adapts its output to a page:
its ~600 KB of inline CSS and its inline scripts are moved to shared assets, headings get
stable Unicode ids and permalinks, math is rendered to MathML, PNG figures get their size
(no layout shift) and lazy loading, and code/output cells stay out of the search index.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import json
import logging
import re
import struct
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
from bs4 import BeautifulSoup
from PIL import Image
from pymdownx.slugs import slugify

from .diskstore import code_version
from .errors import NotebookError
from .mathrender import render_dollars_in

# Cached renders are keyed on the renderer's own code, so editing it can never serve stale HTML.
RENDERER_VERSION = code_version("nbrender.py", "mathrender.py", "mathvariants.py")
_slugify = slugify(case="lower")


@dataclass(frozen=True)
class Heading:
    level: int
    id: str
    title: str


@dataclass(frozen=True)
class RenderedNotebook:
    html: str
    headings: tuple[Heading, ...]
    css: str

    def to_json(self) -> str:
        return json.dumps({"html": self.html, "headings": [h.__dict__ for h in self.headings], "css": self.css})

    @classmethod
    def from_json(cls, text: str) -> RenderedNotebook:
        data = json.loads(text)
        return cls(data["html"], tuple(Heading(**h) for h in data["headings"]), data["css"])


def render(
    notebook: nbformat.NotebookNode,
    name: str,
    taken_ids: set[str],
    cache_dir: Path | None,
    digest: str | None = None,
) -> RenderedNotebook:
    """Render a notebook with outputs; ids already used on the page are avoided.

    `digest` is the sha256 of the notebook's content when the caller already has it.
    """
    digest = digest or hashlib.sha256(json.dumps(notebook, sort_keys=True).encode()).hexdigest()
    payload = digest + RENDERER_VERSION + json.dumps(sorted(taken_ids))
    key = hashlib.sha256(payload.encode()).hexdigest()[:24]
    if key in _recent_renders:
        return _recent_renders[key]
    cached = cache_dir / f"render-{key}.json" if cache_dir else None
    if cached and cached.is_file():
        cached.touch()  # recently used: kept by _prune_renders
        rendered = RenderedNotebook.from_json(cached.read_text(encoding="utf-8"))
    else:
        rendered = _render(notebook, name, set(taken_ids))
        if cached:
            cached.parent.mkdir(parents=True, exist_ok=True)
            cached.write_text(rendered.to_json(), encoding="utf-8")
            _prune_renders(cached.parent)
    _remember(key, rendered)
    return rendered


# Renders of this process by key: `dlpaths serve` rebuilds every page on each change.
_recent_renders: dict[str, RenderedNotebook] = {}


def _remember(key: str, rendered: RenderedNotebook, limit: int = 256) -> None:
    if len(_recent_renders) >= limit:
        _recent_renders.pop(next(iter(_recent_renders)))
    _recent_renders[key] = rendered


def _prune_renders(cache_dir: Path, keep_days: float = 14) -> None:
    """Forget renders nobody has used for a while, so the cache does not grow without end."""
    cutoff = time.time() - keep_days * 86400
    for path in cache_dir.glob("render-*.json"):
        with contextlib.suppress(OSError):
            if path.stat().st_mtime < cutoff:
                path.unlink()


def _render(notebook: nbformat.NotebookNode, name: str, taken_ids: set[str]) -> RenderedNotebook:
    from mkdocs_jupyter.nbconvert2 import nb2html  # heavy import, only when rendering

    with tempfile.TemporaryDirectory() as tmp, _quiet("traitlets", "mkdocs.mkdocs-jupyter"):
        path = Path(tmp) / "notebook.ipynb"
        nbformat.write(notebook, path)
        raw = nb2html(
            str(path),
            execute=False,
            allow_errors=False,
            no_prompt=True,
            theme="light",
            custom_mathjax_url="",
        )
    css = "\n".join(re.findall(r"<style[^>]*>(.*?)</style>", raw, flags=re.DOTALL))
    soup = BeautifulSoup(raw, "html.parser")
    wrapper = soup.select_one("div.jupyter-wrapper")
    if wrapper is None:
        raise NotebookError(f"notebooks/{name}: the renderer returned no notebook body")
    for tag in wrapper.find_all(["script", "style", "link"]):
        tag.decompose()
    _use_material_code_blocks(wrapper)
    headings = _fix_headings(wrapper, taken_ids, name)
    for cell in wrapper.select(".jp-MarkdownOutput"):
        render_dollars_in(cell, f"notebooks/{name}")
    for cell in wrapper.select(".jp-CodeCell"):
        cell["data-search-exclude"] = ""
    _size_images(wrapper)
    return RenderedNotebook(html=str(wrapper), headings=tuple(headings), css=css)


@contextlib.contextmanager
def _quiet(*names: str):
    """nbconvert warns about images without alt text; we set the alt text ourselves below."""
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def _use_material_code_blocks(wrapper) -> None:
    """Style code cells like the site's own code blocks (light and dark), with Material's copy button."""
    for tag in wrapper.select(".zeroclipboard-container, .clipboard-copy-txt"):
        tag.decompose()
    for block in wrapper.select("div.highlight-ipynb"):
        block["class"] = ["highlight"]
        pre = block.find("pre")
        if pre is None or pre.find("code"):
            continue
        code = BeautifulSoup("<code></code>", "html.parser").code
        for child in list(pre.contents):
            code.append(child.extract())
        pre.append(code)
    for span in wrapper.select("div.highlight pre code span"):
        if set(span.get("class") or []) <= PLAIN_TOKENS:
            span.unwrap()
    for number, pre in enumerate(wrapper.select("div.highlight > pre")):
        _add_copy_button(pre, f"__code_nb{number}")


def _add_copy_button(pre, pre_id: str) -> None:
    """Material's copy button, written into the page: the notebook goes into the page after Material has
    set up its code blocks, so Material never adds one. Its clipboard handler serves every such button."""
    pre["id"] = pre_id
    markup = (
        f'<nav class="md-code__nav"><button class="md-code__button" title="复制" '
        f'data-clipboard-target="#{pre_id} &gt; code" data-md-type="copy"></button></nav>'
    )
    pre.insert(0, BeautifulSoup(markup, "html.parser").nav)
    code = pre.find("code")
    if code is not None:
        code["tabindex"] = "0"  # scrollable code must be reachable by keyboard


# Pygments token classes Material draws in the plain code colour (names, whitespace) in both colour
# schemes. Their spans change nothing on screen, and a notebook page has thousands of them: dropping
# them makes the page's DOM a sixth smaller, which is what slows phones down.
PLAIN_TOKENS = frozenset({"n", "w"})


def _fix_headings(wrapper, taken_ids: set[str], name: str) -> list[Heading]:
    headings = []
    for tag in wrapper.select(
        ".jp-MarkdownOutput h1, .jp-MarkdownOutput h2, .jp-MarkdownOutput h3, "
        ".jp-MarkdownOutput h4, .jp-MarkdownOutput h5, .jp-MarkdownOutput h6"
    ):
        for anchor in tag.select("a.anchor-link"):
            anchor.decompose()
        title = tag.get_text().strip()
        if "$" in title:
            raise NotebookError(
                f"notebooks/{name}: math in the heading {title!r}; write it as plain text (e.g. δ, √d) — "
                "the table of contents cannot show formulas"
            )
        base = _slugify(title, "-") or "section"
        heading_id, n = base, 1
        while heading_id in taken_ids:
            heading_id = f"{base}_{n}"
            n += 1
        taken_ids.add(heading_id)
        tag["id"] = heading_id
        link = BeautifulSoup(
            f'<a class="headerlink" href="#{heading_id}" title="Permanent link">&para;</a>', "html.parser"
        )
        tag.append(link)
        headings.append(Heading(level=int(tag.name[1]), id=heading_id, title=title))
    return headings


def _size_images(wrapper) -> None:
    for img in wrapper.find_all("img"):
        img["loading"] = "lazy"
        img["decoding"] = "async"
        src = img.get("src", "")
        if src.startswith("data:image/png;base64,"):
            mime, data = shrink_figure(src.split(",", 1)[1])
            img["src"] = f"data:{mime};base64,{data}"
            if not img.get("width"):
                size = png_size(src.split(",", 1)[1])
                if size:
                    img["width"], img["height"] = str(size[0]), str(size[1])
        if img.get("alt", "").startswith("No description"):
            img["alt"] = "notebook 输出的图"


FIGURES_DIR = "assets/figures"
_INLINE_FIGURE_RE = re.compile(r'src="data:(image/(?:png|jpeg|webp|svg\+xml));base64,([A-Za-z0-9+/=]+)"')
_FIGURE_EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp", "image/svg+xml": "svg"}


def externalize_figures(html: str, slug: str, base: str) -> tuple[str, dict[str, bytes]]:
    """Move inline figures into files named by their content, so the page's HTML stays small and the
    browser fetches each figure only when it scrolls near (the img tags are loading="lazy").

    Returns the new HTML and {site-relative path: bytes} for the files to write.
    """
    files: dict[str, bytes] = {}

    def to_file(match: re.Match) -> str:
        data = base64.b64decode(match.group(2))
        digest = hashlib.sha256(data).hexdigest()[:12]
        name = f"{FIGURES_DIR}/{slug}-{digest}.{_FIGURE_EXTENSIONS[match.group(1)]}"
        files[name] = data
        return f'src="{base}{name}"'

    return _INLINE_FIGURE_RE.sub(to_file, html), files


_PAGE_LINK_RE = re.compile(r'href="([a-z0-9]+(?:-[a-z0-9]+)*)\.md(#[^"]*)?"')


def link_pages(html: str, page_href) -> tuple[str, list[str]]:
    """Point `[text](other-topic.md)` links in notebook text cells at the built pages, as MkDocs does
    for the page itself. `page_href(slug)` gives the address, or None for an unknown topic.

    Returns the new HTML and the unknown slugs.
    """
    unknown: list[str] = []

    def to_page(match: re.Match) -> str:
        href = page_href(match.group(1))
        if href is None:
            unknown.append(match.group(1))
            return match.group(0)
        return f'href="{href}{match.group(2) or ""}"'

    return _PAGE_LINK_RE.sub(to_page, html), unknown


# A photograph (many colours, smooth gradients) goes out as JPEG only when that at least halves it:
# plots stay exact 256-colour images, where JPEG would blur lines and text. Those go out as
# lossless WebP when it beats the palette PNG (it usually saves a sixth); every browser the site
# supports shows WebP.
JPEG_QUALITY = 82
JPEG_MIN_GAIN = 2.0
_MIME = {"PNG": "image/png", "WEBP": "image/webp", "JPEG": "image/jpeg"}


def shrink_figure(b64: str) -> tuple[str, str]:
    """(mime type, base64) of the smallest faithful encoding of a notebook figure."""
    original = base64.b64decode(b64)
    with Image.open(io.BytesIO(original)) as image:
        image.load()
        flat = Image.new("RGB", image.size, "white")
        flat.paste(image.convert("RGBA"), mask=image.convert("RGBA").getchannel("A"))
    quantized = exact_enough(flat)
    exact = min((_encode(quantized, "PNG"), "PNG"), (_encode(quantized, "WEBP"), "WEBP"), key=lambda c: len(c[0]))
    jpeg = _encode(flat, "JPEG")
    if len(jpeg) * JPEG_MIN_GAIN <= min(len(exact[0]), len(original)):
        return "image/jpeg", base64.b64encode(jpeg).decode()
    if len(exact[0]) < len(original):
        return _MIME[exact[1]], base64.b64encode(exact[0]).decode()
    return "image/png", b64


def exact_enough(image: Image.Image) -> Image.Image:
    """The image in 256 colours. Max-coverage keeps every distinct colour a figure uses (a legend's few
    orange pixels stay orange; median cut turned them salmon) and makes smaller files."""
    return image.quantize(colors=256, method=Image.Quantize.MAXCOVERAGE, dither=Image.Dither.NONE)


def _encode(image: Image.Image, fmt: str) -> bytes:
    buffer = io.BytesIO()
    if fmt == "JPEG":
        image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    elif fmt == "WEBP":
        image.save(buffer, "WEBP", lossless=True, quality=100, method=4)  # 6 is 60x slower for 0.4% less
    else:
        image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def png_size(b64: str) -> tuple[int, int] | None:
    head = base64.b64decode(b64[:48] + "=" * (-len(b64[:48]) % 4))
    if head[:8] != b"\x89PNG\r\n\x1a\n" or len(head) < 24:
        return None
    return struct.unpack(">II", head[16:24])
