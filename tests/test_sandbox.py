"""The web engine's namespace sandbox where the system blocks user namespaces (desktop/sandbox.py).

The block is simulated by tests/deny_user_namespaces.py, a seccomp filter that fails their
creation with EPERM, as Docker's default profile does, or with EACCES, as Ubuntu's AppArmor
restriction does for a program it has no profile for: the case where Chromium dies at start.
"""

import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import psutil
import pytest

from desktop.sandbox import (
    apparmor_restricts_user_namespaces,
    prepare_web_engine_sandbox,
    user_namespace_problem,
)
from harness.process import ROOT, AppProcess, user_environment

from .helpers import EXECUTABLE, NOBODY

DENY_USER_NAMESPACES = Path(__file__).with_name("deny_user_namespaces.py")
DENIED = {"EPERM": "Operation not permitted", "EACCES": "Permission denied"}
NO_NAMESPACE_SANDBOX = "--disable-namespace-sandbox"

pytestmark = pytest.mark.skipif(
    sys.platform != "linux" or platform.machine() != "x86_64",
    reason="user namespaces are Linux's, and the filter that denies them is written for x86_64",
)


def denying_user_namespaces(denial: str, *command: str) -> list[str]:
    """``command``, run where creating a user namespace fails with the errno named ``denial``."""
    return [sys.executable, str(DENY_USER_NAMESPACES), denial, "--", *command]


