"""Notebook sources stay sources: jupytext percent files, no outputs, each used by a topic."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from .content import load_site
from .notebooks import read_source


def notebook_problems(root: Path) -> list[str]:
    problems: list[str] = []
    notebooks_dir = root / "notebooks"
    for path in sorted(notebooks_dir.glob("*.ipynb")):
        problems.append(
            f"notebooks/{path.name}: .ipynb files are not kept in git; convert it with "
            f"`jupytext --to py:percent notebooks/{path.name}` and delete the .ipynb"
        )
    for path in tracked_notebooks_with_outputs(root):
        problems.append(f"{path}: has outputs; clear them (outputs are produced by the build)")
    topics = load_site(root / "docs", notebooks_dir).topics
    used = {t.notebook for t in topics.values() if t.notebook}
    for path in sorted(notebooks_dir.glob("*.py")):
        notebook = read_source(path)
        if path.name not in used:
            problems.append(f"notebooks/{path.name}: no topic uses it; set `notebook: {path.name}` in a topic")
        if notebook.metadata.get("kernelspec", {}).get("name") != "python3":
            problems.append(f"notebooks/{path.name}: the jupytext header must name the python3 kernel")
        problems += _math_in_headings(path.name, notebook)
        problems += _page_link_problems(path.name, notebook, topics)
    return problems


_MARKDOWN_LINK_RE = re.compile(r"\]\(([^)\s]+)\)")
_TOPIC_LINK_RE = re.compile(r"^([a-z0-9]+(?:-[a-z0-9]+)*)\.md(#.*)?$")


def _page_link_problems(name: str, notebook, topics) -> list[str]:
    """Links to other pages are written `[text](slug.md)`: the build turns them into page addresses that
    work both on the web and in the offline copy, and refuses unknown slugs."""
    found = []
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        for target in _MARKDOWN_LINK_RE.findall(cell.source):
            if target.startswith(("http://", "https://", "mailto:", "#")):
                continue
            topic_link = _TOPIC_LINK_RE.match(target)
            if topic_link is None:
                found.append(
                    f"notebooks/{name}: link {target!r}: link another topic as [text](slug.md), "
                    "e.g. [语言模型](language-models.md); a folder address breaks in the offline copy"
                )
            elif topic_link.group(1) not in topics:
                found.append(f"notebooks/{name}: link {target!r}: no page docs/topics/{target.split('#')[0]}")
    return found


def _math_in_headings(name: str, notebook) -> list[str]:
    """The build refuses these (a table of contents cannot show formulas); say so before it runs."""
    found = []
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            if line.lstrip().startswith("#") and "$" in line:
                found.append(
                    f"notebooks/{name}: math in the heading {line.strip()!r}; "
                    "write it as plain text (e.g. V*, δ, √d): the table of contents cannot show formulas"
                )
    return found


def tracked_notebooks_with_outputs(root: Path) -> list[str]:
    try:
        listed = subprocess.run(
            ["git", "ls-files", "*.ipynb"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        listed = [str(p.relative_to(root)) for p in root.rglob("*.ipynb") if ".venv" not in p.parts]
    found = []
    for name in listed:
        try:
            notebook = json.loads((root / name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if any(cell.get("outputs") for cell in notebook.get("cells", [])):
            found.append(name)
    return found
