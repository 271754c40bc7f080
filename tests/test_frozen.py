"""The one-file executable that `make dist` builds, run and installed the way a user would.

The first test of a session runs `make dist`, which rebuilds dist/flasky only when its sources,
build.spec or the build lock changed (a few minutes), and is otherwise a quick no-op.
"""

import fcntl
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psutil
import pytest
from Xlib import X

from desktop import __version__
from desktop.events import PAGE_LOADED, SERVING
from freeze.bundle import unexpected_files, unexpected_packages
from freeze.cache import MANIFEST, UNPACK_LOCK
from freeze.section import build_id, find_section
from freeze.splash import TITLE as SPLASH
from harness.process import ROOT, run_main
from harness.x11 import WindowsShown

from .helpers import DIST, EXECUTABLE, IGNORING_CTRL_C, close_and_wait, port_is_free

pytestmark = pytest.mark.window

FOLDER = DIST / "flasky-onedir"
BUILD_PYTHON = ROOT / "build" / "venv" / "bin" / "python"


@pytest.fixture
def env(home, window_env) -> dict[str, str]:
    """The user's environment on the virtual screen, with a temporary folder of its own (where
    PyInstaller unpacks the one file's own small program), which the tests watch."""
    (home / "tmp").mkdir(parents=True)
    return window_env | {"TMPDIR": str(home / "tmp")}


def unpacked_builds(home: Path) -> Path:
    return home / "cache" / "Flasky" / "builds"


@pytest.fixture
def build(frozen, home) -> Path:
    """Where the one file unpacks its build under ``home``."""
    return unpacked_builds(home) / build_id(find_section(EXECUTABLE)[2])


def files_of(folder: Path) -> dict[str, int]:
    """Each file and link of ``folder`` by its relative name, with its size."""
    return {
        path.relative_to(folder).as_posix(): path.lstat().st_size
        for path in folder.rglob("*")
        if path.is_symlink() or path.is_file()
    }


def settled(build: Path) -> None:
    """Wait until no launch is unpacking ``build`` or settling its files on disk: until the
    process that writes its manifest once they are has released the unpacking lock."""
    with (build.parent / UNPACK_LOCK).open("a") as unpacking:
        fcntl.flock(unpacking, fcntl.LOCK_SH)


def unpacked_files(build: Path) -> dict[str, int]:
    """The files of an unpacked build, once settled, but for the list of them written then."""
    settled(build)
    files = files_of(build)
    assert files.pop(MANIFEST)
    return files


def sandboxed(processes: list[psutil.Process]) -> list[psutil.Process]:
    """The processes that run under a seccomp filter, as Chromium's sandboxed renderers do."""
    filtered = []
    for process in processes:
        try:
            status = Path(f"/proc/{process.pid}/status").read_text()
        except FileNotFoundError:  # a helper that has ended since it was listed
            continue
        if "Seccomp:\t2" in status:
            filtered.append(process)
    return filtered


def test_frozen_version_prints_the_version(frozen, env):
    result = run_main("--version", env=env, command=frozen)
    assert result.returncode == 0
    assert result.stdout.strip() == f"Flasky Desktop, version {__version__}"


def test_frozen_self_test_serves_the_page_and_its_assets(frozen, env):
    result = run_main("--self-test", env=env, command=frozen)
    assert result.returncode == 0, result.stderr
    assert re.match(r"Self-test passed: the home page and its \d+ assets", result.stdout)


def test_frozen_concept_pages_show_their_view_source(frozen, start_app, env):
    app = start_app("--serve", env=env, command=frozen)
    page = app.client().get("/user/Dave").text
    app.send(signal.SIGTERM)
    assert app.wait() == 0
    assert "Hello, Dave!" in page
    assert "def user(name" in page


def test_frozen_window_shows_the_app_and_closing_it_ends_everything(
    frozen, open_window, screen, home, env
):
    app = open_window(env, command=frozen)
    port = app.port
    helpers = app.descendants()
    assert any("QtWebEngineProcess" in process.name() for process in helpers)
    # As root the web engine's sandbox cannot work, and the app turns it off.
    assert bool(sandboxed(helpers)) == (os.geteuid() != 0)
    # The window's icon is a file of the bundle, found through desktop.paths.resource_path().
    icon = screen.find_window("Flasky").get_full_property(
        screen.display.intern_atom("_NET_WM_ICON"), X.AnyPropertyType
    )
    assert icon is not None and len(icon.value) > 0

    assert close_and_wait(screen, app) == 0
    assert "Window closed; exiting." in app.log()
    assert port_is_free(port)
    assert psutil.wait_procs(helpers, timeout=5)[1] == []
    assert list((home / "tmp").iterdir()) == []  # the one file's own program is gone too


