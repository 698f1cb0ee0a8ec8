"""The search index, split so that a search downloads only what it needs.

Material's search plugin writes one search/search_index.json holding the text of every section
of every page, and its worker downloads all of it (2.5 MB, about 700 KB gzipped) before the
first search. This module turns that file into:

- ``search/search_index.json``: a small manifest, the title and address of every section;
- ``search/shards/K.json``: an inverted index split into SHARD_COUNT files by a hash of each
  term's key, so a query fetches one file per word it contains;
- ``search/text/N.txt``: the plain text of section N, fetched only for the results shown (a long
  section is indexed in pieces, so an excerpt downloads only the piece that matched).

The worker in docs/assets/javascripts/search-worker.js speaks Material's worker protocol and
reads these files; it must tokenize exactly as ``terms`` does here, and ``tests/test_browser.py``
checks that both sides agree. Chinese is indexed as overlapping character pairs (bigrams) plus
the last character of each run, so any word or phrase can be found without a segmenter in the
browser; other text as lower-case words of letters and digits, found by prefix.

Code blocks (lesson snippets and notebook cells) are left out: readers search for concepts,
which the prose and inline code carry.
"""

from __future__ import annotations

import hashlib
import html
import json
import math
import re
import shutil
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup

INDEX = Path("search") / "search_index.json"
SHARDS = Path("search") / "shards"
TEXTS = Path("search") / "text"
KEPT = ".dlpaths-search-kept"  # hidden: MkDocs does not empty hidden entries of site_dir
MATERIAL_SEARCH_FILES = (Path("assets/javascripts/lunr"), Path("assets/javascripts/workers"))
SHARD_COUNT = 256
PIECE, OVERLAP = 1500, 20  # characters per indexed piece of a long section, and repeated at each cut
FORMAT = 1  # bump with any change the worker must know about
# Which results get a text excerpt: as in search-worker.js (PAGES_WITH_TEXT, SECTIONS_WITH_TEXT)
PAGES_WITH_TEXT = 10
SECTIONS_WITH_TEXT = 1  # Material shows a page's best section; the others are folded away

# Posting flags: where a term occurs in a section
IN_TEXT, OFTEN_IN_TEXT, IN_TITLE = 1, 2, 4
OFTEN = 3  # occurrences in the text that count as "often"

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
TOKEN_RE = re.compile(f"[{HAN}]+|[0-9a-z\u00e0-\u00ff\u03b1-\u03c9]+")
HAN_RE = re.compile(f"[{HAN}]")
CODE_BLOCK_RE = re.compile(r"<pre\b.*?</pre>", re.DOTALL)
TAG_RE = re.compile(r"<[^>]+>")
SPACE_RE = re.compile(r"\s+")
ZERO_WIDTH = "\u200b"  # jieba's word separator in Material's index; this index needs none


def plain_text(fragment: str) -> str:
    """Visible text of an HTML fragment from Material's index, on one line."""
    text = html.unescape(TAG_RE.sub(" ", fragment)).replace(ZERO_WIDTH, "")
    return SPACE_RE.sub(" ", text).strip()


def terms(text: str) -> list[str]:
    """Index terms of a text: Chinese character pairs and run ends, lower-case words."""
    found = []
    for token in TOKEN_RE.findall(text.lower()):
        if HAN_RE.match(token):
            found.extend(token[i : i + 2] for i in range(len(token) - 1))
            found.append(token[-1])
        else:
            found.append(token)
    return found


def shard_key(term: str) -> str:
    """What decides a term's shard: the first character of Chinese terms, the first two letters of words.

    A one-character query then finds every pair that starts with it in one shard, and a word
    prefix of two or more letters finds every word it begins.
    """
    return term[0] if HAN_RE.match(term) else term[:2]


@lru_cache(maxsize=1 << 17)
def shard_of(term: str) -> int:
    """FNV-1a over the key's code points; the worker computes the same."""
    value = 0x811C9DC5
    for char in shard_key(term):
        value = ((value ^ ord(char)) * 0x01000193) & 0xFFFFFFFF
    return value % SHARD_COUNT


@dataclass(frozen=True)
class Section:
    location: str
    title: str
    text: str  # plain text
    continued: bool = False  # a later piece of a long section (same location and title)


def sections_from(material_index: dict) -> list[Section]:
    """Sections of Material's index as plain text without code blocks, in Material's order, long ones in pieces."""
    sections = []
    for doc in material_index.get("docs", []):
        title = plain_text(doc.get("title", ""))
        text = plain_text(CODE_BLOCK_RE.sub(" ", doc.get("text", "")))
        for number, piece in enumerate(pieces(text)):
            sections.append(Section(doc["location"], title, piece, continued=number > 0))
    return sections


