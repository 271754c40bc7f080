"""The one-file executable: a small program that carries the folder build of Flasky, unpacks it
once into the user's cache and runs it from there.

build.spec freezes this module alone as a small one-file program, and ``freeze/pack.py`` adds
the folder build to it, in an ELF section of its own (``freeze/section.py``).

At a launch, ``main`` looks for the build under ``~/.cache/Flasky/builds/<build id>/``, checks
it against the list of files written when it was unpacked, unpacks it if it is missing or
damaged (the first launch of each build), and runs it with the same arguments. A running build
holds a shared lock on ``<build id>.lock``; launches remove the older builds that no running
Flasky holds.
"""

# What only unpacking (hashlib, tarfile, tempfile, zstandard) needs is imported where it is
# used: a launch that finds its build unpacked is the common case, and imports none of it.
import fcntl
import json
import os
import shutil
import sys
from collections.abc import Iterable
from contextlib import suppress
from pathlib import Path
from typing import NoReturn

from desktop.paths import user_paths
from freeze.section import DamagedExecutable, build_id, find_section

MANIFEST = ".manifest.json"  # written last into an unpacked build: its files and their sizes
LEFTOVER = ".unpacking-"  # a build being unpacked or removed; one cut short is removed later
EXECUTABLE = "flasky"
READ_SIZE = 1 << 20


class NoExecCache(Exception):
    """The cache is on a file system that does not run programs."""


def verify(executable: Path, offset: int, size: int, digest: bytes) -> None:
    """Check the compressed tar's SHA-256 against the one recorded when it was packed."""
    import hashlib

    computed = hashlib.sha256()
    with executable.open("rb") as file:
        file.seek(offset)
        while chunk := file.read(min(READ_SIZE, size)):
            computed.update(chunk)
            size -= len(chunk)
    if size or computed.digest() != digest:
        raise DamagedExecutable("its contents do not match their checksum")


def unpack(executable: Path, offset: int, target: Path) -> None:
    """Unpack the verified tar at ``offset`` into the new folder ``target``, manifest last."""
    import tarfile

    import zstandard

    manifest: dict[str, int | str] = {}
    with executable.open("rb") as file:
        file.seek(offset)
        with (
            zstandard.ZstdDecompressor().stream_reader(file, read_size=READ_SIZE) as stream,
            tarfile.open(fileobj=stream, mode="r|") as tar,
        ):
            for member in tar:
                tar.extract(member, target, filter="data")
                if member.issym():
                    manifest[member.name] = member.linkname
                elif member.isfile():
                    manifest[member.name] = member.size
    # On disk before the manifest, and the manifest before the rename: after a power cut the
    # build is either whole or found incomplete, never files of the right size full of zeros.
    flush_to_disk(target / name for name, entry in manifest.items() if isinstance(entry, int))
    (target / MANIFEST).write_text(json.dumps(manifest))
    flush_to_disk([target / MANIFEST, target])


