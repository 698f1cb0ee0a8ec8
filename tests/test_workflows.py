"""GitHub Actions workflows: read-only by default, no secrets where pull requests run."""

from __future__ import annotations

import yaml
from conftest import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def load(path):
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)  # keeps `on:` a string key
    return data


def test_every_workflow_defaults_to_read_only():
    assert WORKFLOWS
    for path in WORKFLOWS:
        assert load(path)["permissions"] == {"contents": "read"}, path.name


def test_pull_request_ci_has_no_secrets_and_no_cache_writes():
    ci = (ROOT / ".github/workflows/ci.yml").read_text(encoding="utf-8")
    assert "pull_request:" in ci
    assert "secrets." not in ci
    assert "actions/cache@" not in ci  # restore only; a pull request must not poison the cache


def test_link_check_runs_on_a_schedule_and_only_writes_through_a_pull_request():
    workflow = load(ROOT / ".github/workflows/links.yml")
    assert "schedule" in workflow["on"] and "pull_request" not in workflow["on"]
    steps = " ".join(step.get("run", "") for step in workflow["jobs"]["check"]["steps"])
    assert "dlpaths links" in steps
    assert "gh pr create" in steps


def test_deploy_publishes_the_strict_build_with_its_offline_copy():
    steps = load(ROOT / ".github/workflows/deploy.yml")["jobs"]["build"]["steps"]
    runs = [step.get("run", "") for step in steps]
    build_at = next(i for i, run in enumerate(runs) if "dlpaths build" in run)
    offline_at = next(i for i, run in enumerate(runs) if "dlpaths offline" in run)
    upload_at = next(i for i, step in enumerate(steps) if "upload-pages-artifact" in step.get("uses", ""))
    assert build_at < offline_at < upload_at  # the zip lands in site/ before it is published
    assert steps[build_at]["env"]["DLPATHS_OFFLINE_ZIP"] == "true"  # so the home page links to it
