"""Where every launch of the one-file executable starts.

A later launch finds its build unpacked and whole in the user's cache, and runs it at once in
place of this process. Until then the launch is this module alone, after PyInstaller's
bootloader, so it imports only ``fcntl`` and ``struct`` besides what Python has loaded already:
json, pathlib and platformdirs (with ``re``, ``tempfile`` and ``dataclasses`` behind them) made
each launch about 0.03 s slower. Everything else, the first launch of a build (which unpacks it), a
damaged build, older builds to remove and every error message, is ``freeze/onefile.py``'s.
"""

import fcntl
import os
import sys

from freeze.section import DamagedExecutable, build_id, find_section

APP_NAME = "Flasky"  # desktop.paths.APP_NAME; that module imports platformdirs
EXECUTABLE = "flasky"
# Written last into an unpacked build, once its files are on disk: each file's size and each
# link's target, by name (``manifest``).
MANIFEST = ".manifest"
UNPACK_LOCK = ".unpack.lock"  # held by the launch that unpacks or tidies the builds


def main() -> int:
    # Descriptors 0 to 2 taken (by /dev/null where they were closed), so that no file opened
    # here, the build's lock that the app inherits, or the unpacking lock that onefile.py gives
    # its settling process, gets one of their numbers.
    for standard in range(3):
        try:
            os.fstat(standard)
        except OSError:
            # The lowest free number: this one; and the app's as well, once it takes over.
            os.set_inheritable(os.open(os.devnull, os.O_RDWR), True)
    builds = builds_folder()
    if builds is not None:
        run_if_unpacked(sys.executable, builds)
    from freeze import onefile

    return onefile.main()


def builds_folder() -> str | None:
    """Where the one file keeps its unpacked builds: desktop.paths' ``unpacked_builds``, the
    user's cache folder as platformdirs finds it on Linux, found without importing it.

    None where platformdirs would ask the system (``$HOME`` not an absolute path). Had the two
    ever differed, a launch would not find its build here and would only take the longer way:
    ``onefile.main`` asks platformdirs.
    """
    cache = os.environ.get("XDG_CACHE_HOME", "")
    if not cache.startswith("/"):
        if not os.environ.get("HOME", "").startswith("/"):
            return None
        cache = os.path.expanduser("~/.cache")
    return os.path.join(cache, APP_NAME, "builds")


def run_if_unpacked(executable: str, builds: str) -> None:
    """Run the build of ``executable`` in place of this process, if ``builds`` holds it whole
    and nothing else to remove; otherwise return."""
    try:
        name = build_id(find_section(executable)[2])
        if not set(os.listdir(builds)) <= {name, f"{name}.lock", UNPACK_LOCK}:
            return  # older builds, or a first launch's leftovers: onefile.py removes them
        descriptor = lock(os.path.join(builds, f"{name}.lock"), shared=True)
    except (OSError, DamagedExecutable):
        return  # onefile.py unpacks, or says why it cannot
    build = os.path.join(builds, name)
    try:
        if is_complete(build):
            os.set_inheritable(descriptor, True)  # held by the app until it exits
            run(build, sys.argv[1:])
    except OSError:
        pass  # onefile.py tries again, and says why it cannot
    os.close(descriptor)


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


def run(build: str | os.PathLike, arguments: list[str]) -> None:
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


if __name__ == "__main__":
    sys.exit(main())
