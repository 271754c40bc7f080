"""``make verify-build``: the same commit builds into the same bytes, wherever it is built.

Builds the commit twice, from clean clones in two folders whose paths differ in length, and
compares every file of the two ``dist/`` folders: the folder build, the one file, the Debian
package (``make deb``, which builds the rest first), BUILDINFO.
Where files differ it names them and, inside archives (zip files, PyInstaller's archive and the
PYZ in it, the one file's tar), the members that differ. Identical builds take the place of
``dist/``, with the result in ``dist/BUILDINFO``. Run with the build environment's Python, which
has PyInstaller and zstandard to read the archives.
"""

import hashlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from pathlib import Path
from typing import NamedTuple

from freeze.build import DIST, ROOT, git, sha256
from freeze.contents import read_index
from freeze.section import SECTION, DamagedExecutable, find_section

SHOWN = 100  # differences printed; the rest are counted
SPELLED_OUT = 5  # members whose date (or mode…) differs named one by one; more make one line


class Member(NamedTuple):
    """A file of a build or of an archive: what is recorded about it, and its contents."""

    about: dict[str, object]
    digest: str  # the SHA-256 of its contents
    content: Path | bytes  # a build's file, read again only if it differs


def folder_members(folder: Path) -> dict[str, Member]:
    """Every file, folder and link under ``folder``, by its name relative to ``folder``."""
    found = {}
    for path in sorted(folder.rglob("*")):
        about: dict[str, object] = {"mode": f"{path.lstat().st_mode & 0o7777:o}"}
        if path.is_symlink():
            entry = Member(about | {"kind": "link", "target": str(path.readlink())}, "", b"")
        elif path.is_dir():
            entry = Member(about | {"kind": "folder"}, "", b"")
        else:
            entry = Member(about | {"kind": "file"}, sha256(path), path)
        found[path.relative_to(folder).as_posix()] = entry
    return found


def differences(first: Path, second: Path) -> list[str]:
    """What differs between the builds in the folders ``first`` and ``second``, one line each:
    files only in one, their kinds, modes, links and contents, and in archives the members."""
    return compare("", folder_members(first), folder_members(second))


def compare(within: str, first: dict[str, Member], second: dict[str, Member]) -> list[str]:
    """What differs between two sets of members, each line starting with ``within``; a record
    (a date, a mode) that differs in many members makes one line."""
    archive = within.removesuffix(" » ") or "the builds"
    found, records = [], {}
    for name in sorted(first.keys() | second.keys()):
        a, b = first.get(name), second.get(name)
        where = f"{within}{name}"
        if a is None or b is None:
            found.append(f"{where}: only in the {'first' if b is None else 'second'} build")
            continue
        for key in sorted(a.about.keys() | b.about.keys()):
            values = a.about.get(key), b.about.get(key)
            if values[0] != values[1]:
                records.setdefault(key, []).append(
                    f"{where}: {key} {values[0]} in the first build, {values[1]} in the second"
                )
        if a.digest != b.digest:
            found.append(f"{where}: the contents differ")
            found += compare_archives(f"{where} » ", a.content, b.content)
    for key, lines in records.items():
        many = f"{archive}: the {key} differs in {len(lines)} members, such as {lines[0]}"
        found += lines if len(lines) <= SPELLED_OUT else [many]
    in_both = first.keys() & second.keys()
    if [name for name in first if name in in_both] != [name for name in second if name in in_both]:
        found.append(f"{archive}: the same members in another order")
    return found


def compare_archives(within: str, first: Path | bytes, second: Path | bytes) -> list[str]:
    """The members that differ between two archives, if both are archives this reads."""
    with tempfile.TemporaryDirectory() as scratch:
        paths = []
        for name, content in [("first", first), ("second", second)]:
            if isinstance(content, bytes):  # a member of an archive: the readers want a file
                Path(scratch, name).write_bytes(content)
                content = Path(scratch, name)
            paths.append(content)
        first_members, second_members = map(archive_members, paths)
        if first_members is None or second_members is None:
            return []
        return compare(within, first_members, second_members)


def archive_members(path: Path) -> dict[str, Member] | None:
    """The members of the archive ``path`` in their order, or None if it is no archive this
    reads: a zip file, or an executable with the one file's tar or PyInstaller's archive."""
    with path.open("rb") as file:
        magic = file.read(4)
    if magic == b"PK\x03\x04":
        return zip_members(path)
    if magic == b"\x7fELF":
        return one_file_members(path) | pyinstaller_members(path) or None
    return None


def member(content: bytes, **about: object) -> Member:
    return Member(about, hashlib.sha256(content).hexdigest(), content)


