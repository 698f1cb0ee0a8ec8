"""Execute notebooks once per content hash, in parallel, with timeouts and loud failures.

The cache key covers everything that changes a result: the code cells, the kernel, the
environment lock (requirements.lock), the Python version, the data files a notebook declares
and this executor's own version. Prose edits do not re-execute anything: outputs are merged
back into the current source when the page is rendered.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import hashlib
import json
import os
import platform
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import nbformat

from .diskstore import DiskStore
from .errors import NotebookError

EXECUTOR_VERSION = "2"  # 2: notebooks that declare several cores run with spinning OpenMP threads
FAILURE_MARKER = "=== dlpaths: notebook failure ==="  # printed by dlpaths.execute before its report
# Timeouts catch hangs; they are not the time budget (60 s per notebook, which `dlpaths benchmark` reports).
# They are generous so that a busy machine does not fail a notebook that is merely slow.
DEFAULT_CELL_TIMEOUT = 180
DEFAULT_NOTEBOOK_TIMEOUT = 300
# Executed versions kept per notebook: other checkouts and branches sharing the cache keep theirs.
KEEP_PER_NOTEBOOK = 4
NETGUARD_DIR = Path(__file__).with_name("netguard")


@dataclass(frozen=True)
class Settings:
    root: Path  # repository root: notebooks/ and requirements.lock live here
    cache_dir: Path
    cell_timeout: float = field(default_factory=lambda: _env_float("DLPATHS_CELL_TIMEOUT", DEFAULT_CELL_TIMEOUT))
    notebook_timeout: float = field(
        default_factory=lambda: _env_float("DLPATHS_NOTEBOOK_TIMEOUT", DEFAULT_NOTEBOOK_TIMEOUT)
    )
    workers: int = field(default_factory=lambda: int(os.environ.get("DLPATHS_WORKERS") or _default_workers()))

    @property
    def notebooks_dir(self) -> Path:
        return self.root / "notebooks"


@dataclass(frozen=True)
class Job:
    source: Path
    key: str
    output: Path
    cores: int = 1  # cores the notebook keeps busy (jupytext header `dlpaths: {cores: 2}`)

    @property
    def name(self) -> str:
        return self.source.name


# Every notebook runs with the same number of math-library threads, whatever the machine and however
# many notebooks run at once: a reduction split over two threads rounds differently from one done in
# a single thread, and a training run can amplify that into a different number in the lesson. One
# thread per notebook, several notebooks side by side, also uses the cores best.
KERNEL_THREADS = 1


def _default_workers() -> int:
    return max(1, (os.cpu_count() or 1) // KERNEL_THREADS)


def _env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value else default


def default_cache_dir() -> Path:
    configured = os.environ.get("DLPATHS_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "dlpaths" / "notebooks"


def read_source(path: Path, store: DiskStore | None = None) -> nbformat.NotebookNode:
    """The notebook a jupytext source describes (a fresh copy: callers may change it).

    `store` keeps parsed notebooks between processes: jupytext takes about 20 ms per notebook,
    most of a warm build's notebook step.
    """
    try:
        stat = path.stat()
    except OSError as exc:
        raise NotebookError(f"{path}: cannot be read: {exc.strerror}") from exc
    # Kept by modification time and size too: `dlpaths serve` rebuilds in one process.
    seen = (path, stat.st_mtime_ns, stat.st_size)
    if seen not in _parsed:
        for older in [key for key in _parsed if key[0] == path]:
            del _parsed[older]
        _parsed[seen] = _parse_source(path, store)
    return copy.deepcopy(_parsed[seen])


_parsed: dict[tuple[Path, int, int], nbformat.NotebookNode] = {}
PARSER_VERSION = f"1 jupytext {metadata.version('jupytext')} nbformat {nbformat.__version__}"


def _parse_source(path: Path, store: DiskStore | None) -> nbformat.NotebookNode:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise NotebookError(f"{path}: cannot be read as UTF-8 text: {exc}") from exc
    key = hashlib.sha256(f"{PARSER_VERSION}\0{text}".encode()).hexdigest()[:32]
    stored = store.get(key) if store else None
    if stored is not None:
        with contextlib.suppress(ValueError):  # a damaged entry is parsed again
            return nbformat.from_dict(json.loads(stored))
    import jupytext  # a third of a second to import; a warm build finds every notebook in the store

    try:
        notebook = jupytext.reads(text, fmt="py:percent")
    except Exception as exc:  # jupytext raises several types
        raise NotebookError(f"{path}: cannot be read as a jupytext percent notebook: {exc}") from exc
    # jupytext invents random cell ids on every read; stable ids keep rendered output (and its cache key) stable.
    for number, cell in enumerate(notebook.cells):
        cell["id"] = f"cell-{number}"
    if store:
        store.put(key, json.dumps(notebook))
    return notebook


def environment_fingerprint(root: Path) -> str:
    lock = root / "requirements.lock"
    lock_text = lock.read_text(encoding="utf-8") if lock.is_file() else ""
    return "\n".join(
        [
            f"executor {EXECUTOR_VERSION}",
            f"python {platform.python_version()} {platform.machine()}",
            f"kernels {sorted(PORTABLE_X86_KERNELS.items())}",
            f"threads {KERNEL_THREADS}",
            lock_text,
        ]
    )


def cache_key(notebook: nbformat.NotebookNode, environment: str, data_files: dict[str, bytes]) -> str:
    """Hash of what changes a notebook's outputs. Markdown cells are deliberately left out."""
    digest = hashlib.sha256()

    def feed(label: str, payload: bytes) -> None:
        digest.update(label.encode())
        digest.update(len(payload).to_bytes(8, "big"))
        digest.update(payload)

    feed("environment", environment.encode())
    kernel = notebook.metadata.get("kernelspec", {}).get("name", "python3")
    feed("kernel", kernel.encode())
    # The declared cores set how the kernel's threads wait (kernel_environment), which shows in printed timings.
    feed("cores", str(notebook.metadata.get("dlpaths", {}).get("cores", 1)).encode())
    for cell in notebook.cells:
        if cell.cell_type == "code":
            feed("code", cell.source.encode())
    for name in sorted(data_files):
        feed(f"data:{name}", data_files[name])
    return digest.hexdigest()