def test_frozen_greeting_survives_a_kill_right_after_it(frozen, open_window, screen, env):
    first = open_window(env, command=frozen)
    screen.type_into(screen.find_window("Flasky"), "Alice")
    first.wait_for_event(PAGE_LOADED, title="Hello, Alice! · Flasky")
    first.kill()
    second = open_window(env, title="Hello, Alice! · Flasky", command=frozen)
    assert second.events(PAGE_LOADED)[0]["shows"]["lists"] == [["Alice"]]
    assert close_and_wait(screen, second) == 0


def test_first_launch_unpacks_the_folder_build_once_and_later_launches_run_it_in_place(
    frozen, build, env
):
    assert run_main("--version", env=env, command=frozen).returncode == 0
    assert unpacked_files(build) == files_of(FOLDER)
    first = (build / "flasky").stat()

    assert run_main("--version", env=env, command=frozen).returncode == 0
    again = (build / "flasky").stat()
    assert (again.st_ino, again.st_mtime_ns) == (first.st_ino, first.st_mtime_ns)


# A later launch runs the build from freeze/front.py alone: onefile.py, which would take the
# unpacking lock to look for older builds to remove, and so make its file again, is never
# imported.
def test_a_later_launch_runs_its_build_from_the_front_alone(frozen, build, env):
    assert run_main("--version", env=env, command=frozen).returncode == 0
    settled(build)
    (build.parent / UNPACK_LOCK).unlink()
    result = run_main("--version", env=env, command=frozen)
    assert result.returncode == 0, result.stderr
    assert sorted(path.name for path in build.parent.iterdir()) == [
        build.name,
        f"{build.name}.lock",
    ]


def test_a_first_launch_shows_a_splash_until_the_app_takes_over_and_later_ones_none(
    frozen, open_window, screen, env
):
    launches = []
    for _ in range(2):
        with WindowsShown(screen.name) as shown:
            app = open_window(env, command=frozen)
        launches.append(shown.names())
        on_screen = [window.get_wm_name() for window in screen.root.query_tree().children]
        assert SPLASH not in on_screen  # gone once the app took the process over
        assert close_and_wait(screen, app) == 0
    first, later = launches
    assert first[0] == SPLASH
    assert first.index("Flasky") > 0
    assert later.index("Flasky") >= 0
    assert SPLASH not in later and None not in later


def test_a_first_launch_without_a_display_says_so_on_stderr_and_later_ones_say_nothing(frozen, env):
    env = {name: value for name, value in env.items() if name != "DISPLAY"}
    first, later = (run_main("--version", env=env, command=frozen) for _ in range(2))
    assert (first.returncode, first.stderr) == (0, f"{SPLASH}…\n")
    assert (later.returncode, later.stderr) == (0, "")


@pytest.fixture
def silent_display() -> Iterator[str]:
    """An X display that takes connections and never answers them."""
    for number in range(90, 200):
        if Path(f"/tmp/.X11-unix/X{number}").exists():
            continue
        with socket.socket(socket.AF_UNIX) as listener:
            try:  # the abstract address that python-xlib and Qt try for it
                listener.bind(f"\0/tmp/.X11-unix/X{number}")
            except OSError:
                continue
            listener.listen()
            yield f":{number}"
            return
    pytest.fail("no free X display number")


def test_an_x_server_that_never_answers_holds_a_first_launch_up_a_second_at_most(
    frozen, build, env, silent_display
):
    # The splash's own thread waits for it; the unpacking, and the app without a window, not.
    result = run_main("--version", env=env | {"DISPLAY": silent_display}, command=frozen)
    assert (result.returncode, result.stdout) == (0, f"Flasky Desktop, version {__version__}\n")
    assert result.stderr == f"{SPLASH}…\n"  # no window in time: its words instead
    assert unpacked_files(build) == files_of(FOLDER)


# "Not settled": the process that puts a first launch's files on disk and then writes the
# manifest did not finish (killed, or the machine lost power).
@pytest.mark.parametrize("damage", ["deleted", "cut short", "not settled"])
def test_a_damaged_unpacked_build_is_unpacked_again(frozen, build, env, damage):
    assert run_main("--version", env=env, command=frozen).returncode == 0
    settled(build)
    resources = build / "_internal" / "PyQt6" / "Qt6" / "resources"
    first = (build / "flasky").stat()
    if damage == "deleted":
        (resources / "icudtl.dat").unlink()
    elif damage == "not settled":
        (build / MANIFEST).unlink()
    else:
        with (resources / "v8_context_snapshot.bin").open("r+b") as file:
            file.truncate(100)

    result = run_main("--self-test", env=env, command=frozen)
    assert result.returncode == 0, result.stderr
    assert unpacked_files(build) == files_of(FOLDER)
    assert (build / "flasky").stat().st_ino != first.st_ino  # unpacked anew


