"""The one-file executable: a small program that carries the folder build of Flasky, unpacks it
once into the user's cache and runs it from there.

build.spec freezes ``freeze/front.py`` (with this module) as a small one-file program, and
``freeze/pack.py`` adds the folder build to it, in an ELF section of its own
(``freeze/section.py``). A later launch runs the unpacked build from ``freeze/front.py`` alone;
this module does what that cannot.

``main`` looks for the build under ``~/.cache/Flasky/builds/<build id>/``, checks it against its
manifest (the list of its files), unpacks it if it is missing or damaged (the first launch of
each build), and runs it with the same arguments. A first launch runs the build
as soon as its files are written; another process puts them on disk and then writes the
manifest (``settle``). A running build holds a shared lock on ``<build id>.lock``; launches
remove the older builds that no running Flasky holds.
"""

# What only unpacking (bisect, concurrent.futures, itertools, zstandard, the splash) or removing
# (shutil) needs is imported where it is used, and desktop.paths (platformdirs, dataclasses,
# inspect) only where freeze.cache cannot find the builds folder alone: a first launch starts
# unpacking sooner.
import os
import sys
from collections.abc import Callable
from contextlib import ExitStack, suppress
from functools import partial
from pathlib import Path, PurePosixPath

from freeze.cache import (
    EXECUTABLE,
    LEFTOVER,
    MANIFEST,
    UNPACK_LOCK,
    builds_folder,
    is_complete,
    lock,
    manifest,
    run,
    to_remove,
)
from freeze.contents import Contents, Frame, Member, read_index
from freeze.section import DamagedExecutable, build_id, find_section


class NoExecCache(Exception):
    """The cache is on a file system that does not run programs."""


class NotSettled(Exception):
    """An unpacked build's files could not be put on disk."""


# What a thread decompresses at a time, into a buffer of its own. Each frame in one piece
# (16 MiB) was slower beside the splash's thread: the hand-over came at 1.24 s against 0.74 s.
CHUNK = 1 << 20


def unpack(
    executable: Path, contents: Contents, target: Path, progress: Callable[[float], None]
) -> None:
    """Write the build's files into the new folder ``target``, telling ``progress`` the share
    done so far. They are written, not yet on disk: ``settle`` puts them there.

    The folders, links and files are made first, the files empty. Then each frame is
    decompressed by a thread of its own, a chunk at a time, and each chunk written at once into
    the files it holds (the index says where in the tar each file lies): every core decompresses
    and writes, and nothing waits for the frames before it.
    """
    from concurrent.futures import ThreadPoolExecutor, as_completed

    target.mkdir(exist_ok=True)
    files = make_members(contents.members, target)
    source = os.open(executable, os.O_RDONLY | os.O_CLOEXEC)
    workers = ThreadPoolExecutor(os.cpu_count() or 1)
    try:
        writing = [
            workers.submit(write_frame, source, frame, files, target) for frame in contents.frames
        ]
        for done, written in enumerate(as_completed(writing), 1):
            written.result()
            progress(done / len(writing))
    finally:
        workers.shutdown(cancel_futures=True)
        os.close(source)


def settle(build: Path, members: list[Member]) -> None:
    """Wait until every file of the unpacked ``build`` is on disk, then write its manifest.

    On disk before the manifest, and the manifest before a launch trusts the build: after a
    power cut the build is either whole or found incomplete, never files of the right size
    full of zeros.
    """
    from concurrent.futures import ThreadPoolExecutor

    files = [member for member in members if member.kind == "file"]
    folders = [build / member.name for member in members if member.kind == "folder"]
    entries = {
        member.name: member.target if member.kind == "link" else member.size
        for member in members
        if member.kind != "folder"
    }
    try:
        for member in files:
            os.utime(build / member.name, (member.mtime, member.mtime))
        with ThreadPoolExecutor(os.cpu_count() or 1) as workers:
            list(workers.map(flush, [build / member.name for member in files]))
        for path in [*folders, build]:
            flush(path)
        (build / MANIFEST).write_bytes(manifest(entries))
        for path in [build / MANIFEST, build, build.parent]:
            flush(path)
    except OSError as error:
        raise NotSettled(
            f"Flasky could not put its unpacked build on disk ({error}); "
            "the next launch unpacks it again."
        ) from error


