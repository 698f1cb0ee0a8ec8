"""`dlpaths lighthouse`: browser benchmarks for four kinds of page, served the way a static host serves them.

The site is served from 127.0.0.1 with gzip and GitHub Pages' cache header (max-age=600), then
Lighthouse (npm, pinned in scripts/lighthouse/package.json) runs with Debian's chromium, mobile and
desktop presets, three runs each; the median of each category is printed against its target.
It then measures first paint with every other host refused and with every other host hanging.
A benchmark, not a test: scores move with machine load.
"""

from __future__ import annotations

import contextlib
import gzip
import http.server
import json
import mimetypes
import os
import shutil
import statistics
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
TARGETS = {
    "desktop": {"performance": 100, "accessibility": 100, "best-practices": 100, "seo": 100},
    "mobile": {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100},
}
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml", "application/xml")
CACHE_CONTROL = "max-age=600"  # what GitHub Pages sends for every file
LIGHTHOUSE_DIR = Path(__file__).resolve().parents[1] / "lighthouse"


class StaticHostHandler(http.server.SimpleHTTPRequestHandler):
    """Serve files like a static host: gzip for text when the browser accepts it, a cache header, 404.html."""

    def do_GET(self):  # noqa: N802 - name from the base class
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        status = 200
        if not path.is_file():
            status, path = 404, Path(self.directory) / "404.html"
        body = path.read_bytes() if path.is_file() else b"not found"
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        self.send_response(status)
        self.send_header("Content-Type", kind + ("; charset=utf-8" if kind.startswith("text/") else ""))
        self.send_header("Cache-Control", CACHE_CONTROL)
        if kind.startswith(COMPRESSIBLE) and "gzip" in self.headers.get("Accept-Encoding", ""):
            body = gzip.compress(body, compresslevel=6)
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):  # noqa: A002 - signature from the base class
        pass


@contextlib.contextmanager
def serve(site_dir: Path):
    """Yield the base URL of `site_dir` served on a free port of 127.0.0.1."""
    handler = lambda *args: StaticHostHandler(*args, directory=str(site_dir))  # noqa: E731
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()


@dataclass(frozen=True)
class Score:
    page: str
    preset: str
    categories: dict[str, int]  # median score, 0-100
    total_bytes: int  # median transferred bytes
    failing: tuple[str, ...]  # titles of audits that failed in the median run


def lighthouse_binary() -> Path:
    binary = LIGHTHOUSE_DIR / "node_modules" / ".bin" / "lighthouse"
    if not binary.is_file():
        raise FileNotFoundError(f"{binary} is missing; install it with: npm ci --prefix scripts/lighthouse")
    return binary


def run_once(url: str, preset: str, chromium: str, out: Path) -> dict:
    command = [
        str(lighthouse_binary()),
        url,
        "--output=json",
        f"--output-path={out}",
        f"--only-categories={','.join(CATEGORIES)}",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
        "--quiet",
    ]
    if preset == "desktop":
        command.append("--preset=desktop")
    env = {**os.environ, "CHROME_PATH": chromium}
    subprocess.run(command, check=True, env=env, timeout=300, capture_output=True)
    return json.loads(out.read_text(encoding="utf-8"))