def pieces(text: str) -> list[str]:
    """A section's text cut into PIECE-character pieces that overlap by OVERLAP, so a phrase across a cut is found.

    The worker downloads the piece that matched to show an excerpt, not the whole section: the glossary
    table alone is 33,000 characters.
    """
    if len(text) <= PIECE:
        return [text]
    return [text[start : start + PIECE + OVERLAP] for start in range(0, len(text), PIECE)]


def postings(sections: list[Section]) -> dict[str, dict[int, int]]:
    """term -> {section number: flags}."""
    index: dict[str, dict[int, int]] = defaultdict(dict)
    for number, section in enumerate(sections):
        title = "" if section.continued else section.title  # the title counts once, for the first piece
        for term, flags in section_terms(title, section.text).items():
            index[term][number] = flags
    return index


@lru_cache(maxsize=8192)  # `dlpaths serve` rebuilds the index on every save; most sections are unchanged
def section_terms(title: str, text: str) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for term in terms(text):
        counts[term] += 1
    flags = {term: IN_TEXT | (OFTEN_IN_TEXT if count >= OFTEN else 0) for term, count in counts.items()}
    for term in set(terms(title)):
        flags[term] = flags.get(term, 0) | IN_TITLE
    return flags


def encode(entries: dict[int, int]) -> list[int]:
    """Postings as gaps between successive ``section * 8 + flags`` values (small numbers compress well).

    ``postings`` adds sections in ascending order, so the values are already sorted.
    """
    values = [number * 8 + flags for number, flags in entries.items()]
    return values[:1] + [value - previous for previous, value in zip(values, values[1:], strict=False)]


def decode(gaps: list[int]) -> dict[int, int]:
    entries, value = {}, 0
    for gap in gaps:
        value += gap
        entries[value // 8] = value % 8
    return entries


@dataclass
class ShardedIndex:
    config: dict
    sections: list[Section]
    shards: list[dict[str, list[int]]]
    _files: dict[Path, str] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, material_index: dict) -> ShardedIndex:
        sections = sections_from(material_index)
        shards: list[dict[str, list[int]]] = [{} for _ in range(SHARD_COUNT)]
        for term, entries in postings(sections).items():  # a fixed order: sections, then text
            shards[shard_of(term)][term] = encode(entries)
        return cls(config=dict(material_index.get("config", {})), sections=sections, shards=shards)

    def manifest_docs(self) -> list[list[str]]:
        """[location, title] per section; "#anchor" is on the row before's page; [] repeats the row before."""
        rows, page = [], None
        for section in self.sections:
            path, _, anchor = section.location.partition("#")
            if section.continued:
                rows.append([])
            else:
                rows.append([f"#{anchor}" if anchor and path == page else section.location, section.title])
            page = path
        return rows

    def files(self) -> dict[Path, str]:
        """Every file of the index by its path under the site; the manifest's version hashes all the others."""
        if not self._files:
            files = {SHARDS / f"{number}.json": _json(shard) for number, shard in enumerate(self.shards)}
            files.update((TEXTS / f"{number}.txt", section.text) for number, section in enumerate(self.sections))
            digest = hashlib.sha256()
            for path, content in files.items():
                digest.update(f"{path}\0{content}\0".encode())
            docs = self.manifest_docs()
            digest.update(_json(docs).encode())
            # Fetched with ?v=version: browsers never mix files from two builds.
            engine = {"format": FORMAT, "shards": SHARD_COUNT, "version": digest.hexdigest()[:12]}
            files[INDEX] = _json({"config": {**self.config, "dlpaths": engine}, "docs": docs})
            self._files = files
        return self._files

    def write(self, site_dir: Path) -> None:
        """Write the files that changed and remove stale ones (``dlpaths serve`` rewrites the index on every save)."""
        files = self.files()
        for folder in (SHARDS, TEXTS):
            (site_dir / folder).mkdir(parents=True, exist_ok=True)
            for stale in (site_dir / folder).iterdir():
                if stale.relative_to(site_dir) not in files:
                    stale.unlink()
        for path, content in files.items():
            target = site_dir / path
            if not target.is_file() or target.read_text(encoding="utf-8") != content:
                target.write_text(content, encoding="utf-8")

    def search(self, query: str) -> list[tuple[str, float]]:
        """Section locations and scores, best first: the reference for the worker's ranking."""
        locations = [section.location for section in self.sections]
        titles = [section.title for section in self.sections]
        return [(locations[number], score) for number, score in rank(query, self.shards, locations, titles)]


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def query_units(query: str) -> list[str]:
    """The words and Chinese runs of a query; each must be found for a full match."""
    return list(dict.fromkeys(TOKEN_RE.findall(query.lower())))