def declared_data_files(notebook: nbformat.NotebookNode, root: Path, source: Path) -> dict[str, bytes]:
    """Files a notebook says it reads (jupytext header: `dlpaths: {data: [path, ...]}`)."""
    names = notebook.metadata.get("dlpaths", {}).get("data", [])
    files = {}
    for name in names:
        path = root / name
        if not path.is_file():
            raise NotebookError(
                f"{source}: declares data file '{name}' which does not exist; "
                "fix the path (relative to the repository root) in the jupytext header"
            )
        files[name] = path.read_bytes()
    return files


def plan(sources: Iterable[Path], settings: Settings) -> list[Job]:
    environment = environment_fingerprint(settings.root)
    parsed = DiskStore(settings.cache_dir.parent / "parsed-notebooks")
    jobs = []
    for source in sources:
        notebook = read_source(source, parsed)
        key = cache_key(notebook, environment, declared_data_files(notebook, settings.root, source))
        output = settings.cache_dir / f"{source.stem}-{key[:20]}.ipynb"
        jobs.append(Job(source=source, key=key, output=output, cores=declared_cores(notebook, source)))
    parsed.evict_unused()
    return jobs


def declared_cores(notebook: nbformat.NotebookNode, source: Path) -> int:
    """How many cores a notebook keeps busy (jupytext header `dlpaths: {cores: 2}`, default 1).

    A notebook that sets torch.set_num_threads(2) itself declares it, so the build does not run
    another notebook beside it and its time stays within budget.
    """
    cores = notebook.metadata.get("dlpaths", {}).get("cores", 1)
    if not isinstance(cores, int) or isinstance(cores, bool) or not 1 <= cores <= 8:
        raise NotebookError(
            f"{source}: 'cores: {cores}' in the jupytext header must be a whole number from 1 to 8 "
            "(the threads the notebook sets, e.g. torch.set_num_threads(2) -> cores: 2)"
        )
    return cores


def stale(jobs: Iterable[Job]) -> list[Job]:
    todo = []
    for job in jobs:
        if job.output.is_file():
            job.output.touch()  # recently used: kept by _evict_older
        else:
            todo.append(job)
    return todo


