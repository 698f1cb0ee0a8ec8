"""The copy of the site that works opened from disk (file://), packed as one zip.

Browsers treat file:// pages strictly: no XMLHttpRequest or fetch, no Web Workers, and a link to
a folder shows the folder instead of its index.html. So the offline build
- writes every page as name.html and links to it that way (use_directory_urls off),
- turns off instant navigation, which loads pages with XMLHttpRequest,
- ships the search index, with every shard and text inline, as a script (search/search_index.js)
  that Material loads on file://,
- and runs the search worker in an iframe through the vendored iframe-worker shim.
Nothing is fetched from the internet; the zip holds the whole site.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

from dlpaths.searchindex import inline_index

OFFLINE_ZIP = "downloads/dlpaths-offline.zip"  # where the online site links to the zip
VENDOR_SHIM = Path(__file__).parent / "vendor" / "iframe-worker" / "shim.js"
SHIM_PATH = "assets/javascripts/iframe-worker-shim.js"
ZIP_FOLDER = "dlpaths"  # the folder the zip unpacks into
NEEDS_A_SERVER = ("navigation.instant",)  # features that load pages or data with XMLHttpRequest


def prepare_config(config) -> None:
    """Adjust a loaded MkDocs config for a build that is read from disk."""
    config.use_directory_urls = False
    features = config.theme.get("features") or []
    config.theme["features"] = [f for f in features if not f.startswith(NEEDS_A_SERVER)]
    config.extra["polyfills"] = [SHIM_PATH]


def finish_site(site_dir: Path) -> None:
    """Add what Material needs on file://: the search index as a script, and the worker shim."""
    manifest = inline_index(site_dir)
    script = site_dir / "search" / "search_index.js"
    script.write_text(
        "var __index = " + json.dumps(manifest, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
    )
    shim = site_dir / SHIM_PATH
    shim.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(VENDOR_SHIM, shim)
    # Only a web server shows 404.html, and its links are absolute (/assets/...), which on disk
    # point at the root of the reader's drive.
    (site_dir / "404.html").unlink(missing_ok=True)
    (site_dir / "sitemap.xml").unlink(missing_ok=True)
    (site_dir / "sitemap.xml.gz").unlink(missing_ok=True)


def pack(site_dir: Path, output: Path) -> int:
    """Zip the built site under one folder, in a fixed order; return the zip's size in bytes."""
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".part")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in sorted(p for p in site_dir.rglob("*") if p.is_file()):
            archive.write(path, f"{ZIP_FOLDER}/{path.relative_to(site_dir).as_posix()}")
    partial.replace(output)  # never leave a half-written zip where the site links to it
    return output.stat().st_size
