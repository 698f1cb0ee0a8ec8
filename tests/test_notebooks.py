"""Notebook cache keys, execution failures, the network guard and source hygiene."""

from __future__ import annotations

import platform
import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest
from dlpaths import notebooks
from dlpaths.errors import NotebookError
from dlpaths.execute import cell_lines
from dlpaths.hygiene import notebook_problems, tracked_notebooks_with_outputs

ROOT = Path(__file__).resolve().parents[1]

HEADER = """\
# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---
"""


def percent(body: str) -> nbformat.NotebookNode:
    return jupytext.reads(HEADER + body, fmt="py:percent")


BASE = "# %% [markdown]\n# 说明\n\n# %%\nx = 1\nprint(x)\n"


def key(notebook, environment="env", data=None):
    return notebooks.cache_key(notebook, environment, data or {})


def test_key_ignores_markdown_edits():
    edited = BASE.replace("# 说明", "# 改过的说明")
    assert key(percent(BASE)) == key(percent(edited))


def test_key_changes_with_code():
    assert key(percent(BASE)) != key(percent(BASE.replace("x = 1", "x = 2")))


def test_key_changes_with_environment_lock():
    assert key(percent(BASE), "torch==2.13.0") != key(percent(BASE), "torch==2.14.1")


def test_key_changes_with_declared_data():
    assert key(percent(BASE), data={"d.csv": b"1"}) != key(percent(BASE), data={"d.csv": b"2"})


def test_key_changes_with_kernel():
    other = percent(BASE)
    other.metadata["kernelspec"]["name"] = "other"
    assert key(percent(BASE)) != key(other)


def test_key_changes_with_declared_cores():
    alone = percent(BASE)
    alone.metadata["dlpaths"] = {"cores": 2}
    assert key(percent(BASE)) != key(alone)


def test_environment_fingerprint_reads_lock(tmp_path):
    (tmp_path / "requirements.lock").write_text("numpy==2.0\n")
    first = notebooks.environment_fingerprint(tmp_path)
    (tmp_path / "requirements.lock").write_text("numpy==2.1\n")
    assert notebooks.environment_fingerprint(tmp_path) != first
    assert "python 3.11" in first


def test_declared_data_must_exist(tmp_path):
    notebook = percent(BASE)
    notebook.metadata["dlpaths"] = {"data": ["missing.csv"]}
    with pytest.raises(NotebookError, match="declares data file 'missing.csv' which does not exist"):
        notebooks.declared_data_files(notebook, tmp_path, tmp_path / "n.py")


def test_merge_keeps_new_prose_and_cached_outputs():
    executed = percent(BASE)
    executed.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="1\n")]
    executed.metadata["dlpaths"] = {"seconds": 1.0}
    source = percent(BASE.replace("# 说明", "# 新说明"))
    merged = notebooks.merge_outputs(source, executed)
    assert merged.cells[0].source == "新说明"
    assert merged.cells[1].outputs[0]["text"] == "1\n"
    assert merged.metadata["dlpaths"] == {"seconds": 1.0}


def test_merge_refuses_mismatched_code():
    with pytest.raises(NotebookError, match="does not match"):
        notebooks.merge_outputs(percent(BASE.replace("x = 1", "x = 3")), percent(BASE))


def test_cell_lines_point_at_markers():
    text = HEADER + BASE
    lines = cell_lines(text)
    assert [text.splitlines()[n - 1] for n in lines] == ["# %% [markdown]", "# %%"]


def _settings(tmp_path, **overrides):
    return notebooks.Settings(root=tmp_path, cache_dir=tmp_path / "cache", **overrides)


def _write(tmp_path, name, body):
    path = tmp_path / "notebooks" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER + body, encoding="utf-8")
    return path


@pytest.mark.slow
def test_execution_caches_and_reports_progress(tmp_path):
    source = _write(tmp_path, "ok.py", BASE)
    settings = _settings(tmp_path)
    lines = []
    jobs = notebooks.plan([source], settings)
    timings = notebooks.execute_all(jobs, settings, report=lines.append)
    assert "ok.py" in timings and jobs[0].output.is_file()
    assert any("ok.py: ok in" in line and "1/1 done, 0 left" in line for line in lines)
    executed = nbformat.read(jobs[0].output, as_version=4)
    assert executed.cells[1].outputs[0]["text"] == "1\n"
    assert executed.metadata["dlpaths"]["python"].startswith("3.11")
    assert notebooks.stale(notebooks.plan([source], settings)) == []


@pytest.mark.slow
def test_failing_cell_names_notebook_cell_line_and_traceback(tmp_path):
    source = _write(tmp_path, "bad.py", BASE + "\n# %%\nraise ValueError('boom: accuracy too low')\n")
    settings = _settings(tmp_path)
    with pytest.raises(NotebookError) as caught:
        notebooks.execute_all(notebooks.plan([source], settings), settings, report=lambda _: None)
    message = str(caught.value)
    assert "notebooks/bad.py: cell 3 (line 15 of bad.py) raised an error" in message
    assert "ValueError: boom: accuracy too low" in message
    assert not list((tmp_path / "cache").glob("bad-*.ipynb")), "a failed run must not be cached"