def execute_all(
    jobs: list[Job],
    settings: Settings,
    report: Callable[[str], None] = print,
) -> dict[str, float]:
    """Run the jobs in parallel; return wall seconds per notebook; raise on any failure."""
    if not jobs:
        return {}
    settings.cache_dir.mkdir(parents=True, exist_ok=True)
    workers = max(1, min(settings.workers, len(jobs)))
    report(f"[notebooks] executing {len(jobs)} notebook(s) on {workers} worker(s), {KERNEL_THREADS} thread(s) each")
    started = time.monotonic()
    failures: list[str] = []
    timings: dict[str, float] = {}
    done = 0
    cores = _Cores(workers)
    with ThreadPoolExecutor(max_workers=workers) as pool:

        def run(job: Job) -> float:
            with cores.taken(min(job.cores, workers)):
                report(f"[notebooks] {job.name}: started ({time.monotonic() - started:.0f} s so far)")
                return _execute_one(job, settings)

        # Notebooks that need several cores start first, before the single-core ones fill the machine.
        ordered = sorted(jobs, key=lambda job: -job.cores)
        futures = {pool.submit(run, job): job for job in ordered}
        for future in as_completed(futures):
            job = futures[future]
            done += 1
            elapsed = time.monotonic() - started
            try:
                seconds = future.result()
            except NotebookError as exc:
                failures.append(str(exc))
                status = "FAILED"
            else:
                timings[job.name] = seconds
                status = f"ok in {seconds:.1f} s"
            report(
                f"[notebooks] {job.name}: {status} ({done}/{len(jobs)} done, "
                f"{len(jobs) - done} left, {elapsed:.0f} s so far)"
            )
    if failures:
        raise NotebookError("\n\n".join(failures))
    return timings


class _Cores:
    """Counts free cores; a notebook waits until the cores it declared are free."""

    def __init__(self, total: int):
        self.free = total
        self.changed = threading.Condition()

    @contextlib.contextmanager
    def taken(self, count: int):
        with self.changed:
            self.changed.wait_for(lambda: self.free >= count)
            self.free -= count
        try:
            yield
        finally:
            with self.changed:
                self.free += count
                self.changed.notify_all()


def _execute_one(job: Job, settings: Settings) -> float:
    partial = job.output.with_suffix(".partial.ipynb")
    command = [
        sys.executable,
        "-m",
        "dlpaths.execute",
        str(job.source),
        str(partial),
        "--cell-timeout",
        str(settings.cell_timeout),
    ]
    env = kernel_environment(job.cores)
    started = time.monotonic()
    process = subprocess.Popen(
        command,
        env=env,
        cwd=job.source.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        stdout, stderr = process.communicate(timeout=settings.notebook_timeout)
    except subprocess.TimeoutExpired:
        # Kill the executor's whole process group; its kernel exits when its parent dies.
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        partial.unlink(missing_ok=True)
        raise NotebookError(
            f"notebooks/{job.name}: timed out after {settings.notebook_timeout:.0f} s for the whole "
            "notebook; make it faster (smaller data, fewer epochs): the budget is 60 s on 2 cores"
        ) from None
    seconds = time.monotonic() - started
    if process.returncode != 0:
        partial.unlink(missing_ok=True)
        detail = stderr.split(FAILURE_MARKER, 1)[-1].strip() or stdout.strip() or "no output"
        raise NotebookError(f"notebooks/{job.name}: execution failed\n{detail}")
    partial.replace(job.output)
    _evict_older(job)
    return seconds


def kernel_environment(cores: int = 1) -> dict[str, str]:
    """The environment a notebook's kernel runs in; `cores` is what the notebook declared."""
    env = dict(os.environ)
    thread_count = str(KERNEL_THREADS)
    env.update(
        {
            "OMP_NUM_THREADS": thread_count,
            "MKL_NUM_THREADS": thread_count,
            "OPENBLAS_NUM_THREADS": thread_count,
            "PYTHONHASHSEED": "0",
            "MPLBACKEND": "module://matplotlib_inline.backend_inline",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(NETGUARD_DIR), env.get("PYTHONPATH")])),
            "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        }
    )
    if cores == 1:
        # Threads waiting at an OpenMP barrier sleep instead of spinning: with several notebooks side by
        # side on few cores, spinning threads steal the cores the working ones need. A notebook that
        # declared more cores runs alone, and there sleeping made every small operation wait for its
        # threads to wake (language-models: 38 s -> 55 s). No effect on results.
        env["OMP_WAIT_POLICY"] = "PASSIVE"
    if platform.machine() in {"x86_64", "AMD64"}:
        env.update(PORTABLE_X86_KERNELS)
    return env


