"""`dlpaths benchmark`: build times, notebook times and page weights, printed against targets.

A benchmark, not a test: numbers vary with the machine's load, so it reports and never fails
on a missed target.
"""

from __future__ import annotations

import base64
import gzip
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import nbformat

from .nbrender import FIGURES_DIR

TARGETS = {
    "warm rebuild (s)": 10,
    "edit visible in serve (s)": 3,
    "figure (KB)": 150,
    "notebook (s)": 60,
    "text page (KB gz)": 150,
    "notebook page (KB gz)": 400,
}
REPEATS = 3  # warm rebuilds and serve edits, reported as the median
# What readers search for; a page's weight counts the median download of these searches.
SAMPLE_QUERIES = ("反向传播", "注意力机制", "梯度下降", "交叉熵", "卷积", "过拟合", "transformer", "lora")
_FIGURE_RE = re.compile(r'src="data:image/[a-z+]+;base64,([A-Za-z0-9+/=]+)"')
_ASSET_RE = re.compile(r'<(?:script[^>]+src|link[^>]+href|img[^>]+src)="([^"#?]+)', re.I)


@dataclass(frozen=True)
class PageWeight:
    url: str
    kind: str  # "text" or "notebook"
    html: int
    assets: int
    search: int  # the index manifest, the worker and a typical search's downloads
    figures: tuple[int, ...] = ()  # decoded bytes of each inline figure

    @property
    def total(self) -> int:
        return self.html + self.assets + self.search


def run_benchmark(root: Path, cold: bool = True) -> int:
    with tempfile.TemporaryDirectory(prefix="dlpaths-bench-") as tmp:
        tmp_path = Path(tmp)
        cache = tmp_path / "cache" if cold else None
        site_dir = tmp_path / "site"
        rows: list[tuple[str, str, str]] = []
        first = _timed_build(root, site_dir, cache)
        label = "cold build, all notebooks executed" if cold else "build (notebook cache reused)"
        rows.append((label, f"{first:.1f} s", ""))
        # Medians of several tries: one figure taken right after a cold build's writes is noisy.
        warm_runs = [_timed_build(root, site_dir, cache) for _ in range(REPEATS)]
        warm = statistics.median(warm_runs)
        warm_verdict = _verdict(warm, TARGETS["warm rebuild (s)"], "s")
        rows.append(("warm rebuild, nothing changed", f"{warm:.1f} s (median; {_spread(warm_runs)})", warm_verdict))
        edits = edits_visible_in_serve(root, tmp_path, REPEATS)
        edit = statistics.median(edits)
        rows.append(
            (
                "one Markdown edit visible in `dlpaths serve`",
                f"{edit:.1f} s (median; {_spread(edits)})",
                _verdict(edit, TARGETS["edit visible in serve (s)"], "s"),
            )
        )
        for name, seconds in notebook_times(site_dir):
            rows.append((f"notebook {name}", f"{seconds:.1f} s", _verdict(seconds, TARGETS["notebook (s)"], "s")))
        weights = page_weights(site_dir)
        rows.append(("search (fetched on first search)", search_summary(site_dir), ""))
        for weight in weights:
            # The target counts a search, as if the reader searched on this page.
            target = TARGETS[f"{weight.kind} page (KB gz)"]
            kb = weight.total / 1024
            on_open = (weight.html + weight.assets) / 1024
            parts = (
                f"html {weight.html / 1024:.0f} + assets {weight.assets / 1024:.0f} + search {weight.search / 1024:.0f}"
            )
            detail = f"{kb:.0f} KB ({parts}); {on_open:.0f} KB on open"
            rows.append((f"{weight.kind} page /{weight.url}", detail, _verdict(kb, target, "KB")))
            if weight.figures:
                largest = max(weight.figures) / 1024
                every = sum(weight.figures) / 1024
                figures = f"{len(weight.figures)} figure(s), largest {largest:.0f} KB, all {every:.0f} KB"
                rows.append(("    figures", figures, _verdict(largest, TARGETS["figure (KB)"], "KB")))
    _print_table(rows)
    print(
        json.dumps(
            {"warm_rebuild_s": round(warm, 2), "first_build_s": round(first, 2), "edit_visible_s": round(edit, 2)}
        )
    )
    return 0


def edits_visible_in_serve(root: Path, tmp_path: Path, count: int, page: str = "pca") -> list[float]:
    """Seconds from saving a Markdown edit to the edited page served by `dlpaths serve` showing it, per edit.

    Runs on a copy of the checkout, so the benchmark never touches the real files.
    """
    copy = tmp_path / "checkout"
    ignore = shutil.ignore_patterns(".git", ".venv", "site", "site.old", ".site-*", "__pycache__")
    shutil.copytree(root, copy, ignore=ignore, symlinks=True)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/topics/{page}/"
    command = [sys.executable, "-m", "dlpaths.cli", "--root", str(copy), "serve", "--dev-addr", f"127.0.0.1:{port}"]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seconds = []
    try:
        _wait_for(url, lambda html: True, timeout=600)
        source = copy / "docs" / "topics" / f"{page}.md"
        for _ in range(count):
            time.sleep(2)  # let the watcher settle after the last build
            marker = f"benchmark-edit-{time.time_ns()}"
            source.write_text(source.read_text(encoding="utf-8") + f"\n\n{marker}\n", encoding="utf-8")
            started = time.monotonic()
            _wait_for(url, lambda html, marker=marker: marker in html, timeout=300)
            seconds.append(time.monotonic() - started)
        return seconds
    finally:
        server.terminate()
        server.wait(timeout=30)


