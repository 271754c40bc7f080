"""The user's cache of unpacked builds, as every launch of the one file reads it: where it is,
its locks, each build's manifest, and running a build from it.

``freeze/front.py`` (a later launch) and ``freeze/onefile.py`` (a first launch, or one that
tidies the cache) share it. A later launch imports it before the app's own start, so it imports
only ``fcntl`` besides what Python has loaded already (``os.path``, not pathlib).
"""

import fcntl
import os
import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import NoReturn

APP_NAME = "Flasky"  # desktop.paths.APP_NAME; that module imports platformdirs
EXECUTABLE = "flasky"
# Written last into an unpacked build, once its files are on disk: each file's size and each
# link's target, by name (``manifest``).
MANIFEST = ".manifest"
UNPACK_LOCK = ".unpack.lock"  # held by the launch that unpacks or tidies the builds
LEFTOVER = ".unpacking-"  # a build being unpacked or removed; one cut short is removed later


def builds_folder() -> str | None:
    """Where the one file keeps its unpacked builds: desktop.paths' ``unpacked_builds``, the
    user's cache folder as platformdirs finds it on Linux, found without importing it (which
    would import pathlib, re and tempfile).

    None where platformdirs would ask the system (``$HOME`` not an absolute path): then
    ``onefile.main`` asks platformdirs.
    """
    cache = os.environ.get("XDG_CACHE_HOME", "")
    if not cache.startswith("/"):
        if not os.environ.get("HOME", "").startswith("/"):
            return None
        cache = os.path.expanduser("~/.cache")
    return os.path.join(cache, APP_NAME, "builds")


def to_remove(name: str, keep: str) -> bool:
    """Whether the entry ``name`` of the builds folder is what a launch of build ``keep``
    removes: an unpacking cut short, or another build's lock (with its build, once no running
    Flasky holds it)."""
    return name.startswith(LEFTOVER) or (
        name.endswith(".lock") and name not in (f"{keep}.lock", UNPACK_LOCK)
    )


def lock(path: str | os.PathLike, shared: bool = False, wait: bool = True) -> int:
    """Lock the file ``path`` (created if need be); the lock lasts until its descriptor closes.

    Without ``wait``, raises BlockingIOError if another process holds it.
    """
    while True:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(
                descriptor,
                (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | (0 if wait else fcntl.LOCK_NB),
            )
        except BlockingIOError:
            os.close(descriptor)
            raise
        # A remover may have deleted the file while we waited: then lock the new one.
        try:
            if os.path.samestat(os.fstat(descriptor), os.stat(path)):
                return descriptor
        except FileNotFoundError:
            pass
        os.close(descriptor)


def manifest(entries: dict[str, int | str]) -> bytes:
    """The manifest of a build made of ``entries``: each file's size, or each link's target,
    by name.

    Its fields each end with a NUL, which no name holds, and the first counts the entries: a
    manifest cut short reads as incomplete. It is not JSON, which each launch would import.
    """
    fields = [str(len(entries))]
    for name, expected in entries.items():
        fields += [name, f"->{expected}" if isinstance(expected, str) else str(expected)]
    return os.fsencode("".join(f"{field}\0" for field in fields))


def is_complete(build: str | os.PathLike) -> bool:
    """Whether ``build`` holds every file its manifest lists, each of the size it lists."""
    try:
        with open(os.path.join(build, MANIFEST), "rb") as file:
            count, *fields, end = os.fsdecode(file.read()).split("\0")
        if end or len(fields) != 2 * int(count):
            return False
        for name, expected in zip(fields[::2], fields[1::2], strict=True):
            path = os.path.join(build, name)
            if expected.startswith("->"):
                if os.readlink(path) != expected[2:]:
                    return False
            elif os.lstat(path).st_size != int(expected):
                return False
    except (OSError, ValueError):
        return False
    return True


def run(build: str | os.PathLike, arguments: list[str]) -> "NoReturn":
    """Run the unpacked build with ``arguments``, in place of this process."""
    # The user's environment, less what PyInstaller's bootloader set for this small program.
    environment = dict(os.environ)
    # The build is an app of its own, not a child of this one-file program (PyInstaller's words).
    environment["PYINSTALLER_RESET_ENVIRONMENT"] = "1"
    original_path = environment.pop("LD_LIBRARY_PATH_ORIG", None)
    environment.pop("LD_LIBRARY_PATH", None)
    if original_path is not None:
        environment["LD_LIBRARY_PATH"] = original_path
    os.execve(os.path.join(build, EXECUTABLE), [sys.argv[0], *arguments], environment)