def flush_to_disk(paths: Iterable[Path]) -> None:
    """Wait until the files or folders ``paths`` are written to disk (about 0.2 s for a build)."""
    for path in paths:
        descriptor = os.open(path, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def is_complete(build: Path) -> bool:
    """Whether ``build`` holds every file its manifest lists, each of the size it lists."""
    try:
        manifest = json.loads((build / MANIFEST).read_text())
        for name, expected in manifest.items():
            path = build / name
            if isinstance(expected, str):
                if str(path.readlink()) != expected:
                    return False
            elif path.lstat().st_size != expected:
                return False
    except (OSError, ValueError, AttributeError):
        return False
    return True


def lock(path: Path, shared: bool = False, wait: bool = True) -> int:
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
        with suppress(FileNotFoundError):
            if os.path.samestat(os.fstat(descriptor), path.stat()):
                return descriptor
        os.close(descriptor)


def remove_unused_builds(builds: Path, keep: str) -> None:
    """Remove builds other than ``keep`` that no running Flasky holds, and leftovers.

    Call it holding the unpacking lock. A launch of a build being removed waits for its lock,
    finds the lock file gone and the build incomplete, and unpacks its own build again. What
    cannot be removed now stays until a later launch.
    """
    for entry in builds.iterdir():
        if entry.name.startswith(LEFTOVER):
            shutil.rmtree(entry, ignore_errors=True)
        elif entry.suffix == ".lock" and entry.stem not in (keep, ".unpack"):
            with suppress(OSError):  # BlockingIOError: a running Flasky holds it
                descriptor = lock(entry, wait=False)
                try:
                    entry.unlink()
                    leftover = builds / f"{LEFTOVER}{entry.stem}"
                    (builds / entry.stem).rename(leftover)
                finally:
                    os.close(descriptor)
                shutil.rmtree(leftover, ignore_errors=True)


def tidy(builds: Path, keep: str) -> None:
    """Remove unused builds, unless another launch is unpacking; never fails a launch."""
    with suppress(OSError):
        unpacking_lock = lock(builds / ".unpack.lock", wait=False)
        try:
            remove_unused_builds(builds, keep)
        finally:
            os.close(unpacking_lock)


def prepare(executable: Path, builds: Path) -> Path:
    """The unpacked build of ``executable``, unpacked now if need be.

    The build stays locked (shared) by this process, and by the app once it takes its place.
    """
    offset, size, digest = find_section(executable)
    name = build_id(digest)
    build = builds / name
    builds.mkdir(parents=True, exist_ok=True)
    os.set_inheritable(lock(builds / f"{name}.lock", shared=True), True)
    if is_complete(build):
        tidy(builds, keep=name)
        return build
    unpacking_lock = lock(builds / ".unpack.lock")  # one unpacking at a time
    try:
        remove_unused_builds(builds, keep=name)  # first, for the space they take
        if not is_complete(build):
            builds.chmod(0o700)
            if os.statvfs(builds).f_flag & os.ST_NOEXEC:
                raise NoExecCache
            verify(executable, offset, size, digest)
            import tempfile

            unpacking = Path(tempfile.mkdtemp(prefix=LEFTOVER, dir=builds))
            try:
                unpack(executable, offset, unpacking)
                shutil.rmtree(build, ignore_errors=True)  # a damaged copy
                unpacking.rename(build)
                flush_to_disk([builds])
            finally:
                shutil.rmtree(unpacking, ignore_errors=True)
    finally:
        os.close(unpacking_lock)
    return build


def run(build: Path, arguments: list[str]) -> NoReturn:
    """Run the unpacked build with ``arguments``, in place of this process."""
    # The user's environment, less what PyInstaller's bootloader set for this small program.
    environment = dict(os.environ)
    # The build is an app of its own, not a child of this one-file program (PyInstaller's words).
    environment["PYINSTALLER_RESET_ENVIRONMENT"] = "1"
    original_path = environment.pop("LD_LIBRARY_PATH_ORIG", None)
    environment.pop("LD_LIBRARY_PATH", None)
    if original_path is not None:
        environment["LD_LIBRARY_PATH"] = original_path
    os.execve(build / EXECUTABLE, [sys.argv[0], *arguments], environment)


def fail(message: str) -> int:
    print(f"Error: {message}", file=sys.stderr)
    return 1


def main() -> int:
    executable = Path(sys.executable)
    builds = user_paths().unpacked_builds
    try:
        build = prepare(executable, builds)
    except DamagedExecutable as error:
        return fail(f"{executable} is damaged ({error}); download or build Flasky again.")
    except NoExecCache:
        return fail(
            f"Flasky cannot run from {builds}: its file system is mounted noexec. "
            "Point XDG_CACHE_HOME to another folder."
        )
    except OSError as error:
        return fail(
            f"Flasky could not unpack itself into {builds}: {error.strerror or error}. "
            "Free some disk space, or point XDG_CACHE_HOME to a writable folder."
        )
    except KeyboardInterrupt:  # Ctrl-C while unpacking: what was unpacked is removed
        return 130
    try:
        run(build, sys.argv[1:])
    except OSError as error:
        return fail(f"Flasky could not run {build / EXECUTABLE}: {error.strerror or error}.")


if __name__ == "__main__":
    sys.exit(main())