def zip_members(path: Path) -> dict[str, Member]:
    with zipfile.ZipFile(path) as archive:
        return {
            info.filename: member(
                archive.read(info), date=info.date_time, attributes=f"{info.external_attr:x}"
            )
            for info in archive.infolist()
        }


def one_file_members(path: Path) -> dict[str, Member]:
    """The members of the tar in the one file's section, each named under the section's name."""
    import zstandard

    found = {}
    with path.open("rb") as file:
        try:
            frames = read_index(file, *find_section(path)).frames
        except DamagedExecutable:
            return {}
        file.seek(frames[0].offset)
        with (
            zstandard.ZstdDecompressor().stream_reader(file, read_across_frames=True) as stream,
            tarfile.open(fileobj=stream, mode="r|") as tar,
        ):
            for entry in tar:
                found[f"{SECTION}/{entry.name}"] = member(
                    tar.extractfile(entry).read() if entry.isfile() else b"",
                    type=entry.type,
                    mode=f"{entry.mode:o}",
                    mtime=entry.mtime,
                    owner=f"{entry.uid}:{entry.gid} ({entry.uname}:{entry.gname})",
                    target=entry.linkname,
                )
    return found


def pyinstaller_members(path: Path) -> dict[str, Member]:
    """The members of PyInstaller's archive in an executable, and of the PYZ in it."""
    from PyInstaller.archive.readers import CArchiveReader
    from PyInstaller.loader.pyimod01_archive import ArchiveReadError

    try:
        archive = CArchiveReader(str(path))
    except ArchiveReadError:
        return {}
    found = {}
    for name, (*_, compressed, typecode) in archive.toc.items():
        found[name] = member(archive.extract(name), type=typecode, compressed=compressed)
        if typecode == "z":
            modules = archive.open_embedded_archive(name)
            for module, (module_type, *_) in modules.toc.items():
                content = modules.extract(module, raw=True) or b""  # None: a namespace package
                found[f"{name}/{module}"] = member(content, type=module_type)
    return found


def build(commit: str, folder: Path, log: Path) -> str | None:
    """Build ``commit`` with ``make deb`` (``make dist``, then the package) in a clean clone at
    ``folder``; what failed, if any."""
    commands = [
        ["git", "clone", "--quiet", "--no-checkout", str(ROOT), str(folder)],
        ["git", "-C", str(folder), "checkout", "--quiet", "--detach", commit],
        ["make", "--no-print-directory", "-C", str(folder), "deb"],
    ]
    with log.open("w") as output:
        for command in commands:
            result = subprocess.run(command, stdout=output, stderr=subprocess.STDOUT)
            if result.returncode != 0:
                return f"{' '.join(command)} failed (exit {result.returncode}); see {log}"
    return None


def duration(seconds: float) -> str:
    return f"{int(seconds // 60)} min {int(seconds % 60)} s"


def main() -> int:
    started = time.monotonic()
    commit = git("rev-parse", "HEAD")
    if git("status", "--porcelain", "--untracked-files=no"):
        print(f"Uncommitted changes are left out: this builds the commit {commit[:12]}.")
    scratch = Path(tempfile.mkdtemp(prefix="flasky-verify-"))
    # Paths of different lengths: a build path written into a file would show as a difference.
    folders = [scratch / "a", scratch / "second-build"]
    for number, folder in enumerate(folders, 1):
        print(f"Build {number} of 2: {commit[:12]} in {folder}", flush=True)
        problem = build(commit, folder, scratch / f"{folder.name}.log")
        if problem:
            print(f"make verify-build: build {number} failed: {problem}", file=sys.stderr)
            return 1
    first, second = (folder / "dist" for folder in folders)
    found = differences(first, second)
    took = duration(time.monotonic() - started)
    if found:
        print(*found[:SHOWN], sep="\n")
        if len(found) > SHOWN:
            print(f"… and {len(found) - SHOWN} more")
        print(
            f"make verify-build: two builds of {commit[:12]} differ ({len(found)} differences "
            f"above); both are kept in {scratch} ({took})"
        )
        return 1
    files = sum(entry.about["kind"] != "folder" for entry in folder_members(first).values())
    digest = sha256(first / "flasky")
    with (first / "BUILDINFO").open("a") as buildinfo:
        buildinfo.write(
            "reproduced: identical to a second build from a clean clone in another folder "
            "(make verify-build)\n"
        )
    shutil.rmtree(DIST, ignore_errors=True)
    shutil.move(first, DIST)
    shutil.rmtree(scratch)
    print(
        f"make verify-build: two builds of {commit[:12]} in folders of different lengths are "
        f"identical ({files} files); dist/flasky SHA-256 {digest} ({took})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