def measure(url: str, label: str, preset: str, chromium: str, runs: int, work: Path) -> Score:
    reports = [run_once(url, preset, chromium, work / f"{label}-{preset}-{i}.json") for i in range(runs)]
    scores = {c: [round(100 * (r["categories"][c]["score"] or 0)) for r in reports] for c in CATEGORIES}
    median_run = sorted(reports, key=lambda r: r["categories"]["performance"]["score"] or 0)[len(reports) // 2]
    failing = tuple(
        sorted(
            audit["title"]
            for audit in median_run["audits"].values()
            if audit.get("score") is not None and audit["score"] < 0.9 and audit.get("scoreDisplayMode") == "binary"
        )
    )
    weights = [r["audits"]["total-byte-weight"]["numericValue"] for r in reports]
    return Score(
        page=label,
        preset=preset,
        categories={c: int(statistics.median(v)) for c, v in scores.items()},
        total_bytes=int(statistics.median(weights)),
        failing=failing,
    )


def pages_to_measure(site_dir: Path, topics) -> dict[str, str]:
    """Home, a path overview, the lightest lesson (the most text-like) and the heaviest notebook lesson."""
    pages = {t.url: site_dir / t.url / "index.html" for t in topics.values()}
    sizes = {url: page.stat().st_size for url, page in pages.items() if page.is_file()}
    text_like = [t.url for t in topics.values() if not t.notebook and t.url in sizes] or [min(sizes, key=sizes.get)]
    return {
        "home": "",
        "path overview": "paths/path-1/",
        "text lesson": text_like[0],
        "heaviest notebook lesson": max(sizes, key=sizes.get),
    }


FCP_SCRIPT = """() => new Promise(resolve => {
  const seen = performance.getEntriesByName("first-contentful-paint")[0];
  if (seen) return resolve(seen.startTime);
  new PerformanceObserver(list => resolve(list.getEntries()[0].startTime)).observe({type: "paint", buffered: true});
})"""


def first_paint_with_blocked_hosts(base: str, urls: list[str], chromium: str, runs: int) -> list[str]:
    """First contentful paint with every other host refusing connections, then with every other host hanging.

    A page that asks a third-party host for anything paints later when that host hangs; this site
    should show the same figures both ways and count no outside request.
    """
    from playwright.sync_api import sync_playwright

    lines = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox"])
        for url in urls:
            medians, outside = {}, []
            for mode in ("refused", "hanging"):
                samples = []
                for _ in range(runs):
                    context = browser.new_context()
                    page = context.new_page()

                    def route(request_route, mode=mode, outside=outside):
                        if request_route.request.url.startswith(base):
                            request_route.continue_()
                            return
                        outside.append(request_route.request.url)
                        if mode == "refused":
                            request_route.abort("connectionrefused")
                        # "hanging": never answer, like a host behind a firewall that drops packets

                    page.route("**/*", route)
                    page.goto(base + url, wait_until="commit", timeout=60000)
                    samples.append(page.evaluate(FCP_SCRIPT))
                    context.close()
                medians[mode] = statistics.median(samples)
            verdict = "ok" if medians["hanging"] <= medians["refused"] * 1.2 + 50 else "SLOWER when hosts hang"
            lines.append(
                f"/{url}: first paint {medians['refused']:.0f} ms with other hosts refused, "
                f"{medians['hanging']:.0f} ms with them hanging; {len(outside)} outside request(s); {verdict}"
            )
        browser.close()
    return lines


def run(site_dir: Path, topics, chromium: str | None, runs: int = 3) -> list[Score]:
    chromium = chromium or shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        raise FileNotFoundError("Debian's chromium is needed: apt-get install chromium (or set CHROMIUM_PATH)")
    lighthouse_binary()
    results = []
    with tempfile.TemporaryDirectory(prefix="dlpaths-lighthouse-") as tmp, serve(site_dir) as base:
        for label, url in pages_to_measure(site_dir, topics).items():
            for preset in ("mobile", "desktop"):
                score = measure(base + url, label, preset, chromium, runs, Path(tmp))
                print(_row(score, url), flush=True)
                results.append(score)
        print("blocked hosts (target: first paint no slower when every other host hangs):")
        for line in first_paint_with_blocked_hosts(
            base, list(pages_to_measure(site_dir, topics).values()), chromium, runs
        ):
            print("  " + line, flush=True)
    return results


def _row(score: Score, url: str) -> str:
    targets = TARGETS[score.preset]
    cells = []
    for category in CATEGORIES:
        value, target = score.categories[category], targets[category]
        cells.append(f"{category} {value}{'' if value >= target else f' (target {target}: MISSED)'}")
    line = f"{score.page} /{url} [{score.preset}]: " + ", ".join(cells) + f"; {score.total_bytes / 1024:.0f} KB"
    if score.failing:
        line += "\n    failing audits: " + "; ".join(score.failing)
    return line