def test_older_builds_are_removed_once_no_running_flasky_holds_them(frozen, build, home, env):
    builds = unpacked_builds(home)
    for old in ["0ld", "running"]:
        (builds / old / "_internal").mkdir(parents=True)
        (builds / old / "flasky").write_text("an older build")
        (builds / f"{old}.lock").touch()
    (builds / ".unpacking-interrupted").mkdir()
    with (builds / "running.lock").open() as held:
        fcntl.flock(held, fcntl.LOCK_SH)
        result = run_main("--version", env=env, command=frozen)
    assert result.returncode == 0, result.stderr
    settled(build)  # a launch removes older builds only when no other launch is unpacking
    ours = [UNPACK_LOCK, build.name, f"{build.name}.lock"]
    assert sorted(path.name for path in builds.iterdir()) == sorted(
        [*ours, "running", "running.lock"]
    )

    result = run_main("--version", env=env, command=frozen)  # "running" has exited since
    assert result.returncode == 0, result.stderr
    assert sorted(path.name for path in builds.iterdir()) == sorted(ours)


def test_a_first_launch_settles_its_build_on_disk_in_a_process_that_is_not_the_apps(
    frozen, open_window, screen, build, env
):
    app = open_window(env, command=frozen)
    settled(build)
    assert unpacked_files(build) == files_of(FOLDER)
    # Had the settling process been the app's child, it would be left a zombie once done.
    children = psutil.Process(app.pid).children(recursive=True)
    assert [child for child in children if child.status() == psutil.STATUS_ZOMBIE] == []
    assert close_and_wait(screen, app) == 0


@pytest.mark.parametrize("launch", ["first", "later"])
def test_the_running_app_holds_its_build_until_it_exits(
    frozen, open_window, screen, build, env, launch
):
    if launch == "later":
        assert run_main("--version", env=env, command=frozen).returncode == 0
        settled(build)
    app = open_window(env, command=frozen)
    with build.with_name(f"{build.name}.lock").open() as file:
        with pytest.raises(BlockingIOError):
            fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        assert close_and_wait(screen, app) == 0
        fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)


def wait_for_file(path: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} did not appear"
        time.sleep(0.05)


@contextmanager
def another_launch_unpacking(build: Path) -> Iterator[None]:
    """In the block, the unpacking lock held, as a first launch unpacking ``build`` holds it."""
    build.parent.mkdir(parents=True)
    with (build.parent / UNPACK_LOCK).open("w") as unpacking:
        fcntl.flock(unpacking, fcntl.LOCK_EX)
        yield


def test_two_first_launches_at_once_wait_for_one_another_and_both_run(frozen, build, env):
    with another_launch_unpacking(build):
        launches = [
            subprocess.Popen([*frozen, "--version"], env=env, stdout=subprocess.PIPE, text=True)
            for _ in range(2)
        ]
        wait_for_file(build.with_name(f"{build.name}.lock"))
        time.sleep(1)
        assert [process.poll() for process in launches] == [None, None]
    outputs = [process.communicate(timeout=60)[0] for process in launches]
    assert [process.returncode for process in launches] == [0, 0]
    assert outputs == [f"Flasky Desktop, version {__version__}\n"] * 2
    assert unpacked_files(build) == files_of(FOLDER)
    assert not list(build.parent.glob(".unpacking-*"))


