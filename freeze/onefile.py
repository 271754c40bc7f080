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

# What only unpacking (concurrent.futures, tarfile, tempfile, zstandard, the splash)
# needs is imported where it is used: a launch that finds its build unpacked is the common case,
# and imports none of it.
import fcntl
import io
import json
import os
import shutil
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, closing, suppress
from pathlib import Path
from typing import NoReturn

from desktop.paths import user_paths
from freeze.section import DamagedExecutable, Frame, build_id, find_section, read_index

MANIFEST = ".manifest.json"  # written last into an unpacked build: its files and their sizes
LEFTOVER = ".unpacking-"  # a build being unpacked or removed; one cut short is removed later
EXECUTABLE = "flasky"


class NoExecCache(Exception):
    """The cache is on a file system that does not run programs."""


def decompressed(executable: Path, frames: list[Frame]) -> Iterator[bytes]:
    """The pieces of the tar, in order: each frame decompressed by a thread of its own (which
    lets the other threads run), a few frames ahead of the piece being written.

    Zstandard checks each piece against the checksum its frame carries as it decompresses it:
    that finds a damaged frame at no cost, where checking each frame's SHA-256 in the index
    (which vouches for the build's id) would take longer than decompressing it, without
    OpenSSL in the one file.
    """
    from concurrent.futures import ThreadPoolExecutor

    import zstandard

    def decompress(frame: Frame) -> bytes:
        try:
            return zstandard.ZstdDecompressor().decompress(
                os.pread(descriptor, frame.size, frame.offset)
            )
        except zstandard.ZstdError as error:
            raise DamagedExecutable("its contents do not match their checksum") from error

    threads = os.cpu_count() or 1
    descriptor = os.open(executable, os.O_RDONLY | os.O_CLOEXEC)
    workers = ThreadPoolExecutor(threads)
    try:
        pending = deque()
        for frame in frames:
            pending.append(workers.submit(decompress, frame))
            if len(pending) > 2 * threads:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        workers.shutdown(cancel_futures=True)
        os.close(descriptor)


class TarStream(io.RawIOBase):
    """The tar as one file that tarfile reads, made of the pieces as they come; what lies
    before the place being read is let go."""

    def __init__(self, pieces: Iterator[bytes], progress: Callable[[int], None]) -> None:
        self.pieces = pieces
        self.progress = progress  # called with the number of pieces come so far
        self.kept: deque[tuple[int, bytes]] = deque()  # each piece's start, and the piece
        self.end = 0  # where the pieces that came so far end
        self.count = 0
        self.position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        self.position = offset if whence == os.SEEK_SET else self.position + offset
        return self.position

    def views(self, offset: int, size: int) -> Iterator[memoryview]:
        """The ``size`` bytes at ``offset``, as views of the pieces they lie in."""
        # tarfile reads the last byte before a header to check it is there: keep it.
        while self.kept and self.kept[0][0] + len(self.kept[0][1]) < offset:
            self.kept.popleft()
        while size > 0:
            while self.end <= offset:
                piece = next(self.pieces, None)
                if piece is None:
                    return
                self.kept.append((self.end, piece))
                self.end += len(piece)
                self.count += 1
                self.progress(self.count)
            start, piece = next(
                (start, piece) for start, piece in self.kept if start + len(piece) > offset
            )
            view = memoryview(piece)[offset - start : offset - start + size]
            yield view
            offset += len(view)
            size -= len(view)

    def readinto(self, buffer) -> int:
        done = 0
        for view in self.views(self.position, len(buffer)):
            buffer[done : done + len(view)] = view
            done += len(view)
        self.position += done
        return done


def unpack(
    executable: Path, frames: list[Frame], target: Path, progress: Callable[[float], None]
) -> None:
    """Unpack the build's frames into the new folder ``target``, manifest last, telling
    ``progress`` the share done so far."""
    import tarfile
    from concurrent.futures import ThreadPoolExecutor

    manifest: dict[str, int | str] = {}
    pieces = decompressed(executable, frames)
    stream = TarStream(pieces, lambda count: progress(count / len(frames)))
    # The files go to disk while the next ones are written: a thread waits for each in turn.
    with (
        closing(pieces),
        ThreadPoolExecutor(1) as flusher,
        tarfile.open(fileobj=stream, mode="r:") as tar,
    ):
        flushed = []
        for member in tar:
            if member.isfile():
                member = tarfile.data_filter(member, str(target))
                descriptor = os.open(
                    target / member.name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600
                )
                try:
                    for view in stream.views(member.offset_data, member.size):
                        while view:
                            view = view[os.write(descriptor, view) :]
                    os.fchmod(descriptor, member.mode)
                    os.utime(descriptor, (member.mtime, member.mtime))
                except BaseException:
                    os.close(descriptor)
                    raise
                flushed.append(flusher.submit(flush_and_close, descriptor))
                manifest[member.name] = member.size
            else:
                tar.extract(member, target, filter="data")
                if member.issym():
                    manifest[member.name] = member.linkname
        for flushing in flushed:
            flushing.result()
    # On disk before the manifest, and the manifest before the rename: after a power cut the
    # build is either whole or found incomplete, never files of the right size full of zeros.
    (target / MANIFEST).write_text(json.dumps(manifest))
    flush_to_disk([target / MANIFEST, target])


def flush_and_close(descriptor: int) -> None:
    """Wait until the open file ``descriptor`` is written to disk, then close it."""
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def flush_to_disk(paths: Iterable[Path]) -> None:
    """Wait until the files or folders ``paths`` are written to disk."""
    for path in paths:
        flush_and_close(os.open(path, os.O_RDONLY))


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


def prepare(executable: Path, builds: Path, feedback: ExitStack) -> Path:
    """The unpacked build of ``executable``, unpacked now if need be, with a splash window
    entered into ``feedback``.

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
    if os.statvfs(builds).f_flag & os.ST_NOEXEC:
        raise NoExecCache
    from freeze import splash

    window = feedback.enter_context(splash.shown())
    unpacking_lock = lock(builds / ".unpack.lock")  # one unpacking at a time
    try:
        remove_unused_builds(builds, keep=name)  # first, for the space they take
        if not is_complete(build):
            builds.chmod(0o700)
            with executable.open("rb") as file:
                frames = read_index(file, offset, size, digest)
            import tempfile

            unpacking = Path(tempfile.mkdtemp(prefix=LEFTOVER, dir=builds))
            try:
                unpack(executable, frames, unpacking, window.progress)
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
    # A first launch's splash window shows until the build takes this process's place.
    with ExitStack() as feedback:
        try:
            build = prepare(executable, builds, feedback)
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