@pytest.mark.slow
def test_hanging_cell_times_out(tmp_path):
    source = _write(tmp_path, "hang.py", "# %%\nimport time\ntime.sleep(600)\n")
    settings = _settings(tmp_path, cell_timeout=2, notebook_timeout=60)
    with pytest.raises(NotebookError, match=r"cell 1 \(line 8 of hang.py\) did not finish within the 2 s cell timeout"):
        notebooks.execute_all(notebooks.plan([source], settings), settings, report=lambda _: None)


@pytest.mark.slow
def test_whole_notebook_timeout(tmp_path):
    body = "# %%\nimport time\ntime.sleep(1.5)\n\n# %%\ntime.sleep(1.5)\n\n# %%\ntime.sleep(1.5)\n"
    source = _write(tmp_path, "slow.py", body)
    settings = _settings(tmp_path, cell_timeout=30, notebook_timeout=3)
    with pytest.raises(NotebookError, match="timed out after 3 s for the whole notebook"):
        notebooks.execute_all(notebooks.plan([source], settings), settings, report=lambda _: None)


@pytest.mark.slow
def test_notebooks_cannot_reach_the_network(tmp_path):
    body = "# %%\nimport urllib.request\nurllib.request.urlopen('http://example.org/', timeout=5)\n"
    source = _write(tmp_path, "net.py", body)
    settings = _settings(tmp_path)
    with pytest.raises(NotebookError, match="notebooks run without network"):
        notebooks.execute_all(notebooks.plan([source], settings), settings, report=lambda _: None)


def test_network_guard_allows_loopback():
    code = (
        "import socket\n"
        "s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(1)\n"
        "c = socket.create_connection(('127.0.0.1', s.getsockname()[1]), timeout=2); c.close()\n"
        "try:\n"
        "    socket.create_connection(('203.0.113.1', 80), timeout=2)\n"
        "except OSError as e:\n"
        "    print('blocked' if 'without network' in str(e) else 'other')\n"
    )
    env = notebooks.kernel_environment()
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=30)
    assert out.stdout.strip() == "blocked", out.stderr


@pytest.mark.skipif(platform.machine() not in {"x86_64", "AMD64"}, reason="kernel pinning is for x86-64")
def test_kernels_run_the_same_code_paths_on_every_x86_machine():
    code = (
        "import numpy, threadpoolctl, torch\n"
        "from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__ as features\n"
        "blas = [i['architecture'] for i in threadpoolctl.threadpool_info() if i['internal_api'] == 'openblas']\n"
        "avx512_loops = [target for target in __cpu_dispatch__ if features.get(target) and target != 'X86_V3']\n"
        "print(blas, avx512_loops, torch.backends.cpu.get_cpu_capability())\n"
    )
    env = notebooks.kernel_environment()
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    # The CPU may well report AVX512F; what matters is that NumPy dispatches no loop above X86_V3 (AVX2).
    assert out.stdout.split() == ["['Haswell']", "[]", "AVX2"], out.stderr


def test_repository_notebooks_are_clean_sources():
    assert notebook_problems(ROOT) == []
    assert tracked_notebooks_with_outputs(ROOT) == []
    for path in (ROOT / "notebooks").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "assert " in text, f"{path.name} asserts no key result"
        assert "fetch_" not in text and "urlopen" not in text, f"{path.name} may download data"


def test_cache_keeps_recent_versions_for_other_checkouts(tmp_path):
    import os

    source = tmp_path / "lesson.py"
    versions = []
    for age, digit in enumerate("abcdef"):
        path = tmp_path / f"lesson-{digit * 20}.ipynb"
        path.write_text("{}")
        os.utime(path, (1_000_000 - age * 100, 1_000_000 - age * 100))
        versions.append(path)
    unrelated = tmp_path / ("other-" + "0" * 20 + ".ipynb")
    unrelated.write_text("{}")
    notebooks.stale([notebooks.Job(source, "f" * 20, versions[-1])])  # the oldest was just used again
    notebooks._evict_older(notebooks.Job(source, "a" * 20, versions[0]))
    kept = sorted(path.name for path in tmp_path.glob("lesson-*.ipynb"))
    assert kept == sorted(p.name for p in (versions[0], versions[1], versions[2], versions[-1]))
    assert unrelated.is_file()


def test_reading_a_source_twice_gives_the_same_notebook(tmp_path):
    import json

    source = tmp_path / "lesson.py"
    source.write_text("# %% [markdown]\n# ### 标题\n\n# %%\nx = 1\n", encoding="utf-8")
    first, second = notebooks.read_source(source), notebooks.read_source(source)
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)
    assert [cell.id for cell in first.cells] == ["cell-0", "cell-1"]