def test_a_first_launch_killed_while_unpacking_leaves_no_build_and_the_next_unpacks(
    frozen, build, env
):
    launch = subprocess.Popen([*frozen, "--version"], env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while not list(build.parent.glob("*/_internal/*")):  # files being written
        assert time.monotonic() < deadline, "the first launch did not start unpacking"
        time.sleep(0.01)
    os.killpg(launch.pid, signal.SIGKILL)  # the one file's bootloader and its program
    launch.wait()
    assert not build.exists()

    assert run_main("--version", env=env, command=frozen).returncode == 0
    assert unpacked_files(build) == files_of(FOLDER)
    assert not list(build.parent.glob(".unpacking-*"))


def test_ctrl_c_while_a_first_launch_waits_to_unpack_exits_quietly(frozen, build, env):
    with another_launch_unpacking(build):
        launch = subprocess.Popen(
            [*frozen, "--version"], env=env, stderr=subprocess.PIPE, text=True
        )
        wait_for_file(build.with_name(f"{build.name}.lock"))
        time.sleep(0.5)
        launch.send_signal(signal.SIGINT)
        assert launch.wait(timeout=30) == 130
    assert launch.stderr.read() == ""
    assert not build.exists()


def test_a_first_launch_started_ignoring_ctrl_c_unpacks_through_it(frozen, build, env):
    with another_launch_unpacking(build):
        launch = subprocess.Popen(
            [*IGNORING_CTRL_C, *frozen, "--version"], env=env, stdout=subprocess.PIPE, text=True
        )
        wait_for_file(build.with_name(f"{build.name}.lock"))
        time.sleep(0.5)
        launch.send_signal(signal.SIGINT)
        time.sleep(0.5)
    assert launch.wait(timeout=60) == 0
    assert launch.stdout.read() == f"Flasky Desktop, version {__version__}\n"
    assert build.is_dir()


@pytest.mark.parametrize("ignoring", [False, True], ids=["from-a-terminal", "ignoring-ctrl-c"])
def test_the_one_files_app_stops_on_ctrl_c_unless_started_ignoring_it(
    frozen, start_app, env, ignoring
):
    # PyInstaller's bootloader, the process started, passes each signal on to the app.
    command = [*IGNORING_CTRL_C, *frozen] if ignoring else frozen
    app = start_app("--serve", env=env, command=command)
    app.wait_for_event(SERVING)
    app.send(signal.SIGINT)
    if ignoring:
        app.send(signal.SIGTERM)
    assert app.wait() == 0
    stopped_by = signal.SIGTERM if ignoring else signal.SIGINT
    assert f"Received signal {stopped_by:d}; stopping." in app.log()
    assert (f"Received signal {signal.SIGINT:d}" in app.log()) is not ignoring


def test_the_app_gets_the_users_library_path_not_the_one_files(frozen, start_app, env):
    env = env | {"LD_LIBRARY_PATH": "/opt/users/own/lib"}
    app = start_app("--serve", env=env, command=frozen)
    app.wait_for_event(SERVING)
    (server,) = [process for process in app.descendants() if process.name() == "flasky"]
    environment = server.environ()
    app.send(signal.SIGTERM)
    assert app.wait() == 0
    paths = environment["LD_LIBRARY_PATH"].split(os.pathsep)
    assert paths[-1] == "/opt/users/own/lib"
    assert not [path for path in paths if "_MEI" in path]
    assert environment.get("LD_LIBRARY_PATH_ORIG", "/opt/users/own/lib") == "/opt/users/own/lib"


def test_a_damaged_executable_says_so_in_one_line(frozen, tmp_path, build, env):
    damaged = tmp_path / "flasky"
    shutil.copy(EXECUTABLE, damaged)
    with damaged.open("r+b") as file:  # a byte in the middle of the compressed build
        file.seek(damaged.stat().st_size // 2)
        byte = file.read(1)
        file.seek(-1, os.SEEK_CUR)
        file.write(bytes([byte[0] ^ 0xFF]))
    result = run_main("--version", env=env, command=[str(damaged)])
    assert result.returncode == 1
    assert result.stderr.startswith(f"Error: {damaged} is damaged (")
    assert result.stderr.endswith("download or build Flasky again.\n")
    assert "Traceback" not in result.stderr
    assert not build.exists()


def test_a_cache_folder_that_cannot_be_written_says_so_in_one_line(frozen, home, env):
    (home / "cache").write_text("a file where the cache folder should be")
    result = run_main("--version", env=env, command=frozen)
    assert result.returncode == 1
    assert result.stderr.startswith(
        f"Error: Flasky could not unpack itself into {unpacked_builds(home)}: "
    )
    assert "XDG_CACHE_HOME" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_cache_on_a_noexec_file_system_says_so_in_one_line(frozen, build, home, env):
    cache = home / "cache"
    cache.mkdir()
    mount = ["mount", "-t", "tmpfs", "-o", "noexec,size=1g", "tmpfs", cache]
    if subprocess.run(mount, capture_output=True).returncode != 0:
        pytest.skip("mounting a file system needs root (CAP_SYS_ADMIN)")
    try:
        result = run_main("--version", env=env, command=frozen)
        left = sorted(path.name for path in build.parent.iterdir())
    finally:
        subprocess.run(["umount", cache], check=True)
    assert result.returncode == 1
    assert result.stderr == (
        f"Error: Flasky cannot run from {unpacked_builds(home)}: its file system is mounted "
        "noexec. Point XDG_CACHE_HOME to another folder.\n"
    )
    assert left == [f"{build.name}.lock"]  # nothing unpacked in vain


def test_frozen_app_writes_nothing_next_to_itself(frozen, open_window, screen, env):
    before = sorted(DIST.rglob("*"))
    app = open_window(env, command=frozen)
    app.send(signal.SIGTERM)
    assert app.wait() == 0
    assert sorted(DIST.rglob("*")) == before


# How many of the folder build's Python modules its archive holds, and how many of them are
# smaller there than the module (compressed); argv[1]: the folder build's executable.
COMPRESSED_MODULES = """
import sys
from PyInstaller.archive.readers import CArchiveReader
modules = CArchiveReader(sys.argv[1]).open_embedded_archive("PYZ.pyz")
sizes = [
    (length, len(modules.extract(name, raw=True)))
    for name, (_, _, length) in modules.toc.items()
    if length  # not a namespace package, which has no code
]
print(len(sizes), sum(held < size for held, size in sizes))
"""


def test_the_folder_builds_modules_are_stored_as_they_are(frozen):
    # The app reads every module it imports from this archive: stored, it need not inflate them.
    counted = subprocess.run(
        [BUILD_PYTHON, "-c", COMPRESSED_MODULES, FOLDER / "flasky"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    modules, compressed = map(int, counted)
    assert modules > 100 and compressed == 0


def test_bundle_holds_only_what_its_allow_list_allows(frozen):
    result = subprocess.run(
        [BUILD_PYTHON, "-m", "freeze.bundle", FOLDER, EXECUTABLE],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert ", 0 unexpected" in result.stdout


def test_allow_list_rejects_what_the_app_does_not_use():
    unused = [
        "libgtk-3.so.0",
        "libcups.so.2",
        "PyQt6/Qt6/plugins/platformthemes/libqgtk3.so",
        "PyQt6/QtQuick.abi3.so",
        "PyQt6/Qt6/lib/libQt6Multimedia.so.6",
        "PyQt6/Qt6/qml/QtQuick/Controls/qmldir",
        "PyQt6/Qt6/translations/qt_de.qm",
        "PyQt6/Qt6/translations/qtwebengine_locales/de.pak",
        "PyQt6/Qt6/resources/qtwebengine_devtools_resources.pak",
        "flask_bootstrap/static/bootstrap4/css/bootstrap.min.css",
        "flask_bootstrap/static/bootstrap5/css/bootswatch/lumen/bootstrap.min.css",
    ]
    assert unexpected_files([*unused, "PyQt6/Qt6/lib/libQt6WebEngineCore.so.6"]) == unused
    modules = ["flask.app", "PySide6.QtCore", "tkinter.ttk", "json.decoder", "setuptools"]
    assert unexpected_packages(modules) == ["PySide6", "setuptools", "tkinter"]


def test_install_puts_a_valid_desktop_entry_and_icons_under_home_and_uninstall_removes_them(
    frozen, tmp_path
):
    env = {key: value for key, value in os.environ.items() if not key.startswith("XDG_")}
    env["HOME"] = str(tmp_path)

    def make(target: str) -> None:
        result = subprocess.run(
            ["make", "--no-print-directory", target], cwd=ROOT, env=env, capture_output=True
        )
        assert result.returncode == 0, result.stderr

    make("install")
    installed = tmp_path / ".local"
    executable = installed / "bin" / "flasky"
    entry = installed / "share" / "applications" / "flasky.desktop"
    icons = installed / "share" / "icons" / "hicolor"
    validation = subprocess.run(["desktop-file-validate", entry], capture_output=True, text=True)
    assert validation.returncode == 0, validation.stdout
    assert f"Exec={executable}\n" in entry.read_text()
    assert (icons / "scalable" / "apps" / "flasky.svg").is_file()
    for size in [16, 24, 32, 48, 64, 128, 256]:
        png = icons / f"{size}x{size}" / "apps" / "flasky.png"
        assert png.read_bytes().startswith(b"\x89PNG")
    version = subprocess.run([executable, "--version"], env=env, capture_output=True, text=True)
    assert version.stdout.strip() == f"Flasky Desktop, version {__version__}"
    assert (tmp_path / ".cache" / "Flasky" / "builds").is_dir()

    make("uninstall")
    assert [path for path in installed.rglob("*") if not path.is_dir()] == []
    # The build the one file unpacked into the cache goes too.
    assert [path.name for path in (tmp_path / ".cache" / "Flasky").iterdir()] == []
