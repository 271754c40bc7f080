import hashlib
import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

from desktop.instance import SingleInstance, instance_address
from desktop.launcher import EXIT_FAILURE
from harness.process import ROOT, run_main

NOBODY = 65534
AS_NOBODY = ("setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups")
needs_root = pytest.mark.skipif(
    os.geteuid() != 0, reason="needs root, to run a process as another user"
)
HANG_GUARD = 10  # seconds; a guard against hangs, not a measure of speed


@pytest.fixture
def address(tmp_path):
    return instance_address(tmp_path / "data", None)


def test_only_the_first_launch_acquires_the_instance(address):
    first, second = SingleInstance(address, "key"), SingleInstance(address, "key")
    assert first.acquire()
    try:
        assert not second.acquire()
    finally:
        first.release()
    assert second.acquire()
    second.release()


@pytest.fixture
def shown(address):
    """Set when the running launch, holding ``address`` with the key "key", is asked to show."""
    shown = threading.Event()
    first = SingleInstance(address, "key")
    assert first.acquire()
    first.listen(shown.set)
    yield shown
    first.release()


def test_a_second_launch_asks_the_first_to_show_its_window(address, shown):
    assert SingleInstance(address, "key").ask_running_instance_to_show()
    assert shown.wait(5)


def test_a_launch_that_finds_the_instance_held_asks_and_is_obeyed(address, shown):
    with SingleInstance(address, "key") as second:
        assert not second.acquired
        assert second.ask_running_instance_to_show()
    assert shown.wait(5)


def test_a_launch_with_another_key_is_not_obeyed(address, shown):
    assert not SingleInstance(address, "another key").ask_running_instance_to_show()
    assert not shown.wait(0.5)


def test_instances_of_different_data_folders_do_not_collide(tmp_path):
    first = SingleInstance(instance_address(tmp_path / "a", None), "key")
    second = SingleInstance(instance_address(tmp_path / "b", None), "key")
    assert first.acquire() and second.acquire()
    first.release()
    second.release()


def test_a_launch_with_a_wrong_key_does_not_stop_the_next_one_from_being_obeyed(address, shown):
    assert not SingleInstance(address, "another key").ask_running_instance_to_show()
    assert SingleInstance(address, "key").ask_running_instance_to_show()
    assert shown.wait(5)


def test_as_a_context_manager_the_instance_is_held_only_inside_the_block(address):
    with SingleInstance(address, "key") as first:
        assert first.acquired
        with SingleInstance(address, "key") as second:
            assert not second.acquired
    with SingleInstance(address, "key") as again:
        assert again.acquired


def test_a_launch_that_asks_before_the_window_exists_is_told_it_is_shown(address):
    with SingleInstance(address, "key") as first:
        assert first.acquired
        assert SingleInstance(address, "key").ask_running_instance_to_show()


def test_the_socket_is_in_a_folder_only_its_user_may_enter(address):
    with SingleInstance(address, "key") as instance:
        assert instance.acquired
        folder = Path(address).parent.stat()
    assert stat.S_IMODE(folder.st_mode) == 0o700
    assert folder.st_uid == os.getuid()


def test_a_private_runtime_folder_is_preferred_to_the_data_folder(tmp_path):
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    address = instance_address(tmp_path / "data", runtime)
    assert Path(address).parent == runtime / "flasky"
    with SingleInstance(address, "key") as instance:
        assert instance.acquired
        assert Path(address).is_socket()
        assert stat.S_IMODE((runtime / "flasky").stat().st_mode) == 0o700


@pytest.mark.parametrize("mode", [0o755, 0o701])
def test_a_runtime_folder_open_to_others_is_not_used(tmp_path, mode):
    runtime = tmp_path / "runtime"
    runtime.mkdir()
    runtime.chmod(mode)
    assert instance_address(tmp_path / "data", runtime) == str(tmp_path / "data/instance/socket")


def test_a_socket_folder_open_to_others_is_refused_and_the_launch_runs_unguarded(address, caplog):
    Path(address).parent.mkdir(parents=True)
    Path(address).parent.chmod(0o755)
    with SingleInstance(address, "key") as instance:
        assert instance.acquired
        assert not Path(address).exists()
    assert "is open to other users (mode 755)" in caplog.text


