"""The pull-request workflow runs check, tests and review with tasks that exist, and attaches
the folder the review writes."""

from __future__ import annotations

import re
import subprocess

import yaml

from tests.conftest import ROOT


def test_review_workflow_uses_real_tasks_and_attaches_the_page() -> None:
    workflow = yaml.safe_load((ROOT / ".github/workflows/review.yml").read_text())
    assert "pull_request" in workflow[True]  # YAML 1.1 reads the key `on` as True
    steps = workflow["jobs"]["review"]["steps"]
    commands = "\n".join(step.get("run", "") for step in steps)
    used = re.findall(r"\.venv/bin/invoke (\S+)", commands)
    assert used == ["check", "test", "review"]
    listed = subprocess.run(
        [str(ROOT / ".venv/bin/invoke"), "--list"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    tasks = {line.split()[0] for line in listed.splitlines()[1:] if line.strip()}
    assert set(used) <= tasks
    assert "--out build/review" in commands
    [upload] = [s for s in steps if str(s.get("uses", "")).startswith("actions/upload-artifact")]
    assert upload["with"]["path"] == "build/review/"
    [checkout] = [s for s in steps if str(s.get("uses", "")).startswith("actions/checkout")]
    assert checkout["with"]["fetch-depth"] == 0  # git merge-base needs the history