def _spread(values: list[float]) -> str:
    return f"{len(values)} runs, {min(values):.1f}-{max(values):.1f} s"


def _wait_for(url: str, ready, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - our own local server
                if ready(response.read().decode("utf-8", "replace")):
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"benchmark: {url} not ready within {timeout:.0f} s")


def _timed_build(root: Path, site_dir: Path, cache: Path | None) -> float:
    env = dict(os.environ)
    if cache is not None:
        env["DLPATHS_CACHE_DIR"] = str(cache)
    started = time.monotonic()
    command = [sys.executable, "-m", "dlpaths.cli", "--root", str(root), "build", "--site-dir", str(site_dir)]
    completed = subprocess.run(command, env=env, capture_output=True, text=True)
    seconds = time.monotonic() - started
    if completed.returncode != 0:
        print(completed.stdout + completed.stderr, file=sys.stderr)
        raise SystemExit("benchmark: the build failed")
    return seconds


def notebook_times(site_dir: Path) -> list[tuple[str, float]]:
    """Execution time of each notebook, from the run receipt in the executed cache entry."""
    from .notebooks import default_cache_dir

    times = []
    for download in sorted((site_dir / "notebooks").glob("*.ipynb")):
        seconds = _receipt_seconds(download.stem, default_cache_dir(), site_dir)
        if seconds is not None:
            times.append((download.name, seconds))
    return times


def _receipt_seconds(stem: str, cache_dir: Path, site_dir: Path) -> float | None:
    page = site_dir / "topics" / stem / "index.html"
    if page.is_file():
        match = re.search(r"用时 ([0-9.]+) 秒", page.read_text(encoding="utf-8"))
        if match:
            return float(match.group(1))
    for path in cache_dir.glob(f"{stem}-*.ipynb"):
        return nbformat.read(path, as_version=4).metadata.get("dlpaths", {}).get("seconds")
    return None


def search_cost(site_dir: Path) -> tuple[int, int, list[int]]:
    """Gzipped bytes of the index manifest, the worker, and each sample query's shards and excerpt texts."""
    from .searchindex import INDEX, WORKER, search_downloads

    manifest, worker = _gz(site_dir / INDEX), _gz(site_dir / WORKER)
    queries = [sum(_gz(site_dir / path) for path in search_downloads(site_dir, query)) for query in SAMPLE_QUERIES]
    return manifest, worker, queries


def search_summary(site_dir: Path) -> str:
    manifest, worker, queries = search_cost(site_dir)
    ordered = sorted(queries)
    return (
        f"manifest {manifest / 1024:.0f} KB gz + worker {worker / 1024:.0f} KB; a search then downloads "
        f"{ordered[len(ordered) // 2] / 1024:.0f} KB median, {ordered[-1] / 1024:.0f} KB max ({len(queries)} queries)"
    )


def page_weights(site_dir: Path) -> list[PageWeight]:
    """Gzipped bytes of each page: its HTML, what it references, what Material's bundle fetches, a search."""
    manifest, worker, queries = search_cost(site_dir)
    search = manifest + worker + sorted(queries)[len(queries) // 2]
    # Fetched by Material's bundle on every first visit: the sitemap (instant navigation).
    runtime = _gz(site_dir / "sitemap.xml") if (site_dir / "sitemap.xml").is_file() else 0
    figures_dir = (site_dir / FIGURES_DIR).resolve()
    weights = []
    for page in sorted(site_dir.rglob("index.html")):
        url = page.parent.relative_to(site_dir).as_posix()
        url = "" if url == "." else url + "/"
        html = page.read_text(encoding="utf-8")
        assets = runtime
        figures = [len(base64.b64decode(data)) for data in _FIGURE_RE.findall(html)]
        for ref in sorted(set(_ASSET_RE.findall(html))):
            if "://" in ref or ref.startswith("data:"):
                continue
            target = (page.parent / ref).resolve()
            if target.is_file():
                assets += _gz(target)
                if target.is_relative_to(figures_dir):
                    figures.append(target.stat().st_size)
        kind = "notebook" if 'class="dl-notebook"' in html else "text"
        figures = tuple(figures)
        weights.append(PageWeight(url, kind, _gz(page), assets, search, figures))
    return weights


def _gz(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=9))


def _verdict(value: float, target: float, unit: str) -> str:
    return f"{'ok' if value <= target else 'OVER'} (target <= {target} {unit})"


def _print_table(rows: list[tuple[str, str, str]]) -> None:
    width = max(len(r[0]) for r in rows)
    middle = max(len(r[1]) for r in rows)
    for name, value, verdict in rows:
        print(f"{name.ljust(width)}  {value.ljust(middle)}  {verdict}")