def in_background(work: Callable[[], None], keep: int) -> None:
    """Run ``work`` in a process of its own, which holds the file descriptor ``keep`` (a lock),
    standard error (where it tells why ``work`` failed, if it does) and no other file, and
    outlives this one.

    The process is this one's grandchild, outside the terminal's process group: never a
    child that the program taking this process's place would leave a zombie, nor stopped by
    the Ctrl-C meant for it. It runs at idle priority (``SCHED_IDLE``), where the system allows:
    it takes only the CPU time that nothing else wants, such as the app starting meanwhile. Where
    no process can be made, ``work`` runs here.
    """
    try:
        child = os.fork()
    except OSError:
        done_telling_why(work)
        return
    if child:
        os.waitpid(child, 0)
        return
    done = False
    try:
        os.setsid()
        try:
            if os.fork():
                os._exit(0)
        except OSError:
            pass  # this child does the work, and its parent waits for it
        null = os.open(os.devnull, os.O_RDWR)
        for standard in (0, 1):  # standard output may carry the app's events
            os.dup2(null, standard)
        os.closerange(3, keep)
        os.closerange(keep + 1, os.sysconf("SC_OPEN_MAX"))
        # Its threads' too; a system that refuses it still gets its build settled.
        with suppress(OSError):
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
        # Forked beside the splash's thread: nothing here touches what that thread holds.
        done = done_telling_why(work)
    finally:
        os._exit(0 if done else 1)


def done_telling_why(work: Callable[[], None]) -> bool:
    """Do ``work``; whether it was done, or else say why on standard error."""
    try:
        work()
    except Exception as error:
        os.write(2, f"Error: {error}\n".encode())  # the file itself: a forked process's own
        return False
    return True


def make_members(members: list[Member], target: Path) -> list[Member]:
    """Make the folders and links of ``members`` under ``target``, and its files empty; return
    the files, in the order of the tar.

    Names and link targets must be relative and never go up (``..``): then every path, through
    links or not, stays inside ``target``. A member that breaks that rule is refused (the
    folder builds that PyInstaller makes on Linux link down only).
    """
    files = []
    for member in members:
        name = PurePosixPath(member.name)
        if not goes_down(name):
            raise DamagedExecutable(f"it names a file outside its folder: {member.name}")
        path = target / name
        if member.kind == "folder":
            path.mkdir()
            path.chmod(member.mode & 0o755)
        elif member.kind == "link":
            if not goes_down(PurePosixPath(member.target)):
                raise DamagedExecutable(f"it links outside its folder: {member.name}")
            path.symlink_to(member.target)
        else:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
            try:
                os.fchmod(descriptor, member.mode & 0o755)
            finally:
                os.close(descriptor)
            files.append(member)
    return files


def goes_down(path: PurePosixPath) -> bool:
    """Whether ``path`` is relative, names something, and never goes up."""
    return bool(path.parts) and not path.is_absolute() and ".." not in path.parts


def write_frame(source: int, frame: Frame, files: list[Member], target: Path) -> None:
    """Decompress ``frame`` from the file ``source`` and write its piece of the tar into
    ``files`` (each file's start in the tar, in order) under ``target``.

    Zstandard checks the piece against the checksum its frame carries as it decompresses it:
    that finds a damaged frame at no cost, where checking each frame's SHA-256 in the index
    (which vouches for the build's id) would take longer than decompressing it, without
    OpenSSL in the one file.
    """
    import bisect
    import itertools

    import zstandard

    starts = [member.start for member in files]
    buffer = bytearray(CHUNK)
    position, end = frame.start, frame.start + frame.length
    try:
        reader = zstandard.ZstdDecompressor().stream_reader(
            os.pread(source, frame.size, frame.offset)
        )
        while count := reader.readinto(buffer):
            if position + count > end:
                break
            chunk = memoryview(buffer)[:count]
            first = max(bisect.bisect_right(starts, position) - 1, 0)
            for member in itertools.islice(files, first, None):
                if member.start >= position + count:
                    break
                low = max(member.start, position)
                high = min(member.start + member.size, position + count)
                if low < high:
                    write_at(
                        target / member.name,
                        chunk[low - position : high - position],
                        low - member.start,
                    )
            position += count
    except zstandard.ZstdError as error:
        raise DamagedExecutable("its contents do not match their checksum") from error
    if position != end:
        raise DamagedExecutable("its contents are not the size its index says")


