"""Shared fixtures: fixture sites, the real site built once, a local server and a browser."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "sites"
GOOD = FIXTURES / "good"


@dataclass
class BuildResult:
    returncode: int
    output: str
    site_dir: Path

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def copy_fixture(tmp_path: Path, name: str = "good") -> Path:
    """A writable copy of a fixture site whose relative paths still reach the repository."""
    # Fixture mkdocs.yml files reach overrides/ and scripts/ through ../../../../; keep that depth.
    target = tmp_path / "a" / "b" / "c" / name
    shutil.copytree(FIXTURES / name, target)
    for shared in ("overrides", "scripts"):
        link = tmp_path / shared
        if not link.exists():
            link.symlink_to(ROOT / shared)
    return target


def run_build(site: Path, site_dir: Path, cache_dir: Path, env: dict | None = None) -> BuildResult:
    command = [
        sys.executable,
        "-m",
        "dlpaths.cli",
        "--root",
        str(site),
        "build",
        "--config",
        str(site / "mkdocs.yml"),
        "--site-dir",
        str(site_dir),
    ]
    full_env = {**os.environ, "DLPATHS_CACHE_DIR": str(cache_dir), **(env or {})}
    completed = subprocess.run(command, capture_output=True, text=True, env=full_env, timeout=600)
    return BuildResult(completed.returncode, completed.stdout + completed.stderr, site_dir)


@pytest.fixture
def fixture_site(tmp_path):
    return copy_fixture(tmp_path)


@pytest.fixture
def build(tmp_path):
    def _build(site: Path, env: dict | None = None) -> BuildResult:
        return run_build(site, tmp_path / "out" / "site", tmp_path / "cache", env)

    return _build


@pytest.fixture(scope="session")
def site_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def built_site(tmp_path_factory, site_port) -> Path:
    """The real curriculum, built once per test session (notebooks come from the shared cache).

    Material's instant navigation only works on the origin of `site_url`, so the site is built
    for the port the test server will listen on.
    """
    site_dir = tmp_path_factory.mktemp("real") / "site"
    command = [sys.executable, "-m", "dlpaths.cli", "build", "--site-dir", str(site_dir)]
    env = {**os.environ, "SITE_URL": f"http://127.0.0.1:{site_port}/"}
    completed = subprocess.run(command, capture_output=True, text=True, timeout=1800, cwd=ROOT, env=env)
    if completed.returncode != 0:
        pytest.fail(f"site build failed:\n{completed.stdout}\n{completed.stderr}")
    return site_dir


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - signature from the base class
        pass


@pytest.fixture(scope="session")
def site_server(built_site, site_port):
    handler = functools.partial(_QuietHandler, directory=str(built_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", site_port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def chromium_path() -> str | None:
    configured = os.environ.get("CHROMIUM_PATH")
    if configured:
        return configured
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if not path:
        pytest.fail("Debian's chromium is needed for browser tests: run `scripts/dev test`, which installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=path,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    yield page
    context.close()


def refuse_requests_outside(page, *allowed: str) -> list[str]:
    """Let through requests whose URL starts with one of `allowed` (and data:/blob:); refuse and record the rest
    at once, so the test fails on them instead of waiting on a network that is not there."""
    outside: list[str] = []

    def route(route_obj):
        url = route_obj.request.url
        if url.startswith((*allowed, "data:", "blob:")):
            route_obj.continue_()
        else:
            outside.append(url)
            route_obj.abort()

    page.route("**/*", route)
    return outside
