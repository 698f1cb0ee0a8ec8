"""Offline hygiene of resource links: https, no tracking parameters, no dead hosts, one spelling per resource.

The policy (hosts that serve only plain http, hosts the project has marked dead) lives in
docs/_data/links.yml; everything here works on plain strings so it can be tested without a site.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that only tell the linked site where a click came from. Removing them never
# changes the page: utm_* (Google Analytics), fbclid/gclid/msclkid (ad click ids), spm and
# spm_id_from (Alibaba, Bilibili), vd_source and share_* (Bilibili share links), si (YouTube share links).
TRACKING_PREFIXES = ("utm_",)
TRACKING_NAMES = frozenset(
    {
        "fbclid",
        "gclid",
        "msclkid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "spm",
        "spm_id_from",
        "vd_source",
        "share_source",
        "share_medium",
        "share_plat",
        "share_from",
        "share_tag",
        "from_spmid",
        "si",
    }
)


@dataclass(frozen=True)
class LinkPolicy:
    http_only: frozenset[str] = frozenset()
    dead_hosts: dict[str, str] = field(default_factory=dict)  # host -> why it is marked dead


@dataclass(frozen=True)
class CitedLink:
    """One resource as one page cites it."""

    file: str
    where: str
    url: str
    title: str
    details: tuple[tuple[str, object], ...]  # the fields that must agree wherever the URL is cited


def policy_from_data(data: dict | None) -> LinkPolicy:
    data = data or {}
    return LinkPolicy(
        http_only=frozenset(entry["host"] for entry in data.get("http_only", [])),
        dead_hosts={entry["host"]: entry["reason"] for entry in data.get("dead_hosts", [])},
    )


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def is_tracking_parameter(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_NAMES or lowered.startswith(TRACKING_PREFIXES)


def without_tracking(url: str) -> str:
    parts = urlsplit(url)
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not is_tracking_parameter(k)]
    return urlunsplit(parts._replace(query=urlencode(kept)))


def url_problems(url: str, policy: LinkPolicy) -> list[tuple[str, str]]:
    """(message, fix) for each rule the URL breaks."""
    problems = []
    parts = urlsplit(url)
    host = host_of(url)
    if parts.scheme == "http" and host not in policy.http_only:
        problems.append(
            (
                f"{url} uses plain http",
                f"use {urlunsplit(parts._replace(scheme='https'))}; if the host really has no https, "
                "add it under http_only in docs/_data/links.yml with how you checked",
            )
        )
    tracking = sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True) if is_tracking_parameter(k)})
    if tracking:
        problems.append((f"{url} carries tracking parameters ({', '.join(tracking)})", f"use {without_tracking(url)}"))
    for dead, reason in policy.dead_hosts.items():
        if host == dead or host.endswith(f".{dead}"):
            problems.append(
                (
                    f"{url} is on {dead}, which the project has marked dead ({reason})",
                    "link a live copy of the resource (the author's new site, a mirror or a web.archive.org snapshot), "
                    "or drop it",
                )
            )
    return problems


def identity(url: str) -> str:
    """Two spellings of one address map to the same key: scheme, 'www.', case of the host, trailing '/'."""
    parts = urlsplit(url)
    host = host_of(url).removeprefix("www.")
    port = f":{parts.port}" if parts.port else ""
    path = parts.path.rstrip("/")
    query = f"?{parts.query}" if parts.query else ""
    fragment = f"#{parts.fragment}" if parts.fragment else ""
    return f"{host}{port}{path}{query}{fragment}"


def consistency_problems(cited: Iterable[CitedLink]) -> list[tuple[CitedLink, str, str]]:
    """(citation, message, fix) where one resource is spelled or described differently across the site."""
    first_seen: dict[str, CitedLink] = {}
    problems = []
    for link in cited:
        key = identity(link.url)
        first = first_seen.setdefault(key, link)
        if first is link:
            continue
        if link.url != first.url:
            problems.append(
                (link, f"{link.url} is spelled {first.url} in {first.file}", f"use one spelling: {first.url}")
            )
        for (name, value), (_, expected) in zip(link.details, first.details, strict=True):
            if value != expected:
                problems.append(
                    (
                        link,
                        f"{name} {value!r} differs from {expected!r} for the same URL in {first.file} ({first.where})",
                        f"describe one resource the same way everywhere: use {name}: {expected}, or change both",
                    )
                )
    return problems