def test_a_parsed_source_is_kept_for_the_next_process(tmp_path, monkeypatch):
    import json

    from dlpaths.diskstore import DiskStore

    store = DiskStore(tmp_path / "parsed")
    source = tmp_path / "lesson.py"
    source.write_text("# %% [markdown]\n# 正文\n\n# %%\nx = 1\n", encoding="utf-8")
    parsed = notebooks.read_source(source, store)
    notebooks._parsed.clear()  # as in a new process
    monkeypatch.setattr(jupytext, "reads", lambda *a, **k: pytest.fail("parsed again"))
    assert json.dumps(notebooks.read_source(source, store), sort_keys=True) == json.dumps(parsed, sort_keys=True)

    source.write_text("# %%\nx = 2\n", encoding="utf-8")  # an edit is parsed afresh
    monkeypatch.undo()
    assert notebooks.read_source(source, store).cells[0].source == "x = 2"
    for entry in store.directory.iterdir():
        entry.write_text("{damaged")
    notebooks._parsed.clear()
    assert notebooks.read_source(source, store).cells[0].source == "x = 2"


def test_merged_notebook_survives_the_build_marking_its_output_used(tmp_path):
    source = tmp_path / "lesson.py"
    source.write_text("# %%\nx = 1\n", encoding="utf-8")
    executed = notebooks.read_source(source)
    executed.cells[0].outputs = [nbformat.v4.new_output("stream", text="1\n")]
    output = tmp_path / "lesson-out.ipynb"
    nbformat.write(executed, output)
    job = notebooks.Job(source, "k" * 20, output)
    first = notebooks.merged_notebook(job)
    notebooks.stale([job])  # touches the output, as every build does
    assert notebooks.merged_notebook(job) is first
    rerun = tmp_path / "rerun.ipynb"
    nbformat.write(executed, rerun)
    rerun.replace(output)  # a new execution replaces the file
    assert notebooks.merged_notebook(job) is not first


def test_thread_count_is_fixed_and_part_of_the_cache_key(tmp_path, monkeypatch):
    # Results must not depend on the machine's core count or on how many notebooks are stale.
    monkeypatch.setattr(notebooks.os, "cpu_count", lambda: 8)
    env = notebooks.kernel_environment()
    assert {env[name] for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")} == {
        str(notebooks.KERNEL_THREADS)
    }
    assert notebooks._default_workers() == 8 // notebooks.KERNEL_THREADS
    assert env["OMP_WAIT_POLICY"] == "PASSIVE"  # notebooks side by side: waiting threads sleep
    assert "OMP_WAIT_POLICY" not in notebooks.kernel_environment(cores=2)  # alone: they may spin
    assert f"threads {notebooks.KERNEL_THREADS}" in notebooks.environment_fingerprint(tmp_path)


def test_run_prints_a_notebook_output_in_the_build_environment(tmp_path, capfd):
    from dlpaths.cli import main

    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "probe.py").write_text(
        "import os\nprint('threads', os.environ['OPENBLAS_NUM_THREADS'], os.environ['MPLBACKEND'])\n"
    )
    assert main(["--root", str(tmp_path), "run", "probe"]) == 0
    assert f"threads {notebooks.KERNEL_THREADS} Agg" in capfd.readouterr().out
    assert main(["--root", str(tmp_path), "run", "missing"]) == 1
    assert "notebooks/missing.py: no such notebook" in capfd.readouterr().err


def test_declared_cores_must_be_a_small_whole_number(tmp_path):
    notebook = percent(BASE)
    assert notebooks.declared_cores(notebook, tmp_path / "n.py") == 1
    notebook.metadata["dlpaths"] = {"cores": 2}
    assert notebooks.declared_cores(notebook, tmp_path / "n.py") == 2
    notebook.metadata["dlpaths"] = {"cores": "two"}
    with pytest.raises(NotebookError, match=r"n\.py: 'cores: two' in the jupytext header must be a whole number"):
        notebooks.declared_cores(notebook, tmp_path / "n.py")


def test_a_notebook_declaring_all_cores_runs_alone(tmp_path, monkeypatch):
    import threading
    import time

    running: list[str] = []
    overlaps: list[tuple[str, ...]] = []
    lock = threading.Lock()

    def fake_execute(job, settings):
        with lock:
            running.append(job.name)
            overlaps.append(tuple(sorted(running)))
        time.sleep(0.05)
        with lock:
            running.remove(job.name)
        return 0.05

    monkeypatch.setattr(notebooks, "_execute_one", fake_execute)
    settings = notebooks.Settings(root=tmp_path, cache_dir=tmp_path / "cache", workers=2)
    jobs = [notebooks.Job(tmp_path / f"n{i}.py", "k", tmp_path / f"n{i}.ipynb") for i in range(4)]
    jobs.insert(2, notebooks.Job(tmp_path / "big.py", "k", tmp_path / "big.ipynb", cores=2))
    lines: list[str] = []
    notebooks.execute_all(jobs, settings, report=lines.append)
    assert [overlap for overlap in overlaps if "big.py" in overlap] == [("big.py",)]
    assert "big.py: started" in lines[1]  # it starts first
    assert any(len(overlap) == 2 for overlap in overlaps)  # the others still run side by side
