"""`dlpaths`: one command for every docs chore.

dlpaths validate            check all content against the schemas (also run by every build)
dlpaths notebooks           execute notebooks whose cache entry is stale
dlpaths run SLUG            run one notebook as the build does and print its output (the numbers to quote)
dlpaths build               strict build into site/ (atomically: nothing half-built)
dlpaths offline             the site as one zip that works opened from disk (site/downloads/ by default)
dlpaths serve               live preview at http://127.0.0.1:8000/
dlpaths new SLUG ...        scaffold a topic page and its notebook
dlpaths check               what pre-commit runs: validate + notebook hygiene
dlpaths benchmark           build times, notebook times, page weights
dlpaths lighthouse          Lighthouse scores (mobile and desktop) for four kinds of page, served with gzip
dlpaths links               check every resource link online; write the report pages use to mark dead links
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
import tempfile
from pathlib import Path

from .errors import ContentError, NotebookError

ROOT = Path(__file__).resolve().parents[2]


def find_root(start: Path | None = None) -> Path:
    """The site checkout the command runs in: the nearest folder holding mkdocs.yml and the paths data.

    Falls back to the checkout this package was installed from, so `dlpaths` works from anywhere.
    """
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "mkdocs.yml").is_file() and (folder / "docs" / "_data" / "paths.yml").is_file():
            return folder
    return ROOT


os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="dlpaths", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--root", type=Path, default=None, help="site checkout (default: the one containing the current folder)"
    )
    commands = parser.add_subparsers(dest="command", required=True)

    commands.add_parser("validate", help="check content against the schemas")

    run = commands.add_parser("notebooks", help="execute stale notebooks")
    run.add_argument("--shard", default="1/1", help="run only shard K of N, e.g. 2/3 (for parallel CI runners)")

    run_one = commands.add_parser("run", help="run one notebook in the build's environment, print its output")
    run_one.add_argument("slug", help="topic slug, e.g. pca (runs notebooks/pca.py)")

    build = commands.add_parser("build", help="strict build of the static site")
    build.add_argument("--site-dir", type=Path, default=None, help="output folder (default: ROOT/site)")
    build.add_argument("--config", type=Path, default=None, help="mkdocs.yml to use (default: ROOT/mkdocs.yml)")

    offline = commands.add_parser("offline", help="build the copy read from disk (file://) and zip it")
    offline.add_argument("--output", type=Path, default=None, help="zip to write (default: ROOT/site/downloads/…)")
    offline.add_argument("--config", type=Path, default=None, help="mkdocs.yml to use (default: ROOT/mkdocs.yml)")

    serve = commands.add_parser("serve", help="live preview")
    serve.add_argument("--dev-addr", default="127.0.0.1:8000")
    serve.add_argument("--config", type=Path, default=None, help="mkdocs.yml to use (default: ROOT/mkdocs.yml)")

    new = commands.add_parser("new", help="scaffold a topic")
    new.add_argument("slug", help="lowercase ASCII words joined by '-', e.g. back-propagation")
    new.add_argument("--title", required=True, help="Chinese title, e.g. 反向传播")
    new.add_argument("--path", dest="path_id", required=True, help="learning path id, e.g. path-1")
    new.add_argument("--after", default=None, help="insert after this step (default: at the end)")
    new.add_argument("--no-notebook", action="store_true", help="a text-only topic")

    commands.add_parser("check", help="validate content and notebook sources (pre-commit)")

    bench = commands.add_parser("benchmark", help="print build/notebook/page-weight figures")
    bench.add_argument("--skip-cold", action="store_true", help="reuse the notebook cache instead of a cold build")

    lighthouse = commands.add_parser("lighthouse", help="Lighthouse scores for four kinds of page")
    lighthouse.add_argument("--runs", type=int, default=3, help="runs per page and preset (the median is shown)")
    lighthouse.add_argument("--site-dir", type=Path, default=None, help="an already built site (default: build one)")

    check_links = commands.add_parser("links", help="check resource links online and write the link report")
    check_links.add_argument("--report", type=Path, default=None, help="default: ROOT/docs/_data/link-report.json")
    check_links.add_argument("--per-host", type=int, default=2, help="concurrent requests per host")
    check_links.add_argument("--timeout", type=float, default=20.0, help="seconds per request")
    check_links.add_argument("--no-archive", action="store_true", help="do not look up archived copies of dead links")

    args = parser.parse_args(argv)
    root = (args.root or find_root()).resolve()
    try:
        return COMMANDS[args.command](root, args)
    except (ContentError, NotebookError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def cmd_validate(root: Path, args) -> int:
    from .content import load_site

    site = load_site(root / "docs", root / "notebooks")
    steps = sum(len(p.steps) for p in site.paths)
    print(
        f"ok: {len(site.topics)} topics, {len(site.paths)} paths ({steps} steps), {len(site.glossary)} glossary terms"
    )
    return 0


def cmd_notebooks(root: Path, args) -> int:
    from . import notebooks
    from .content import load_site

    site = load_site(root / "docs", root / "notebooks")
    index, count = (int(part) for part in args.shard.split("/"))
    sources = sorted({root / "notebooks" / t.notebook for t in site.topics.values() if t.notebook})
    mine = [source for position, source in enumerate(sources) if position % count == index - 1]
    settings = notebooks.Settings(root=root, cache_dir=notebooks.default_cache_dir())
    jobs = notebooks.plan(mine, settings)
    todo = notebooks.stale(jobs)
    print(f"[notebooks] {len(jobs)} notebook(s) in shard {args.shard}, {len(todo)} to execute")
    notebooks.execute_all(todo, settings)
    return 0


def cmd_run(root: Path, args) -> int:
    """Same kernels, thread count and network guard as the build, so the printed numbers are the page's."""
    import subprocess
    import time

    from . import notebooks

    source = root / "notebooks" / f"{args.slug}.py"
    if not source.is_file():
        raise NotebookError(f"{source}: no such notebook; the slug is the file name without .py")
    cores = notebooks.declared_cores(notebooks.read_source(source), source)
    env = notebooks.kernel_environment(cores) | {"MPLBACKEND": "Agg"}
    started = time.monotonic()
    result = subprocess.run([sys.executable, source.name], cwd=source.parent, env=env, check=False)
    print(f"[run] {source.name}: exit {result.returncode} after {time.monotonic() - started:.1f} s", file=sys.stderr)
    return result.returncode