def write_at(path: Path, data: memoryview, offset: int) -> None:
    """Write ``data`` into the file ``path`` at ``offset``."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CLOEXEC)
    try:
        while data:
            written = os.pwrite(descriptor, data, offset)
            data, offset = data[written:], offset + written
    finally:
        os.close(descriptor)


def flush(path: Path) -> None:
    """Wait until the file or folder ``path`` is written to disk."""
    # Read-only: the app runs by now, and a running program cannot be opened for writing.
    descriptor = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def remove_unused_builds(builds: Path, keep: str) -> None:
    """Remove builds other than ``keep`` that no running Flasky holds, and leftovers.

    Call it holding the unpacking lock. A launch of a build being removed waits for its lock,
    finds the lock file gone and the build incomplete, and unpacks its own build again. What
    cannot be removed now stays until a later launch.
    """
    for entry in builds.iterdir():
        if not to_remove(entry.name, keep):
            continue
        if entry.name.startswith(LEFTOVER):
            remove(entry)
            continue
        with suppress(OSError):  # BlockingIOError: a running Flasky holds it
            descriptor = lock(entry, wait=False)
            try:
                # The build before its lock file: a launch that opens the file in between
                # waits for this lock, then finds the file gone, and no build under a new one.
                leftover = builds / f"{LEFTOVER}{entry.stem}"
                with suppress(FileNotFoundError):  # a lock file left without its build
                    (builds / entry.stem).rename(leftover)
                entry.unlink()
            finally:
                os.close(descriptor)
            remove(leftover)


def remove(folder: Path) -> None:
    """Remove ``folder`` and what it holds, as much as can be removed now."""
    import shutil

    shutil.rmtree(folder, ignore_errors=True)


def new_leftover(builds: Path) -> Path:
    """A new, empty folder in ``builds``, which a later launch removes (``LEFTOVER``)."""
    folder = builds / f"{LEFTOVER}{os.urandom(8).hex()}"
    folder.mkdir(mode=0o700)
    return folder


def tidy(builds: Path, keep: str) -> None:
    """Remove unused builds, unless another launch is unpacking; never fails a launch."""
    with suppress(OSError):
        unpacking_lock = lock(builds / UNPACK_LOCK, wait=False)
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

    progress = feedback.enter_context(splash.shown())
    unpacking_lock = lock(builds / UNPACK_LOCK)  # one unpacking at a time
    try:
        remove_unused_builds(builds, keep=name)  # first, for the space they take
        if not is_complete(build):
            builds.chmod(0o700)
            with executable.open("rb") as file:
                contents = read_index(file, offset, size, digest)
            unpacking = new_leftover(builds)
            try:
                unpack(executable, contents, unpacking, progress.progress)
                # A damaged copy, or one whose settling failed, that a running Flasky may still
                # use: moved aside first, the new one is in its place at once (the files that
                # Flasky opens later are the same), and it is removed by a later launch.
                if build.exists():
                    build.rename(new_leftover(builds) / name)
                unpacking.rename(build)
            except BaseException:
                remove(unpacking)
                raise
            # The build runs from here on, its files read from memory while they go to disk:
            # another process settles them, holding the unpacking lock until the manifest is
            # written (a launch meanwhile waits for it, as for an unpacking).
            in_background(partial(settle, build, contents.members), keep=unpacking_lock)
    finally:
        os.close(unpacking_lock)
    return build


def fail(message: str) -> int:
    print(f"Error: {message}", file=sys.stderr)
    return 1


def main() -> int:
    """Run the one file's build, unpacked first if need be (``freeze/front.py`` has taken
    standard input, output and error); an exit status if it cannot."""
    executable = Path(sys.executable)
    folder = builds_folder()
    if folder is None:  # $HOME is not an absolute path: platformdirs asks the system
        from desktop.paths import user_paths

        builds = user_paths().unpacked_builds
    else:
        builds = Path(folder)
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