def test_the_socket_of_a_launch_that_was_killed_is_replaced(address):
    Path(address).parent.mkdir(mode=0o700, parents=True)
    with squatter(address) as killed:
        killed.kill()
    assert Path(address).is_socket()
    with SingleInstance(address, "key") as first:
        assert first.acquired
        assert SingleInstance(address, "key").ask_running_instance_to_show()


def test_a_socket_of_this_user_that_never_answers_costs_seconds_not_a_hang(address, caplog):
    Path(address).parent.mkdir(mode=0o700, parents=True)
    with squatter(address), SingleInstance(address, "key") as second:
        assert not second.acquired
        assert not without_hanging(second.ask_running_instance_to_show)
    assert "did not answer: TimeoutError" in caplog.text


@pytest.mark.window
def test_a_launch_facing_a_socket_that_never_answers_says_so_and_exits_1(home, window_env):
    runtime = home / "runtime"
    runtime.mkdir(mode=0o700, parents=True, exist_ok=True)
    address = instance_address(home / "data" / "Flasky", runtime)
    Path(address).parent.mkdir(mode=0o700)
    with squatter(address):
        result = run_main(env=window_env, timeout=30)
    assert result.returncode == EXIT_FAILURE
    assert "Another Flasky is running but did not answer this launch" in result.stderr
    assert "Traceback" not in result.stderr
    log = (home / "state" / "Flasky" / "log" / "flasky.log").read_text()
    assert "did not answer: TimeoutError" in log


