"""Execute one jupytext notebook: `python -m dlpaths.execute SOURCE.py OUT.ipynb`.

Runs in its own process so the build can bound it with a whole-notebook timeout. On failure
it prints the notebook, the cell (number and line in the source) and the traceback, and
exits non-zero; nothing is written.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import platform
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

from .notebooks import FAILURE_MARKER, read_source

ANSI_RE = re.compile(r"\x1b\[[0-9;]*m")
CELL_MARKER_RE = re.compile(r"^# %%", re.MULTILINE)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("source", type=Path)
    parser.add_argument("output", type=Path)
    parser.add_argument("--cell-timeout", type=float, default=60)
    args = parser.parse_args(argv)
    notebook = read_source(args.source)
    lines = cell_lines(args.source.read_text(encoding="utf-8"))
    client = NotebookClient(
        notebook,
        timeout=int(args.cell_timeout),
        kernel_name="python3",
        allow_errors=False,
        record_timing=False,
        resources={"metadata": {"path": str(args.source.parent)}},
    )
    started = time.monotonic()
    index = -1
    try:
        with client.setup_kernel():
            for index, cell in enumerate(notebook.cells):
                client.execute_cell(cell, index)
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as exc:
        # The kernel shares this stderr; the marker lets the build show only our report.
        print(FAILURE_MARKER, file=sys.stderr)
        print(describe_failure(args.source, notebook, index, lines, exc, args.cell_timeout), file=sys.stderr)
        return 1
    notebook.metadata["dlpaths"] = receipt(time.monotonic() - started)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, args.output)
    return 0


def cell_lines(text: str) -> list[int]:
    """1-based line of each `# %%` cell marker in a percent-format source."""
    return [text.count("\n", 0, match.start()) + 1 for match in CELL_MARKER_RE.finditer(text)]


def describe_failure(source, notebook, index, lines, exc, cell_timeout) -> str:
    where = f"cell {index + 1}"
    if len(lines) == len(notebook.cells) and 0 <= index < len(lines):
        where += f" (line {lines[index]} of {source.name})"
    if isinstance(exc, CellTimeoutError):
        what = f"did not finish within the {cell_timeout:.0f} s cell timeout"
    elif isinstance(exc, DeadKernelError):
        what = "killed the kernel (out of memory or a crash)"
    else:
        what = "raised an error"
    code = notebook.cells[index].source if 0 <= index < len(notebook.cells) else ""
    excerpt = "\n".join(f"    | {line}" for line in code.splitlines()[:12])
    trace = ANSI_RE.sub("", str(exc)).strip()
    return f"notebooks/{source.name}: {where} {what}\n{excerpt}\n{trace}"


def receipt(seconds: float) -> dict:
    def version(name: str) -> str | None:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            return None

    return {
        "executed_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "python": platform.python_version(),
        "torch": version("torch"),
        "numpy": version("numpy"),
        "seconds": round(seconds, 1),
    }


if __name__ == "__main__":
    sys.exit(main())
