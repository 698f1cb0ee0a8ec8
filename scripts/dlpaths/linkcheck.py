"""Online link checker: which resource links are alive, moved for good, dead, or just busy right now.

Concurrent with a per-host limit, retries with exponential backoff (honouring Retry-After), a timeout
per request, and redirects followed by hand so that a permanent move (301/308) can be reported and the
data updated. 404 and 410 mean dead; 429 and 5xx mean "try again later", never dead. For dead links it
asks the Wayback Machine for an archived copy. The report is JSON that the site reads to mark dead
links on their pages (docs/_data/link-report.json).
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

REPORT_VERSION = 1
PERMANENT_REDIRECTS = {301, 308}
TEMPORARY_REDIRECTS = {302, 303, 307}
DEAD_STATUSES = {404, 410}
USER_AGENT = "dlpaths-linkcheck/1 (+https://github.com/; checks the links of a free course site)"


@dataclass(frozen=True)
class CheckerSettings:
    timeout: float = 20.0
    attempts: int = 3  # tries per URL for 429, 5xx and network errors
    backoff: float = 2.0  # seconds before the 2nd try; doubles after that
    max_retry_after: float = 60.0
    per_host: int = 2
    workers: int = 16
    max_redirects: int = 10
    archive_api: str | None = "https://archive.org/wayback/available"


@dataclass(frozen=True)
class LinkResult:
    url: str
    verdict: str  # ok | moved | dead | retry-later | unreachable | refused
    status: int | None
    detail: str
    moved_to: str | None = None  # where the permanent redirects end, for `moved`
    archive: str | None = None  # an archived copy, for `dead`
    redirects: list[str] = field(default_factory=list)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: ANN001, D102
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


@dataclass(frozen=True)
class _Response:
    status: int | None
    location: str | None = None
    retry_after: float | None = None
    error: str | None = None


def _request(url: str, settings: CheckerSettings) -> _Response:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
    try:
        with _OPENER.open(request, timeout=settings.timeout) as response:
            response.read(1024)
            return _Response(response.status)
    except urllib.error.HTTPError as exc:
        location = exc.headers.get("Location")
        return _Response(exc.code, urllib.parse.urljoin(url, location) if location else None, _retry_after(exc))
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        return _Response(None, error=f"{type(reason).__name__}: {reason}")


def _retry_after(exc: urllib.error.HTTPError) -> float | None:
    value = exc.headers.get("Retry-After")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None  # an HTTP date; fall back to our own backoff


def _is_transient(response: _Response) -> bool:
    return response.status is None or response.status == 429 or response.status >= 500


def _fetch_with_retries(url: str, settings: CheckerSettings, sleep: Callable[[float], None]) -> _Response:
    response = _request(url, settings)
    delay = settings.backoff
    for _ in range(settings.attempts - 1):
        if not _is_transient(response):
            break
        wait = min(response.retry_after, settings.max_retry_after) if response.retry_after else delay
        sleep(wait)
        delay *= 2
        response = _request(url, settings)
    return response


class Checker:
    def __init__(self, settings: CheckerSettings = CheckerSettings(), sleep: Callable[[float], None] = time.sleep):
        self.settings = settings
        self.sleep = sleep
        self._host_slots: dict[str, threading.Semaphore] = defaultdict(lambda: threading.Semaphore(settings.per_host))
        self._lock = threading.Lock()

    def _slot(self, url: str) -> threading.Semaphore:
        with self._lock:
            return self._host_slots[urllib.parse.urlsplit(url).hostname or ""]

    def _fetch(self, url: str) -> _Response:
        with self._slot(url):
            return _fetch_with_retries(url, self.settings, self.sleep)

    def check(self, url: str) -> LinkResult:
        chain: list[str] = []
        current, permanent_target, only_permanent = url, None, True
        for _ in range(self.settings.max_redirects + 1):
            response = self._fetch(current)
            status = response.status
            if status in PERMANENT_REDIRECTS | TEMPORARY_REDIRECTS and response.location:
                chain.append(f"{status} {response.location}")
                only_permanent = only_permanent and status in PERMANENT_REDIRECTS
                if only_permanent:
                    permanent_target = response.location
                current = response.location
                continue
            return self._verdict(url, response, chain, permanent_target)
        return LinkResult(
            url, "unreachable", None, f"more than {self.settings.max_redirects} redirects", None, None, chain
        )

    def _verdict(self, url: str, response: _Response, chain: list[str], moved_to: str | None) -> LinkResult:
        status = response.status
        if status is None:
            return LinkResult(url, "unreachable", None, response.error or "no response", redirects=chain)
        if 200 <= status < 300:
            if moved_to:
                return LinkResult(url, "moved", status, "moved permanently", moved_to, redirects=chain)
            return LinkResult(url, "ok", status, "ok", redirects=chain)
        if status in DEAD_STATUSES:
            return LinkResult(url, "dead", status, f"HTTP {status}", archive=self._archive(url), redirects=chain)
        if _is_transient(response):
            return LinkResult(
                url, "retry-later", status, f"HTTP {status} after {self.settings.attempts} tries", redirects=chain
            )
        return LinkResult(url, "refused", status, f"HTTP {status} (often a bot filter; check by hand)", redirects=chain)

    def _archive(self, url: str) -> str | None:
        if not self.settings.archive_api:
            return None
        query = urllib.parse.urlencode({"url": url})
        response_url = f"{self.settings.archive_api}?{query}"
        try:
            request = urllib.request.Request(response_url, headers={"User-Agent": USER_AGENT})
            with urllib.request.urlopen(request, timeout=self.settings.timeout) as response:  # noqa: S310
                data = json.load(response)
        except (urllib.error.URLError, TimeoutError, OSError, ValueError):
            return None
        closest = (data.get("archived_snapshots") or {}).get("closest") or {}
        if closest.get("available") and str(closest.get("url", "")).startswith("http"):
            return str(closest["url"]).replace("http://", "https://", 1)
        return None

    def check_all(self, urls: Iterable[str]) -> list[LinkResult]:
        unique = sorted(set(urls))
        with ThreadPoolExecutor(max_workers=self.settings.workers) as pool:
            return list(pool.map(self.check, unique))


def write_report(results: list[LinkResult], path: Path, now: datetime | None = None) -> None:
    checked = (now or datetime.now(UTC)).strftime("%Y-%m-%d")
    report = {
        "version": REPORT_VERSION,
        "checked": checked,
        "links": [
            {key: value for key, value in asdict(result).items() if value not in (None, [])}
            for result in sorted(results, key=lambda r: r.url)
        ],
    }
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    tmp.replace(path)


def summary(results: list[LinkResult]) -> str:
    counts: dict[str, int] = defaultdict(int)
    for result in results:
        counts[result.verdict] += 1
    lines = [", ".join(f"{verdict}: {count}" for verdict, count in sorted(counts.items()))]
    for result in sorted(results, key=lambda r: (r.verdict, r.url)):
        if result.verdict == "moved":
            lines.append(f"moved   {result.url}\n        -> {result.moved_to}  (update the data)")
        elif result.verdict != "ok":
            extra = f"  archive: {result.archive}" if result.archive else ""
            lines.append(f"{result.verdict:<7} {result.url}  {result.detail}{extra}")
    return "\n".join(lines)