@pytest.fixture
def open_folder():
    """A folder every user may enter (pytest's tmp_path is private to its user)."""
    folder = Path(tempfile.mkdtemp(prefix="flasky-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder)


NOBODY_CONNECTS = """
import socket, sys
try:
    socket.socket(socket.AF_UNIX).connect(sys.argv[1])
except OSError as error:
    print(type(error).__name__)
else:
    print("connected")
"""


@needs_root
def test_another_user_cannot_reach_the_socket(open_folder):
    address = instance_address(open_folder / "data", None)
    with SingleInstance(address, "key") as instance:
        assert instance.acquired
        Path(address).chmod(0o777)  # as a umask of 0 would leave it: the folder alone keeps out
        assert run_python(NOBODY_CONNECTS, address, as_nobody=True) == "PermissionError"


NOBODY_ASKS_WITHOUT_CHECKING_ITS_PEER = """
import sys
from desktop import instance
instance._check_peer = lambda sock: None
print(instance.SingleInstance(sys.argv[1], "key").ask_running_instance_to_show())
"""


@needs_root
def test_the_running_launch_ignores_another_user_even_with_the_key(open_folder):
    address = instance_address(open_folder / "data", None)
    shown = threading.Event()
    with SingleInstance(address, "key") as instance:
        instance.listen(shown.set)
        # As if the folder had been opened up: only the user id check is left.
        Path(address).parent.chmod(0o755)
        Path(address).chmod(0o777)
        asked = run_python(NOBODY_ASKS_WITHOUT_CHECKING_ITS_PEER, address, as_nobody=True)
    assert asked == "False"
    assert not shown.is_set()


NOBODY_RUNS_AN_INSTANCE_WITHOUT_CHECKING_ITS_PEERS = """
import sys, time
from pathlib import Path
from desktop import instance
instance._check_peer = lambda sock: None
held = instance.SingleInstance(instance.instance_address(Path(sys.argv[1]), None), "key")
assert held.acquire()
held.listen(lambda: print("shown", flush=True))
print("listening", flush=True)
time.sleep(60)
"""


@needs_root
def test_a_launch_does_not_talk_to_an_instance_of_another_user(open_folder):
    nobody = open_folder / "nobody"
    nobody.mkdir()
    os.chown(nobody, NOBODY, NOBODY)
    program = NOBODY_RUNS_AN_INSTANCE_WITHOUT_CHECKING_ITS_PEERS
    with started_python(program, nobody / "data", as_nobody=True) as theirs:
        address = instance_address(nobody / "data", None)
        assert not without_hanging(SingleInstance(address, "key").ask_running_instance_to_show)
        theirs.kill()
        assert "shown" not in theirs.communicate()[0]


@needs_root
def test_another_user_on_the_old_abstract_name_does_not_hold_up_a_launch(open_folder):
    data = open_folder / "data"
    digest = hashlib.sha256(str(data.resolve()).encode()).hexdigest()[:16]
    address = instance_address(data, None)
    with (
        squatter(f"\0flasky-{digest}", as_nobody=True),
        SingleInstance(address, "key") as first,
        SingleInstance(address, "key") as second,
    ):
        assert first.acquired
        assert not second.acquired
        assert without_hanging(second.ask_running_instance_to_show)


SQUATTER = """
import socket, sys
with socket.socket(socket.AF_UNIX) as listener:
    listener.bind(sys.argv[1].replace("@", "\\0", 1))
    listener.listen()
    print("listening", flush=True)
    held = []
    while True:
        held.append(listener.accept())
"""


@contextmanager
def squatter(address: str, as_nobody: bool = False):
    """A process that listens on ``address``, accepts every connection and never answers."""
    with started_python(SQUATTER, address.replace("\0", "@", 1), as_nobody=as_nobody) as process:
        yield process


@contextmanager
def started_python(program: str, *args, as_nobody: bool = False):
    """``program`` running in a Python process of its own (of the user nobody if asked),
    once it has printed "listening"; killed on leaving the block."""
    process = subprocess.Popen(
        python(program, args, as_nobody), stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    try:
        assert process.stdout.readline() == "listening\n"
        yield process
    finally:
        process.kill()
        process.wait()


def run_python(program: str, *args, as_nobody: bool = False) -> str:
    """What ``program`` prints, run in a Python process of its own (of the user nobody if asked)."""
    result = subprocess.run(
        python(program, args, as_nobody),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=HANG_GUARD,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def python(program: str, args, as_nobody: bool) -> list[str]:
    """The command that runs ``program`` with ``args``, as the user nobody if asked."""
    return [*(AS_NOBODY if as_nobody else ()), sys.executable, "-c", program, *map(str, args)]


def without_hanging(function):
    """What ``function()`` returns; fails the test, instead of hanging it, if it has not
    returned after HANG_GUARD seconds."""
    results = []
    thread = threading.Thread(target=lambda: results.append(function()), daemon=True)
    thread.start()
    thread.join(HANG_GUARD)
    assert not thread.is_alive(), f"still waiting after {HANG_GUARD} s"
    return results[0]


def test_a_launch_that_connects_and_says_nothing_does_not_keep_the_next_one_waiting(address, shown):
    with socket.socket(socket.AF_UNIX) as silent:
        silent.connect(address)
        assert len(silent.recv(64)) == 32  # the challenge, never answered
        silent.sendall(b"half a signature")  # and a message cut short
        assert without_hanging(SingleInstance(address, "key").ask_running_instance_to_show)
    assert shown.wait(5)


def test_a_launch_that_ends_removes_only_its_own_socket(address):
    first = SingleInstance(address, "key")
    assert first.acquire()
    Path(address).unlink()  # as a launch that found it stale would, before binding its own
    with SingleInstance(address, "key") as second:
        assert second.acquired
        first.release()
        assert Path(address).exists()
        assert SingleInstance(address, "key").ask_running_instance_to_show()


def test_a_failure_to_show_the_window_is_logged_and_the_instance_answers_still(address, caplog):
    asked = []

    def show_fails() -> None:
        asked.append(True)
        raise RuntimeError("the window is closing")

    with SingleInstance(address, "key") as first:
        first.listen(show_fails)
        assert not SingleInstance(address, "key").ask_running_instance_to_show()
        first.listen(lambda: asked.append(True))
        assert SingleInstance(address, "key").ask_running_instance_to_show()
    assert asked == [True, True]
    assert "Could not show the window for another launch" in caplog.text
    assert "the window is closing" in caplog.text