def unit_terms(unit: str, shard: dict[str, list[int]]) -> list[list[str]]:
    """Alternatives per required part: a Chinese run needs all its pairs; a word, any word it begins.

    ``shard`` is the unit's own shard, which holds every term a one-character unit or a word can expand to.
    """
    if HAN_RE.match(unit):
        if len(unit) == 1:
            return [[term for term in shard if term[0] == unit and HAN_RE.match(term)]]
        return [[unit[i : i + 2]] for i in range(len(unit) - 1)]
    if len(unit) == 1:
        return [[unit]]
    return [[term for term in shard if term.startswith(unit)]]


def rank(
    query: str, shards: list[dict[str, list[int]]], locations: list[str], titles: list[str]
) -> list[tuple[int, float]]:
    """Section numbers and scores, best first; the worker's rank() does the same arithmetic in the same order."""
    section_count = len(locations)
    scores: dict[int, float] = defaultdict(float)
    matched_units: dict[int, int] = defaultdict(int)
    units = query_units(query)
    for unit in units:
        unit_scores = None
        for alternatives in unit_terms(unit, shards[shard_of(unit)]):
            part: dict[int, float] = {}
            for term in alternatives:
                gaps = shards[shard_of(term)].get(term)
                if gaps is None:
                    continue
                entries = decode(gaps)
                idf = math.log(1 + section_count / len(entries))
                for number, flags in entries.items():
                    part[number] = max(part.get(number, 0.0), idf * weight(flags))
            unit_scores = part if unit_scores is None else {n: s + part[n] for n, s in unit_scores.items() if n in part}
        for number, score in (unit_scores or {}).items():
            scores[number] += score
            matched_units[number] += 1
    ranked = []
    wanted = query.strip().lower()
    for number, score in scores.items():
        article = "#" not in locations[number]
        exact = titles[number].lower() == wanted  # the page or section named exactly what was typed
        ranked.append((number, score * (2 if article else 1) * (3 if exact else 1)))
    # Sections with every word of the query first, then by score; a long section once, by its best piece
    ranked.sort(key=lambda item: (-matched_units[item[0]], -item[1], locations[item[0]], item[0]))
    seen: set[str] = set()
    return [(n, score) for n, score in ranked if not (locations[n] in seen or seen.add(locations[n]))]


def weight(flags: int) -> float:
    return (1 if flags & IN_TEXT else 0) + (1 if flags & OFTEN_IN_TEXT else 0) + (6 if flags & IN_TITLE else 0)


def keep_previous_split(site_dir: Path) -> None:
    """Set the last build's shards and texts aside before MkDocs empties site_dir.

    `dlpaths serve` rebuilds into the same folder after every save. Creating the ~1,800 small files
    anew took one to two seconds of each rebuild, though a save changes few of them;
    write_search_index puts them back and rewrites only those that differ.
    """
    kept = site_dir / KEPT
    drop_kept_split(site_dir)  # left by a build that failed
    for folder in (SHARDS, TEXTS):
        if (site_dir / folder).is_dir():
            kept.mkdir(exist_ok=True)
            (site_dir / folder).rename(kept / folder.name)


def drop_kept_split(site_dir: Path) -> None:
    shutil.rmtree(site_dir / KEPT, ignore_errors=True)


def _restore_kept_split(site_dir: Path) -> None:
    kept = site_dir / KEPT
    for folder in (SHARDS, TEXTS):
        if (kept / folder.name).is_dir() and not (site_dir / folder).exists():
            (kept / folder.name).rename(site_dir / folder)
    drop_kept_split(site_dir)


def write_search_index(site_dir: Path) -> ShardedIndex | None:
    """Replace Material's index in site_dir with the manifest, shards and texts; None if there is no index.

    Material's own worker and its lunr language files (1.2 MB) are removed: no page loads them.
    """
    _restore_kept_split(site_dir)
    path = site_dir / INDEX
    if not path.is_file():
        return None
    material_index = json.loads(path.read_text(encoding="utf-8"))
    if "dlpaths" in material_index.get("config", {}):
        raise ValueError(f"{path}: already split; run the search plugin again before splitting")
    index = ShardedIndex.build(material_index)
    index.write(site_dir)
    shutil.rmtree(site_dir / MATERIAL_SEARCH_FILES[0], ignore_errors=True)
    for worker in (site_dir / MATERIAL_SEARCH_FILES[1]).glob("search.*.min.js*"):
        worker.unlink()
    return index


