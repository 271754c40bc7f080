"""The one file's packing and unpacking, without building: a small folder build packed into
frames by the real packer and unpacked by the real unpacker (`test_frozen.py` runs the built
one file)."""

import hashlib
import io
import json
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
import zstandard

from desktop.paths import user_paths
from freeze import cache, onefile
from freeze.cache import MANIFEST, UNPACK_LOCK
from freeze.contents import COUNTS, FRAME, Contents, Member, index, read_index
from freeze.onefile import in_background, settle, unpack
from freeze.pack import compress_frames, members_of, write_tar
from freeze.section import HEADER, MAGIC, SECTION, DamagedExecutable, build_id

EPOCH = 1_700_000_000
FRAME_SIZE = 64 << 10  # small frames, so that files start and end inside and across them


def folder_build(parent: Path) -> Path:
    """A folder build with files smaller and larger than a frame, empty ones, and a link."""
    folder = parent / "flasky-onedir"
    (folder / "_internal" / "empty").mkdir(parents=True)
    sizes = {"flasky": 3000, "_internal/libbig.so": 5 * FRAME_SIZE + 123, "_internal/none": 0}
    for number, (name, size) in enumerate(sizes.items()):
        noise = random.Random(number).randbytes(size // 2)  # what compresses badly, then well
        (folder / name).write_bytes(noise + bytes([number]) * (size - size // 2))
    for number in range(40):  # many small files, some of them inside one frame
        (folder / "_internal" / f"module{number:02}.py").write_text(f"x = {number}\n" * number)
    (folder / "flasky").chmod(0o755)
    (folder / "libbig.so").symlink_to("_internal/libbig.so")
    return folder


def packed(folder: Path, section: Path) -> tuple[int, bytes]:
    """Write ``folder`` to ``section`` as the one file's section holds it, less its header;
    return the section's size and the index's SHA-256 (the header's)."""
    tar, frames = io.BytesIO(), io.BytesIO()
    write_tar(folder, tar, EPOCH)
    tar.seek(0)
    members = members_of(tar)
    tar.seek(0)
    contents = index(compress_frames(tar, frames, level=3, frame_size=FRAME_SIZE), members)
    section.write_bytes(contents + frames.getvalue())
    return section.stat().st_size, hashlib.sha256(contents).digest()


def files_of(folder: Path) -> dict[str, tuple[int, bytes | str]]:
    """Each file, link and folder under ``folder`` by its relative name: its mode and contents."""
    return {
        path.relative_to(folder).as_posix(): (
            path.lstat().st_mode,
            str(path.readlink()) if path.is_symlink() else path.read_bytes(),
        )
        for path in folder.rglob("*")
        if not path.is_dir() or path.is_symlink()
    } | {
        path.relative_to(folder).as_posix(): (path.stat().st_mode, "folder")
        for path in folder.rglob("*")
        if path.is_dir() and not path.is_symlink()
    }


@pytest.fixture
def section(tmp_path) -> tuple[Path, int, bytes]:
    section = tmp_path / "section"
    return section, *packed(folder_build(tmp_path / "built"), section)


def contents_of(section: tuple[Path, int, bytes]) -> Contents:
    """What the index of a section made by ``packed`` says."""
    path, size, digest = section
    with path.open("rb") as file:
        return read_index(file, 0, size, digest)


def listed(build: Path) -> dict[str, str]:
    """What the manifest of the unpacked ``build`` lists: each file's size, or each link's
    target after ``->``, by name."""
    count, *fields, end = (build / MANIFEST).read_bytes().decode().split("\0")
    assert (int(count), end) == (len(fields) // 2, "")
    return dict(zip(fields[::2], fields[1::2], strict=True))


def test_frames_decompressed_one_after_the_other_are_the_tar(tmp_path):
    folder = folder_build(tmp_path)
    tar = io.BytesIO()
    write_tar(folder, tar, EPOCH)
    tar.seek(0)
    frames = io.BytesIO()
    sizes = [size for size, _, _ in compress_frames(tar, frames, level=3, frame_size=FRAME_SIZE)]
    assert len(sizes) == -(-len(tar.getvalue()) // FRAME_SIZE) > 5
    assert sum(sizes) == len(frames.getvalue())
    frames.seek(0)
    with zstandard.ZstdDecompressor().stream_reader(frames, read_across_frames=True) as stream:
        assert stream.read() == tar.getvalue()


def test_packing_into_frames_gives_the_same_bytes_each_time(tmp_path, section):
    path, _, digest = section
    again = tmp_path / "again"
    _, digest_again = packed(folder_build(tmp_path / "built-again"), again)
    assert (again.read_bytes(), digest_again) == (path.read_bytes(), digest)


# Each frame is decompressed a chunk at a time: chunks smaller than a frame start and end inside
# files as well.
@pytest.mark.parametrize("chunk", [onefile.CHUNK, 4096])
def test_unpacking_the_frames_gives_the_folder_build_and_a_manifest_of_it(
    tmp_path, section, monkeypatch, chunk
):
    monkeypatch.setattr(onefile, "CHUNK", chunk)
    path, _, _ = section
    contents = contents_of(section)
    shown = []
    unpack(path, contents, tmp_path / "unpacked", shown.append)
    assert not (tmp_path / "unpacked" / MANIFEST).exists()  # until settled
    settle(tmp_path / "unpacked", contents.members)
    unpacked = files_of(tmp_path / "unpacked")
    assert unpacked.pop(MANIFEST)
    assert unpacked == files_of(tmp_path / "built" / "flasky-onedir")
    assert listed(tmp_path / "unpacked") == {
        name: f"->{contents}" if isinstance(contents, str) else str(len(contents))
        for name, (_, contents) in unpacked.items()
        if contents != "folder"
    }
    assert cache.is_complete(tmp_path / "unpacked")
    frames = len(contents.frames)
    assert shown == [number / frames for number in range(1, frames + 1)]


def test_a_build_is_settled_on_disk_while_its_program_runs(tmp_path, section):
    path, _, _ = section
    contents = contents_of(section)
    build = tmp_path / "unpacked"
    unpack(path, contents, build, print)
    shutil.copyfile(shutil.which("sleep"), build / "flasky")  # a program that runs a while
    with subprocess.Popen([build / "flasky", "60"]) as program:
        try:
            settle(build, contents.members)
        finally:
            program.kill()
    assert listed(build)["flasky"] == "3000"  # the build's, not the program's size


def settled_build(tmp_path: Path, section: tuple[Path, int, bytes]) -> Path:
    path, _, _ = section
    contents = contents_of(section)
    build = tmp_path / "unpacked"
    unpack(path, contents, build, print)
    settle(build, contents.members)
    return build


def test_a_manifest_cut_short_anywhere_reads_as_incomplete(tmp_path, section):
    build = settled_build(tmp_path, section)
    manifest = (build / MANIFEST).read_bytes()
    assert cache.is_complete(build)
    for end in range(len(manifest)):
        (build / MANIFEST).write_bytes(manifest[:end])
        assert not cache.is_complete(build), manifest[:end]


@pytest.mark.parametrize("damage", ["a file deleted", "a file cut short", "a link changed"])
def test_a_build_whose_files_differ_from_its_manifest_reads_as_incomplete(
    tmp_path, section, damage
):
    build = settled_build(tmp_path, section)
    if damage == "a file deleted":
        (build / "_internal" / "module07.py").unlink()
    elif damage == "a file cut short":
        os.truncate(build / "_internal" / "libbig.so", 100)
    else:
        (build / "libbig.so").unlink()
        (build / "libbig.so").symlink_to("_internal/module01.py")
    assert not cache.is_complete(build)


@pytest.mark.parametrize(
    "environment",
    [
        {"HOME": "/home/ada"},
        {"HOME": "/home/ada/", "XDG_CACHE_HOME": ""},
        {"HOME": "/home/ada", "XDG_CACHE_HOME": "/var/cache/ada"},
        {"HOME": "/", "XDG_CACHE_HOME": "relative/cache"},
        {"HOME": "/home/ada", "XDG_CACHE_HOME": " /var/cache/ada"},
        {"HOME": "home/ada", "XDG_CACHE_HOME": "/var/cache/ada"},
    ],
)
def test_the_front_looks_for_builds_where_the_app_keeps_them(monkeypatch, environment):
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert Path(cache.builds_folder()) == user_paths().unpacked_builds


def test_the_front_leaves_a_home_that_is_not_an_absolute_path_to_platformdirs(monkeypatch):
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", "home/ada")
    assert cache.builds_folder() is None


# A later launch: the front finds its build whole, and runs it (here the test's stand-in for
# the exec, which ends the process) having imported nothing that the app's start would wait for.
LATER_LAUNCH = """
import sys
before = set(sys.modules)
from freeze import front

def run(build, arguments):
    print(build, *sorted(set(sys.modules) - before))
    sys.exit(0)

front.run = run
front.run_if_unpacked(sys.argv[1], sys.argv[2])
print("not run")
"""


@pytest.fixture
def one_file(tmp_path) -> tuple[Path, Path]:
    """A stand-in for the one file (a program with a section whose header names a build) and
    the cache folder of builds holding that build, unpacked and settled."""
    header = tmp_path / "header"
    header.write_bytes(HEADER.pack(MAGIC, bytes(range(32))) + b"the index")
    executable = tmp_path / "flasky"
    subprocess.run(
        ["objcopy", "--add-section", f"{SECTION}={header}", shutil.which("true"), executable],
        check=True,
    )
    builds = tmp_path / "cache" / "builds"
    build = builds / build_id(bytes(range(32)))
    build.mkdir(parents=True)
    (build / "flasky").write_text("an app")
    (build / MANIFEST).write_bytes(cache.manifest({"flasky": 6}))
    (builds / f"{build.name}.lock").touch()
    (builds / UNPACK_LOCK).touch()
    return executable, builds


def later_launch(executable: Path, builds: Path) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", LATER_LAUNCH, executable, builds],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parents[1],
    )
    return result.stdout.split()


def test_a_later_launch_runs_its_build_importing_only_fcntl_and_struct(one_file):
    executable, builds = one_file
    ran, *imported = later_launch(executable, builds)
    assert ran == str(builds / build_id(bytes(range(32))))
    assert set(imported) <= {
        "freeze",
        "freeze.cache",
        "freeze.front",
        "freeze.section",
        "fcntl",
        "struct",
        "_struct",
    }


@pytest.mark.parametrize("left", ["an older build", "an unpacking cut short", "no manifest"])
def test_a_later_launch_leaves_what_it_cannot_do_alone_to_onefile_py(one_file, left):
    executable, builds = one_file
    build = builds / build_id(bytes(range(32)))
    if left == "an older build":
        (builds / "0ld.lock").touch()
    elif left == "an unpacking cut short":
        (builds / ".unpacking-x1y2").mkdir()
    else:
        (build / MANIFEST).unlink()
    assert later_launch(executable, builds) == ["not", "run"]


def test_a_later_launch_runs_its_build_beside_what_no_launch_removes(one_file):
    executable, builds = one_file
    (builds / "notes.txt").write_text("the user's own")
    (builds / "0ld").mkdir()  # a folder without its lock file
    ran, *_ = later_launch(executable, builds)
    assert ran == str(builds / build_id(bytes(range(32))))


# A launch that opened an older build's lock file between the two would lock a new file and find
# the build still there, and run it, while it is being removed.
def test_an_older_build_is_moved_away_before_its_lock_file_is_removed(tmp_path, monkeypatch):
    builds = tmp_path / "builds"
    (builds / "0ld").mkdir(parents=True)
    (builds / "0ld.lock").touch()
    (builds / "lock-without-build.lock").touch()
    unlink, seen = Path.unlink, []

    def unlink_seen(path, missing_ok=False):
        seen.append((path.name, (path.parent / path.stem).exists()))
        unlink(path, missing_ok)

    monkeypatch.setattr(Path, "unlink", unlink_seen)
    onefile.remove_unused_builds(builds, keep="n3w")
    assert sorted(seen) == [("0ld.lock", False), ("lock-without-build.lock", False)]
    assert list(builds.iterdir()) == []


# The index: the number of frames and the table's length (4 bytes each), then each frame's size
# (8), its piece's size (8) and SHA-256 (32), then the table of members.
@pytest.mark.parametrize(
    "where", ["a frame's size", "a piece's size", "a frame's SHA-256", "the table", "a frame"]
)
def test_a_damaged_section_is_refused_before_or_while_unpacking(tmp_path, section, where):
    path, size, digest = section
    damaged = bytearray(path.read_bytes())
    table = 8 + 48 * len(contents_of(section).frames)
    at = {
        "a frame's size": 8,
        "a piece's size": 16,
        "a frame's SHA-256": 24 + 5,
        "the table": table,
    }
    damaged[at.get(where, size // 2)] ^= 0xFF
    path.write_bytes(damaged)
    with pytest.raises(DamagedExecutable), path.open("rb") as file:
        unpack(path, read_index(file, 0, size, digest), tmp_path / "unpacked", print)


def test_a_section_that_its_frames_do_not_fill_exactly_is_refused(section):
    path, size, digest = section
    for wrong_size in [size - 1, size + 1]:
        with pytest.raises(DamagedExecutable), path.open("rb") as file:
            read_index(file, 0, wrong_size, digest)


def longer_first_piece(frames: list, members: list[Member]) -> tuple[list, list[Member]]:
    (size, length, digest), *rest = frames
    return [(size, length + 1, digest), *rest], members


def shorter_first_piece(frames: list, members: list[Member]) -> tuple[list, list[Member]]:
    (size, length, digest), *rest = frames
    return [(size, length - 1, digest), *rest], members


def tar_length(frames: list) -> int:
    return sum(length for _, length, _ in frames)


def a_file_outside(frames: list, members: list[Member]) -> tuple[list, list[Member]]:
    return frames, [*members, Member("../outside", "file", 0o644, EPOCH, tar_length(frames))]


def a_link_outside(frames: list, members: list[Member]) -> tuple[list, list[Member]]:
    link = Member("_internal/outside", "link", 0o777, EPOCH, target="../../outside")
    return frames, [*members, link]


def a_file_through_links_outside(frames: list, members: list[Member]) -> tuple[list, list[Member]]:
    """Each link alone points inside the build; through the first, the second points above."""
    chain = [
        Member("here", "link", 0o777, EPOCH, target="."),
        Member("here/up", "link", 0o777, EPOCH, target=".."),
        Member("up/outside", "file", 0o644, EPOCH, tar_length(frames)),
    ]
    return frames, [*members, *chain]


def files_out_of_order(frames: list, members: list[Member]) -> tuple[list, list[Member]]:
    files = [member for member in members if member.kind == "file"]
    first, second = members.index(files[0]), members.index(files[1])
    members = list(members)
    members[first], members[second] = members[second], members[first]
    return frames, members


def a_file_past_the_end(frames: list, members: list[Member]) -> tuple[list, list[Member]]:
    return frames, [*members, Member("past", "file", 0o644, EPOCH, tar_length(frames), 1)]


def a_name_that_is_a_number(frames: list, members: list[Member]) -> tuple[list, list[Member]]:
    return frames, [*members, Member(7, "folder", 0o755, EPOCH)]


def a_name_no_file_can_have(frames: list, members: list[Member]) -> tuple[list, list[Member]]:
    return frames, [*members, Member("\ud800", "folder", 0o755, EPOCH)]


def a_date_past_any_clock(frames: list, members: list[Member]) -> tuple[list, list[Member]]:
    return frames, [*members, Member("late", "folder", 0o755, 10**20)]


def a_name_twice(frames: list, members: list[Member]) -> tuple[list, list[Member]]:
    return frames, [*members, members[-1]]


# An index that its checksum vouches for, but that does not fit the frames, or that names a
# place outside the build: what a packing bug, or a forged executable, would give. Refused in
# reading it or in unpacking, with DamagedExecutable (which the one file tells in one line).
@pytest.mark.parametrize(
    "forge",
    [
        longer_first_piece,
        shorter_first_piece,
        a_file_outside,
        a_link_outside,
        a_file_through_links_outside,
        files_out_of_order,
        a_file_past_the_end,
        a_name_that_is_a_number,
        a_name_no_file_can_have,
        a_date_past_any_clock,
        a_name_twice,
    ],
)
def test_an_index_that_does_not_fit_its_build_is_refused(tmp_path, section, forge):
    path, _, _ = section
    contents = contents_of(section)
    frames = [(frame.size, frame.length, frame.digest) for frame in contents.frames]
    forged_index = index(*forge(frames, contents.members))
    forged = tmp_path / "builds" / "forged"
    forged.parent.mkdir()
    forged.write_bytes(forged_index + path.read_bytes()[contents.frames[0].offset :])
    with pytest.raises(DamagedExecutable), forged.open("rb") as file:
        forged_digest = hashlib.sha256(forged_index).digest()
        forged_contents = read_index(file, 0, forged.stat().st_size, forged_digest)
        unpack(forged, forged_contents, tmp_path / "builds" / "unpacked", print)
    assert {path.name for path in (tmp_path / "builds").iterdir()} <= {"forged", "unpacked"}
    assert sorted(path.name for path in tmp_path.iterdir()) == ["builds", "built", "section"]


def test_a_table_nested_too_deep_to_read_is_refused(section):
    path, _, _ = section
    frames = contents_of(section).frames
    table = b"[" * 100_000 + b"]" * 100_000
    forged_index = (
        COUNTS.pack(len(frames), len(table))
        + b"".join(FRAME.pack(frame.size, frame.length, frame.digest) for frame in frames)
        + table
    )
    forged = io.BytesIO(forged_index + path.read_bytes()[frames[0].offset :])
    forged_size = len(forged.getvalue())
    with pytest.raises(DamagedExecutable):
        read_index(forged, 0, forged_size, hashlib.sha256(forged_index).digest())


def test_background_work_runs_at_idle_priority_in_a_process_of_its_own_holding_its_lock(tmp_path):
    go, report = tmp_path / "go", tmp_path / "report.json"

    def work():
        deadline = time.monotonic() + 10
        while not go.exists() and time.monotonic() < deadline:  # once in_background returned
            time.sleep(0.01)
        facts = {
            "parent": os.getppid(),
            "session": os.getsid(0),
            "descriptors": [path.name for path in Path("/proc/self/fd").iterdir()],
            "policy": os.sched_getscheduler(0),
        }
        report.with_suffix(".tmp").write_text(json.dumps(facts))
        report.with_suffix(".tmp").rename(report)

    policy = os.sched_getscheduler(0)
    with (tmp_path / "lock").open("w") as lock:
        kept = lock.fileno()
        in_background(work, keep=kept)
        go.touch()
        deadline = time.monotonic() + 30
        while not report.exists():
            assert time.monotonic() < deadline, "the work did not run"
            time.sleep(0.01)
    facts = json.loads(report.read_text())
    assert facts["parent"] != os.getpid()  # a grandchild: never a zombie of this process
    assert facts["session"] != os.getsid(0)
    # Standard input, output and error (on /dev/null), the lock, and the listing's own.
    assert len(facts["descriptors"]) == 5
    assert str(kept) in facts["descriptors"]
    # On a core that nothing else wants: never in the way of the app starting meanwhile.
    assert facts["policy"] == os.SCHED_IDLE
    assert os.sched_getscheduler(0) == policy


def test_background_work_runs_where_the_system_refuses_idle_priority(tmp_path, monkeypatch):
    done = tmp_path / "done"

    def refuse(*arguments):
        raise PermissionError("not allowed here")

    monkeypatch.setattr(os, "sched_setscheduler", refuse)  # in the forked process too
    with (tmp_path / "lock").open("w") as lock:
        in_background(done.touch, keep=lock.fileno())
    deadline = time.monotonic() + 30
    while not done.exists():
        assert time.monotonic() < deadline, "the work did not run"
        time.sleep(0.01)


def test_work_that_fails_in_the_background_says_why_on_standard_error(tmp_path, capfd):
    ended = tmp_path / "pid"

    def work():
        ended.write_text(str(os.getpid()))
        raise OSError("the disk is full")

    with (tmp_path / "lock").open("w") as lock:
        in_background(work, keep=lock.fileno())
    deadline = time.monotonic() + 30
    while not ended.exists() or psutil.pid_exists(int(ended.read_text())):
        assert time.monotonic() < deadline, "the work did not end"
        time.sleep(0.01)
    assert capfd.readouterr().err == "Error: the disk is full\n"