def python_denied_user_namespaces(denial: str, code: str, *args: str) -> str:
    """What Python code run where user namespaces are denied prints."""
    result = subprocess.run(
        denying_user_namespaces(denial, sys.executable, "-c", code, *args),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def prepare_denied(denial: str, environ: dict[str, str]) -> tuple[str | None, dict[str, str]]:
    """What prepare_web_engine_sandbox returns, and leaves in ``environ``, where user namespaces
    are denied."""
    code = (
        "import json, sys\n"
        "from desktop.sandbox import prepare_web_engine_sandbox\n"
        "environ = json.loads(sys.argv[1])\n"
        "print(json.dumps([prepare_web_engine_sandbox(environ), environ]))\n"
    )
    reason, environ = json.loads(python_denied_user_namespaces(denial, code, json.dumps(environ)))
    return reason, environ


def test_user_namespaces_work_on_this_machine():
    assert user_namespace_problem() is None


@pytest.mark.parametrize("denial", DENIED)
def test_a_denied_user_namespace_is_the_problem_named(denial):
    code = "from desktop.sandbox import user_namespace_problem; print(user_namespace_problem())"
    output = python_denied_user_namespaces(denial, code)
    assert output == f"creating a user namespace failed ({DENIED[denial]})\n"


def test_where_user_namespaces_work_the_environment_is_left_alone():
    environ = {"QTWEBENGINE_CHROMIUM_FLAGS": "--enable-logging=stderr"}
    assert prepare_web_engine_sandbox(environ) is None
    assert environ == {"QTWEBENGINE_CHROMIUM_FLAGS": "--enable-logging=stderr"}


@pytest.mark.parametrize(
    "flags, expected",
    [
        ({}, NO_NAMESPACE_SANDBOX),
        (
            {"QTWEBENGINE_CHROMIUM_FLAGS": "--enable-logging=stderr --log-level=0"},
            f"--enable-logging=stderr --log-level=0 {NO_NAMESPACE_SANDBOX}",
        ),
    ],
)
def test_where_user_namespaces_are_denied_the_namespace_sandbox_is_turned_off_and_why_returned(
    flags, expected
):
    reason, environ = prepare_denied("EACCES", {"HOME": "/home/user", **flags})
    assert reason.startswith("creating a user namespace failed (Permission denied)")
    assert environ == {"HOME": "/home/user", "QTWEBENGINE_CHROMIUM_FLAGS": expected}


@pytest.mark.parametrize(
    "turned_off",
    [
        {"QTWEBENGINE_DISABLE_SANDBOX": "1"},
        {"QTWEBENGINE_DISABLE_SANDBOX": ""},  # Qt asks only whether it is set
        {"QTWEBENGINE_CHROMIUM_FLAGS": "--no-sandbox"},
        {"QTWEBENGINE_CHROMIUM_FLAGS": "--enable-logging=stderr -disable-namespace-sandbox"},
    ],
)
def test_a_sandbox_the_user_turned_off_is_left_as_it_is(turned_off):
    assert prepare_denied("EACCES", turned_off) == (None, turned_off)


@pytest.mark.parametrize("setting, restricts", [("1\n", True), ("0\n", False), (None, False)])
def test_apparmors_restriction_of_user_namespaces_is_read_from_its_setting(
    tmp_path, setting, restricts
):
    path = tmp_path / "apparmor_restrict_unprivileged_userns"
    if setting is not None:
        path.write_text(setting)
    assert apparmor_restricts_user_namespaces(path) is restricts


# --- The frozen app, run by a normal user: as root, the app turns the whole sandbox off ---

AS_NOBODY = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", "--"]
WARNING = (
    "WARNING desktop.launcher: The window's web engine runs without its namespace sandbox "
    "because creating a user namespace failed ({}); its seccomp filter stays on."
)


@pytest.fixture
def nobody(frozen, xvfb):
    """A copy of the one file that the user ``nobody`` may run, and the environment of that
    user, whose home they own, on the virtual screen."""
    with tempfile.TemporaryDirectory() as folder:
        Path(folder).chmod(0o755)
        home = Path(folder) / "home"
        (home / "tmp").mkdir(parents=True)
        executable = Path(shutil.copy(EXECUTABLE, folder))
        for path in [home, home / "tmp", executable]:
            os.chown(path, NOBODY, NOBODY)
        yield str(executable), user_environment(home, display=xvfb, TMPDIR=str(home / "tmp"))


def pid_namespace(pid: int) -> str:
    return str(Path(f"/proc/{pid}/ns/pid").readlink())


def seccomp_filters(pid: int) -> int:
    """How many seccomp filters the process ``pid`` runs under (0 once it has ended)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return 0
    return int(status.split("Seccomp_filters:")[1].split()[0])


def under_chromiums_filter(app: AppProcess) -> list[psutil.Process]:
    """The app's helpers that run under a seccomp filter of Chromium's: one more than the app
    itself, which runs under none, or under the test's that denies user namespaces (and with
    it every helper shows "Seccomp: 2", sandboxed or not)."""
    own = seccomp_filters(app.pid)
    return [process for process in app.descendants() if seccomp_filters(process.pid) > own]


needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="needs root to run the app as nobody")


@needs_root
@pytest.mark.window
def test_a_normal_user_whose_user_namespaces_work_keeps_the_namespace_sandbox(nobody, open_window):
    executable, env = nobody
    app = open_window(env, command=[*AS_NOBODY, executable])
    renderers = under_chromiums_filter(app)
    assert renderers
    assert all(pid_namespace(process.pid) != pid_namespace(app.pid) for process in renderers)
    app.send(signal.SIGTERM)
    assert app.wait() == 0
    assert "namespace sandbox" not in app.log()


@needs_root
@pytest.mark.window
@pytest.mark.parametrize("denial", DENIED)
def test_where_user_namespaces_are_denied_the_window_opens_with_seccomp_and_a_warning(
    nobody, open_window, denial
):
    executable, env = nobody
    app = open_window(env, command=denying_user_namespaces(denial, *AS_NOBODY, executable))
    renderers = under_chromiums_filter(app)
    assert renderers
    assert all(pid_namespace(process.pid) == pid_namespace(app.pid) for process in renderers)
    app.send(signal.SIGTERM)
    assert app.wait() == 0
    warnings = [line for line in app.log().splitlines() if "namespace sandbox" in line]
    assert len(warnings) == 1
    assert warnings[0].endswith(WARNING.format(DENIED[denial]))
