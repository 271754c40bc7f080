"""The CI workflow (.github/workflows/build.yml) cannot run here: actionlint checks it (its
syntax, expressions, the inputs and runtimes of the actions it uses) and, through actionlint,
ShellCheck checks its scripts."""

import shutil
import subprocess
import sys
from pathlib import Path

from .helpers import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "build.yml"
ACTIONLINT = Path(sys.executable).parent / "actionlint"  # from the dev lock


def actionlint(workflow: Path) -> subprocess.CompletedProcess:
    shellcheck = shutil.which("shellcheck")
    assert shellcheck, "ShellCheck is missing: make test installs it"
    return subprocess.run(
        [ACTIONLINT, "-no-color", f"-shellcheck={shellcheck}", "-pyflakes=", workflow],
        cwd=workflow.parents[2],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_workflow_passes_actionlint_and_shellcheck():
    result = actionlint(WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_finds_an_outdated_action_and_a_shell_mistake(tmp_path):
    planted = tmp_path / ".github" / "workflows" / "build.yml"
    planted.parent.mkdir(parents=True)
    outdated = WORKFLOW.read_text().replace("actions/checkout@v7", "actions/checkout@v4", 1)
    planted.write_text(outdated + "      - run: cp dist/flasky $DESTINATION\n")  # unquoted
    result = actionlint(planted)
    assert result.returncode == 1
    assert 'runtime "node20" is deprecated' in result.stdout
    assert "SC2086" in result.stdout  # ShellCheck: double quote to prevent globbing