def manifest_locations(rows: list[list[str]]) -> list[str]:
    """Full locations from the manifest's rows (see ShardedIndex.manifest_docs)."""
    locations, page = [], ""
    for row in rows:
        if not row:
            location = locations[-1]
        elif row[0].startswith("#"):
            location = page + row[0]
        else:
            location = row[0]
        page = location.split("#")[0]
        locations.append(location)
    return locations


def manifest_titles(rows: list[list[str]]) -> list[str]:
    titles: list[str] = []
    for row in rows:
        titles.append(row[1] if row else titles[-1])
    return titles


def shards_for(units: list[str]) -> list[int]:
    """Shards a query needs, in the order the worker fetches them."""
    numbers: list[int] = []
    for unit in units:
        needed = [unit[i : i + 2] for i in range(len(unit) - 1)] if HAN_RE.match(unit) and len(unit) > 1 else [unit]
        numbers.extend(number for number in map(shard_of, needed) if number not in numbers)
    return numbers


@dataclass(frozen=True)
class SiteSearch:
    locations: list[str]  # best first
    sections: list[int]  # the section (piece) number of each
    shards: list[int]  # the shard files read


def search_site(site_dir: Path, query: str) -> SiteSearch:
    """Search a built site as the worker does."""
    manifest = json.loads((site_dir / INDEX).read_text(encoding="utf-8"))
    shard_numbers = shards_for(query_units(query))
    shards: list[dict[str, list[int]]] = [{} for _ in range(manifest["config"]["dlpaths"]["shards"])]
    for number in shard_numbers:
        shards[number] = json.loads((site_dir / SHARDS / f"{number}.json").read_text(encoding="utf-8"))
    locations = manifest_locations(manifest["docs"])
    titles = manifest_titles(manifest["docs"])
    ranked = [number for number, _score in rank(query, shards, locations, titles)]
    return SiteSearch([locations[number] for number in ranked], ranked, shard_numbers)


def search_downloads(site_dir: Path, query: str) -> list[Path]:
    """The files the worker fetches for a query on a built site: its shards, then the texts of the excerpts shown."""
    found = search_site(site_dir, query)
    pages: dict[str, list[int]] = {}
    for location, number in zip(found.locations, found.sections, strict=True):
        pages.setdefault(location.split("#")[0], []).append(number)
    shown = [number for sections in list(pages.values())[:PAGES_WITH_TEXT] for number in sections[:SECTIONS_WITH_TEXT]]
    return [SHARDS / f"{number}.json" for number in found.shards] + [TEXTS / f"{number}.txt" for number in shown]


def inline_index(site_dir: Path) -> dict:
    """The manifest with every shard and text inside, read back from site_dir; the split files are removed.

    For the copy read from disk: file:// pages cannot fetch, so the worker finds everything in the manifest.
    """
    path = site_dir / INDEX
    if not path.is_file():
        raise FileNotFoundError(f"{path}: the build wrote no search index; is the search plugin enabled?")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    engine = manifest.get("config", {}).get("dlpaths")
    if engine is None:
        raise ValueError(f"{path}: not a split index; build the site through dlpaths (hooks.py) first")
    engine["inline"] = {
        "shards": [
            json.loads((site_dir / SHARDS / f"{n}.json").read_text(encoding="utf-8")) for n in range(engine["shards"])
        ],
        "texts": [(site_dir / TEXTS / f"{n}.txt").read_text(encoding="utf-8") for n in range(len(manifest["docs"]))],
    }
    for folder in (SHARDS, TEXTS):
        shutil.rmtree(site_dir / folder)
    return manifest


MATERIAL_WORKER_RE = re.compile(r"assets/javascripts/workers/search\.[0-9a-f]+\.min\.js")
WORKER = "assets/javascripts/search-worker.js"  # from docs/assets/javascripts/


def use_search_worker(config_block: str) -> Markup:
    """Point Material's page config at the DL Paths worker, which reads the split index (a Jinja filter)."""
    replaced, count = MATERIAL_WORKER_RE.subn(WORKER, str(config_block))
    if count != 1:
        raise ValueError(
            f"Material's page config names {count} search workers matching {MATERIAL_WORKER_RE.pattern}, "
            "expected 1; if Material was upgraded, update MATERIAL_WORKER_RE in scripts/dlpaths/searchindex.py"
        )
    return Markup(replaced)  # Material's own config script, only the worker's address changed
