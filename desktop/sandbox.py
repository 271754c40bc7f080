"""Whether the window's web engine can have Chromium's namespace sandbox here, asked before Qt
loads; where it cannot, the engine is told to go without it and keep its seccomp filter.

Systems that block unprivileged user namespaces (Ubuntu 24.04's AppArmor default, Docker's
seccomp profile) break Chromium's namespace sandbox, which needs them. Qt WebEngine's Chromium
then either runs without it and says nothing, or, when creating the namespace fails with
EACCES, dies at start (exit 133, no window). ``--disable-namespace-sandbox`` avoids both, and
leaves the renderers their seccomp filter.
"""

import ctypes
import os
import select
import signal
import sys
from collections.abc import MutableMapping
from pathlib import Path
from typing import NoReturn

CHROMIUM_FLAGS = "QTWEBENGINE_CHROMIUM_FLAGS"
DISABLE_SANDBOX = "QTWEBENGINE_DISABLE_SANDBOX"
NO_NAMESPACE_SANDBOX = "--disable-namespace-sandbox"
SANDBOX_OFF_FLAGS = {"no-sandbox", "disable-namespace-sandbox"}
APPARMOR_RESTRICTION = Path("/proc/sys/kernel/apparmor_restrict_unprivileged_userns")

CLONE_NEWUSER = 0x10000000
STEPS = (
    "creating a user namespace",
    "mapping the user into a new user namespace",
    "creating a nested user namespace",
)
PROBE_TIMEOUT = 2.0


def prepare_web_engine_sandbox(environ: MutableMapping[str, str] = os.environ) -> str | None:
    """Turn off the web engine's namespace sandbox in ``environ`` if this process cannot give
    it one, and say why (a reason that fits "… because {reason}"); None if nothing changed.

    Leaves alone a sandbox the user turned off already: cli.py does so for root, where
    Chromium's sandbox cannot run."""
    if not sys.platform.startswith("linux") or sandbox_turned_off(environ):
        return None
    problem = user_namespace_problem()
    if not problem:
        return None
    environ[CHROMIUM_FLAGS] = f"{environ.get(CHROMIUM_FLAGS, '')} {NO_NAMESPACE_SANDBOX}".strip()
    if apparmor_restricts_user_namespaces():
        problem += (
            ", as AppArmor restricts unprivileged user namespaces here "
            "(kernel.apparmor_restrict_unprivileged_userns = 1)"
        )
    return problem


def sandbox_turned_off(environ: MutableMapping[str, str]) -> bool:
    """Whether ``environ`` already turns off the whole sandbox or its namespace layer."""
    if DISABLE_SANDBOX in environ:  # Qt turns the sandbox off whatever its value
        return True
    # Chromium takes "--switch", "-switch" and "--switch=value" alike.
    flags = environ.get(CHROMIUM_FLAGS, "").split()
    switches = {flag.lstrip("-").partition("=")[0] for flag in flags if flag.startswith("-")}
    return bool(switches & SANDBOX_OFF_FLAGS)


def apparmor_restricts_user_namespaces(setting: Path = APPARMOR_RESTRICTION) -> bool:
    """Whether Ubuntu's AppArmor restriction of unprivileged user namespaces is on."""
    try:
        return setting.read_text().strip() == "1"
    except OSError:
        return False


def user_namespace_problem() -> str | None:
    """Why this process cannot create the user namespaces Chromium's sandbox needs, or None.

    Does what Chromium's own check does (sandbox::Credentials::CanCreateProcessInNewUserNS),
    which Qt WebEngine runs in the app's process: in a child, create a user namespace, map the
    user and group into it (the step Ubuntu's AppArmor restriction denies), create a nested one.

    The child is forked, not started as a program: a frozen app has no interpreter to start,
    and unshare(CLONE_NEWUSER) needs a single-threaded caller, which the child is whatever
    threads the launch runs. Forking a process with threads is safe when the child only makes
    system calls and exits, so everything it needs is prepared here first, and it reports the
    failing step and errno as two bytes for this side to put into words. The wait is bounded,
    so that a child stuck anyway costs a launch 2 s, not its window."""
    unshare = ctypes.CDLL(None, use_errno=True).unshare
    uid, gid = os.geteuid(), os.getegid()
    id_maps = [
        ("/proc/self/setgroups", b"deny"),  # unprivileged users must deny it before gid_map
        ("/proc/self/uid_map", f"{uid} {uid} 1".encode()),
        ("/proc/self/gid_map", f"{gid} {gid} 1".encode()),
    ]
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        probe_in_child(unshare, id_maps, write_end)
    os.close(write_end)
    try:
        finished, _, _ = select.select([read_end], [], [], PROBE_TIMEOUT)
        report = os.read(read_end, 2) if finished else b""
    finally:
        os.close(read_end)
    if not finished:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        return f"the user namespace check did not finish within {PROBE_TIMEOUT:g} s"
    status = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    if status == 0:
        return None
    if len(report) == 2:
        step, error = report
        return f"{STEPS[step]} failed ({os.strerror(error)})"
    return f"the user namespace check failed (exit status {status})"


def probe_in_child(unshare, id_maps: list[tuple[str, bytes]], report: int) -> NoReturn:
    """The forked child's part of ``user_namespace_problem``: exit 0 if every step works,
    else write the failing step and its errno to ``report`` and exit 1."""
    status, step = 1, 0
    try:
        if unshare(CLONE_NEWUSER) != 0:
            raise OSError(ctypes.get_errno(), "unshare")
        step = 1
        for path, text in id_maps:
            file = os.open(path, os.O_WRONLY)
            try:
                os.write(file, text)
            finally:
                os.close(file)
        step = 2
        if unshare(CLONE_NEWUSER) != 0:
            raise OSError(ctypes.get_errno(), "unshare")
        status = 0
    except OSError as error:
        os.write(report, bytes([step, min(error.errno or 0, 255)]))
    finally:
        os._exit(status)
