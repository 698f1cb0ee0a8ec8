"""Notebook sources stay sources: jupytext percent files, no outputs, each used by a topic."""

from __future__ import annotations

import json
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
    used = {t.notebook for t in load_site(root / "docs", notebooks_dir).topics.values() if t.notebook}
    for path in sorted(notebooks_dir.glob("*.py")):
        notebook = read_source(path)
        if path.name not in used:
            problems.append(f"notebooks/{path.name}: no topic uses it; set `notebook: {path.name}` in a topic")
        if notebook.metadata.get("kernelspec", {}).get("name") != "python3":
            problems.append(f"notebooks/{path.name}: the jupytext header must name the python3 kernel")
    return problems


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