def cmd_build(root: Path, args) -> int:
    site_dir = (args.site_dir or root / "site").resolve()
    config_file = (args.config or root / "mkdocs.yml").resolve()
    return build_site(config_file, site_dir)


def cmd_offline(root: Path, args) -> int:
    from . import offline

    output = (args.output or root / "site" / offline.OFFLINE_ZIP).resolve()
    config_file = (args.config or root / "mkdocs.yml").resolve()
    with tempfile.TemporaryDirectory(prefix="dlpaths-offline-") as tmp:
        site_dir = Path(tmp) / "site"
        if build_site(config_file, site_dir, adjust=offline.prepare_config) != 0:
            return 1
        offline.finish_site(site_dir)
        size = offline.pack(site_dir, output)
    print(f"offline copy: {output} ({size / 1e6:.1f} MB); unzip it and open dlpaths/index.html")
    return 0


def build_site(config_file: Path, site_dir: Path, adjust=None) -> int:
    """Strict build into a temporary folder, then swap it into place: never a half-built site.

    `adjust` may change the loaded config first (the offline copy does).
    """
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    _configure_logging()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".site-", dir=site_dir.parent))
    try:
        config = load_config(str(config_file), site_dir=str(staging), strict=True)
        if adjust is not None:
            adjust(config)
        build(config)
    except (Abort, ConfigurationError) as exc:
        shutil.rmtree(staging, ignore_errors=True)
        print(f"error: build failed, {site_dir} left unchanged: {exc}", file=sys.stderr)
        return 1
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    old = site_dir.with_name(site_dir.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if site_dir.exists():
        site_dir.rename(old)
    staging.rename(site_dir)
    shutil.rmtree(old, ignore_errors=True)
    print(f"built {site_dir}")
    return 0


def cmd_serve(root: Path, args) -> int:
    from mkdocs.commands.serve import serve

    from . import rendercache

    _configure_logging()
    rendercache.install()  # pages whose text did not change keep their Markdown render between rebuilds
    config_file = args.config or root / "mkdocs.yml"
    serve(config_file=str(config_file), dev_addr=args.dev_addr, livereload=True, strict=True)
    return 0


def cmd_new(root: Path, args) -> int:
    from .scaffold import create_topic

    created = create_topic(root, args.slug, args.title, args.path_id, after=args.after, notebook=not args.no_notebook)
    for path in created:
        print(f"created {path.relative_to(root)}")
    print("next: write the lesson, then run `dlpaths serve` to preview it")
    return 0


def cmd_check(root: Path, args) -> int:
    from .hygiene import notebook_problems

    cmd_validate(root, args)
    problems = notebook_problems(root)
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


def cmd_benchmark(root: Path, args) -> int:
    from .benchmark import run_benchmark

    return run_benchmark(root, cold=not args.skip_cold)


def cmd_lighthouse(root: Path, args) -> int:
    from . import lighthouse
    from .content import load_site

    site = load_site(root / "docs", root / "notebooks")
    with tempfile.TemporaryDirectory(prefix="dlpaths-lh-site-") as tmp:
        site_dir = args.site_dir
        if site_dir is None:
            site_dir = Path(tmp) / "site"
            if build_site(root / "mkdocs.yml", site_dir) != 0:
                return 1
        try:
            lighthouse.run(site_dir.resolve(), site.topics, os.environ.get("CHROMIUM_PATH"), runs=args.runs)
        except FileNotFoundError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    return 0


def cmd_links(root: Path, args) -> int:
    from . import linkcheck
    from .content import LINK_REPORT_FILE, load_site

    site = load_site(root / "docs", root / "notebooks")
    urls = site.link_urls()
    settings = linkcheck.CheckerSettings(
        timeout=args.timeout,
        per_host=args.per_host,
        archive_api=None if args.no_archive else linkcheck.CheckerSettings.archive_api,
    )
    print(f"[links] checking {len(urls)} URL(s), at most {args.per_host} at a time per host")
    results = linkcheck.Checker(settings).check_all(urls)
    report = args.report or root / "docs" / LINK_REPORT_FILE
    linkcheck.write_report(results, report)
    print(linkcheck.summary(results))
    print(f"[links] report written to {report}")
    return 0


def _configure_logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(levelname)-7s -  %(message)s")
    import jieba  # configures its own DEBUG logger on import; quiet it once imported

    jieba.setLogLevel(logging.WARNING)


COMMANDS = {
    "validate": cmd_validate,
    "notebooks": cmd_notebooks,
    "run": cmd_run,
    "build": cmd_build,
    "offline": cmd_offline,
    "serve": cmd_serve,
    "new": cmd_new,
    "check": cmd_check,
    "benchmark": cmd_benchmark,
    "links": cmd_links,
    "lighthouse": cmd_lighthouse,
}

if __name__ == "__main__":
    sys.exit(main())
