"""The online link checker against a local HTTP server: no real network."""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import ROOT
from dlpaths import linkcheck
from dlpaths.components import Components
from dlpaths.content import load_site

HITS: dict[str, int] = {}
CONCURRENT = {"now": 0, "max": 0}
LOCK = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # keep test output quiet
        pass

    def _send(self, status: int, headers: dict[str, str] | None = None, body: bytes = b"") -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):  # noqa: N802 - the http.server API
        path = urlsplit(self.path).path
        with LOCK:
            HITS[path] = HITS.get(path, 0) + 1
            hits = HITS[path]
        routes = {
            "/ok": lambda: self._send(200, body=b"hello"),
            "/old": lambda: self._send(301, {"Location": "/older"}),
            "/older": lambda: self._send(308, {"Location": "/ok"}),
            "/temporary": lambda: self._send(302, {"Location": "/ok"}),
            "/moved-then-temporary": lambda: self._send(301, {"Location": "/temporary"}),
            "/missing": lambda: self._send(404),
            "/gone": lambda: self._send(410),
            "/busy": lambda: self._send(429, {"Retry-After": "0"}),
            "/flaky": lambda: self._send(503) if hits == 1 else self._send(200),
            "/forbidden": lambda: self._send(403),
            "/loop": lambda: self._send(301, {"Location": "/loop"}),
            "/wayback": self._wayback,
        }
        if path == "/slow":
            time.sleep(1.5)
            return self._send(200)
        if path.startswith("/host-limit"):
            with LOCK:
                CONCURRENT["now"] += 1
                CONCURRENT["max"] = max(CONCURRENT["max"], CONCURRENT["now"])
            time.sleep(0.1)
            with LOCK:
                CONCURRENT["now"] -= 1
            return self._send(200)
        routes.get(path, lambda: self._send(404))()

    def _wayback(self):
        target = parse_qs(urlsplit(self.path).query)["url"][0]
        snapshots = {}
        if target.endswith("/gone"):
            snapshots = {
                "closest": {"available": True, "status": "200", "url": f"http://web.archive.org/web/2020/{target}"}
            }
        self._send(200, {"Content-Type": "application/json"}, json.dumps({"archived_snapshots": snapshots}).encode())


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture
def checker(server):
    HITS.clear()
    sleeps: list[float] = []
    settings = linkcheck.CheckerSettings(
        timeout=0.5, attempts=3, backoff=0.01, per_host=2, workers=8, archive_api=f"{server}/wayback"
    )
    checker = linkcheck.Checker(settings, sleep=lambda s: (sleeps.append(s), time.sleep(min(s, 0.01))))
    checker.sleeps = sleeps
    return checker


def test_ok(server, checker):
    result = checker.check(f"{server}/ok")
    assert (result.verdict, result.status, result.moved_to) == ("ok", 200, None)


def test_permanent_redirect_chain_is_reported_as_moved(server, checker):
    result = checker.check(f"{server}/old")
    assert result.verdict == "moved"
    assert result.moved_to == f"{server}/ok"
    assert result.redirects == [f"301 {server}/older", f"308 {server}/ok"]


def test_temporary_redirect_is_ok_not_moved(server, checker):
    assert checker.check(f"{server}/temporary").verdict == "ok"


def test_move_reports_only_the_permanent_part_of_a_chain(server, checker):
    result = checker.check(f"{server}/moved-then-temporary")
    assert (result.verdict, result.moved_to) == ("moved", f"{server}/temporary")


def test_404_is_dead_without_retrying(server, checker):
    result = checker.check(f"{server}/missing")
    assert (result.verdict, result.status, result.archive) == ("dead", 404, None)
    assert HITS["/missing"] == 1


def test_410_is_dead_with_an_archived_copy(server, checker):
    result = checker.check(f"{server}/gone")
    assert (result.verdict, result.status) == ("dead", 410)
    assert result.archive == f"https://web.archive.org/web/2020/{server}/gone"


def test_429_is_retried_then_reported_as_busy_not_dead(server, checker):
    result = checker.check(f"{server}/busy")
    assert (result.verdict, result.status) == ("retry-later", 429)
    assert HITS["/busy"] == 3
    assert checker.sleeps == [0.01, 0.02]  # Retry-After: 0 falls back to our backoff, doubling


def test_transient_5xx_recovers_on_retry(server, checker):
    result = checker.check(f"{server}/flaky")
    assert (result.verdict, result.status) == ("ok", 200)
    assert HITS["/flaky"] == 2


def test_timeout_is_unreachable_after_retries(server, checker):
    result = checker.check(f"{server}/slow")
    assert result.verdict == "unreachable"
    assert "timed out" in result.detail
    assert HITS["/slow"] == 3


def test_other_4xx_is_refused_not_dead(server, checker):
    assert checker.check(f"{server}/forbidden").verdict == "refused"


def test_redirect_loop_stops(server, checker):
    result = checker.check(f"{server}/loop")
    assert result.verdict == "unreachable"
    assert "redirects" in result.detail


def test_per_host_limit_holds_under_concurrency(server, checker):
    CONCURRENT.update(now=0, max=0)
    results = checker.check_all(f"{server}/host-limit/{i}" for i in range(12))
    assert [r.verdict for r in results] == ["ok"] * 12
    assert CONCURRENT["max"] == 2


def test_report_marks_dead_links_on_the_page(server, checker, fixture_site):
    dead_url = "https://d.example.org/"
    results = [
        linkcheck.LinkResult(
            dead_url, "dead", 404, "HTTP 404", archive="https://web.archive.org/web/2020/https://d.example.org/"
        ),
        linkcheck.LinkResult(
            "https://e.example.org/", "moved", 200, "moved permanently", moved_to="https://e.example.com/"
        ),
        checker.check(f"{server}/ok"),
    ]
    report = fixture_site / "docs/_data/link-report.json"
    linkcheck.write_report(results, report, now=datetime(2026, 12, 4, tzinfo=UTC))
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["checked"] == "2026-12-04"
    assert [entry["verdict"] for entry in data["links"]] == ["ok", "dead", "moved"]  # sorted by URL

    site = load_site(fixture_site / "docs", fixture_site / "notebooks")
    assert list(site.dead_links) == [dead_url]
    html = Components(ROOT / "overrides" / "dlpaths", site).resources(site.topics["beta"], "../../")
    assert "dl-resource--dead" in html
    assert "2026-12-04 检查时返回 HTTP 404" in html
    assert 'href="https://web.archive.org/web/2020/https://d.example.org/"' in html
    assert html.count("链接已失效") == 1


def test_malformed_report_names_the_file(fixture_site):
    from dlpaths.errors import ContentError

    (fixture_site / "docs/_data/link-report.json").write_text('{"version": 1, "checked": "x", "links": []}')
    with pytest.raises(ContentError) as caught:
        load_site(fixture_site / "docs", fixture_site / "notebooks")
    assert "docs/_data/link-report.json: checked" in str(caught.value)