# Numeric libraries pick their fastest kernels for the CPU they run on, and different kernels round
# differently; over a training run that changes the results a lesson quotes. Pinning every x86-64
# machine to the same AVX2 code paths makes a notebook compute the same numbers on any of them.
PORTABLE_X86_KERNELS = {
    "OPENBLAS_CORETYPE": "Haswell",  # NumPy/SciPy's OpenBLAS
    "NPY_DISABLE_CPU_FEATURES": "X86_V4 AVX512_ICL AVX512_SPR",  # NumPy's own SIMD loops
    "MKL_CBWR": "AVX2",  # PyTorch's MKL
    "ATEN_CPU_CAPABILITY": "avx2",  # PyTorch's vectorised operators
    "ONEDNN_MAX_CPU_ISA": "AVX2",  # PyTorch's oneDNN convolutions
}


def _evict_older(job: Job) -> None:
    """Keep the most recently used executed versions of this notebook; delete the rest."""
    pattern = re.compile(rf"{re.escape(job.source.stem)}-[0-9a-f]{{20}}\.ipynb")
    versions = [path for path in job.output.parent.glob(f"{job.source.stem}-*.ipynb") if pattern.fullmatch(path.name)]
    versions.sort(key=lambda path: path.stat().st_mtime, reverse=True)
    for path in versions[KEEP_PER_NOTEBOOK:]:
        if path != job.output:
            path.unlink(missing_ok=True)


@dataclass(frozen=True)
class MergedNotebook:
    notebook: nbformat.NotebookNode  # current cells with the cached run's outputs; shared, do not change
    download: str  # the .ipynb text readers download
    digest: str  # sha256 of the notebook's content


def merged_notebook(job: Job) -> MergedNotebook:
    """The source merged with its cached outputs, and the .ipynb text readers download.

    Cached by the source's modification time and size and the output's inode, as `dlpaths serve`
    rebuilds every page in one process; the notebook returned is shared, so callers must not change it.
    The output's modification time is no key: every build touches it to mark it used. Each execution
    replaces the output file, so a new run means a new inode.
    """
    source, output = job.source.stat(), job.output.stat()
    return _merged_notebook(job.source, source.st_mtime_ns, source.st_size, job.output, output.st_ino, output.st_size)


@functools.lru_cache(maxsize=256)
def _merged_notebook(
    source: Path, source_mtime: int, source_size: int, output: Path, output_inode: int, output_size: int
) -> MergedNotebook:
    merged = merge_outputs(read_source(source), nbformat.read(output, as_version=4))
    download = nbformat.from_dict(json.loads(json.dumps(merged)))
    download.metadata.pop("dlpaths", None)
    digest = hashlib.sha256(json.dumps(merged, sort_keys=True).encode()).hexdigest()
    return MergedNotebook(merged, nbformat.writes(download), digest)


def merge_outputs(source: nbformat.NotebookNode, executed: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Current cells (so prose edits show at once) with the outputs of the cached run."""
    merged = nbformat.from_dict(json.loads(json.dumps(source)))
    executed_code = [c for c in executed.cells if c.cell_type == "code"]
    source_code = [c for c in merged.cells if c.cell_type == "code"]
    if [c.source for c in executed_code] != [c.source for c in source_code]:
        raise NotebookError("cached notebook does not match its source; delete the notebook cache")
    for cell, run in zip(source_code, executed_code, strict=True):
        cell.outputs = run.outputs
        cell.execution_count = run.execution_count
    merged.metadata["dlpaths"] = executed.metadata.get("dlpaths", {})
    return merged
