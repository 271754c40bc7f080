"""The same commit builds into the same bytes: the parts of the build that make it so, checked
without building (`make verify-build` builds twice and compares)."""

import io
import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from freeze.build import UndatedBuild, pyinstaller_environment, source_date_epoch
from freeze.bundle import unexpected_files
from freeze.pack import write_tar
from freeze.verify import differences

EPOCH = 1_700_000_000  # 2023-11-14T22:13:20Z
FILES = {
    "flasky": b"\x7fELF the program",
    "_internal/libQt6Core.so.6": b"\x7fELF a library",
    "_internal/base_library.zip": b"PK\x03\x04 not read",
    "_internal/webapp/static/flasky.css": b"body { margin: 0 }",
    "_internal/webapp-notes.txt": b"a name that sorts between webapp and webapp/",
}


def folder_build(parent: Path, copied_at: float, umask: int, reverse: bool = False) -> Path:
    """A small folder build under ``parent``, its files copied at ``copied_at`` (seconds) with
    the modes a build machine with ``umask`` gives them, in reverse name order if asked."""
    folder = parent / "flasky-onedir"
    for name, content in sorted(FILES.items(), reverse=reverse):
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        path.chmod((0o777 if name == "flasky" else 0o666) & ~umask)
    (folder / "libQt6Core.so.6").symlink_to("_internal/libQt6Core.so.6")
    for path in [folder, *folder.rglob("*")]:
        if path.is_dir() and not path.is_symlink():
            path.chmod(0o777 & ~umask)
        os.utime(path, (copied_at + 5, copied_at), follow_symlinks=False)
    return folder


def packed(folder: Path) -> bytes:
    stream = io.BytesIO()
    write_tar(folder, stream, EPOCH)
    return stream.getvalue()


def test_packing_the_same_files_gives_the_same_tar_wherever_and_whenever_they_were_copied(
    tmp_path,
):
    first = folder_build(tmp_path / "a", copied_at=1_750_000_000.25, umask=0o022)
    second = folder_build(
        tmp_path / "a-longer-parent", copied_at=1_760_000_000.75, umask=0o002, reverse=True
    )
    assert packed(first) == packed(second)


def test_every_member_of_the_tar_is_dated_by_the_build_and_owned_by_no_one_in_name_order(
    tmp_path,
):
    folder = folder_build(tmp_path, copied_at=1_750_000_000.25, umask=0o022)
    with tarfile.open(fileobj=io.BytesIO(packed(folder))) as tar:
        members = tar.getmembers()
    names = [member.name for member in members]
    assert names == sorted(names, key=lambda name: name.split("/"))
    assert {(m.mtime, m.uid, m.gid, m.uname, m.gname) for m in members} == {(EPOCH, 0, 0, "", "")}
    assert {m.name: f"{m.mode:o}" for m in members if not m.issym()} == {
        "_internal": "755",
        "_internal/base_library.zip": "644",
        "_internal/libQt6Core.so.6": "644",
        "_internal/webapp": "755",
        "_internal/webapp-notes.txt": "644",
        "_internal/webapp/static": "755",
        "_internal/webapp/static/flasky.css": "644",
        "flasky": "755",
    }
    assert all(not member.pax_headers for member in members)  # no sub-second times


def git(repository: Path, *args: str, when: int | None = None) -> None:
    """Run git in ``repository``; what it commits is dated ``when`` if given."""
    environment = dict(os.environ)
    if when is not None:
        environment["GIT_AUTHOR_DATE"] = environment["GIT_COMMITTER_DATE"] = f"@{when} +0000"
    subprocess.run(
        ["git", "-c", "user.name=Flasky", "-c", "user.email=flasky@example.org", *args],
        cwd=repository,
        env=environment,
        check=True,
        capture_output=True,
    )


def commit(repository: Path, name: str, when: int) -> None:
    path = repository / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"changed at {when}\n")
    git(repository, "add", name)
    git(repository, "commit", "--quiet", "-m", f"{name} at {when}", when=when)


@pytest.fixture
def repository(tmp_path, monkeypatch) -> Path:
    """A git repository whose build's inputs were last changed at ``EPOCH``, then its README."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    repository = tmp_path / "repository"
    repository.mkdir()
    git(repository, "init", "--quiet")
    commit(repository, "main.py", EPOCH - 86400)
    commit(repository, "desktop/cli.py", EPOCH)
    commit(repository, "README.md", EPOCH + 3600)
    return repository


def test_the_build_is_dated_by_the_last_commit_of_its_inputs_not_of_the_readme(repository):
    assert source_date_epoch(repository) == EPOCH


def test_source_date_epoch_set_by_a_rebuilder_dates_the_build(repository, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1234567890")
    assert source_date_epoch(repository) == 1234567890


def test_a_shallow_clone_cannot_date_the_build(repository, tmp_path):
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "--quiet", "--depth=1", repository.as_uri(), str(shallow))
    with pytest.raises(UndatedBuild, match="shallow clone"):
        source_date_epoch(shallow)


def test_a_folder_outside_git_cannot_date_the_build(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    with pytest.raises(UndatedBuild, match="not a git checkout"):
        source_date_epoch(tmp_path)


def test_pyinstaller_runs_with_one_hash_seed_and_the_build_date():
    program = "import os; print(hash('base_library.zip'), os.environ['SOURCE_DATE_EPOCH'])"
    outputs = {
        subprocess.run(
            [sys.executable, "-c", program],
            env=pyinstaller_environment(EPOCH),
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for _ in range(2)
    }
    assert len(outputs) == 1
    assert outputs.pop().split()[1] == str(EPOCH)


def test_record_files_which_hold_the_build_path_are_not_allowed_in_the_build():
    record = "flask-3.1.3.dist-info/RECORD"
    metadata = ["flask-3.1.3.dist-info/METADATA", "click-8.5.1.dist-info/licenses/LICENSE.txt"]
    assert unexpected_files([record, *metadata]) == [record]


def zipped(path: Path, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in members.items():
            archive.writestr(zipfile.ZipInfo(name), content)


BASE_LIBRARY = {"encodings/__init__.pyc": b"encodings", "os.pyc": b"os", "re/__init__.pyc": b"re"}


@pytest.fixture
def builds(tmp_path) -> tuple[Path, Path]:
    """Two identical dist folders, each with a folder build that holds a base_library.zip."""
    folders = tmp_path / "a" / "dist", tmp_path / "second-build" / "dist"
    for dist in folders:
        internal = dist / "flasky-onedir" / "_internal"
        internal.mkdir(parents=True)
        zipped(internal / "base_library.zip", BASE_LIBRARY)
        (dist / "BUILDINFO").write_text(f"date: {EPOCH}\n")
    return folders


def test_identical_builds_have_no_differences(builds):
    assert differences(*builds) == []


def test_the_comparison_names_the_member_of_an_archive_that_differs(builds):
    _, second = builds
    zipped(
        second / "flasky-onedir" / "_internal" / "base_library.zip",
        BASE_LIBRARY | {"os.pyc": b"os, compiled elsewhere"},
    )
    assert differences(*builds) == [
        "flasky-onedir/_internal/base_library.zip: the contents differ",
        "flasky-onedir/_internal/base_library.zip » os.pyc: the contents differ",
    ]


def test_the_comparison_finds_the_same_members_in_another_order(builds):
    _, second = builds
    zipped(
        second / "flasky-onedir" / "_internal" / "base_library.zip",
        dict(reversed(BASE_LIBRARY.items())),
    )
    assert differences(*builds) == [
        "flasky-onedir/_internal/base_library.zip: the contents differ",
        "flasky-onedir/_internal/base_library.zip: the same members in another order",
    ]


def test_the_comparison_names_a_member_inside_an_archive_inside_an_archive(builds):
    for dist, content in zip(builds, [b"one", b"another"], strict=True):
        inner = dist / "inner.zip"
        zipped(inner, {"module.pyc": content})
        zipped(dist / "outer.zip", {"inner.zip": inner.read_bytes()})
        inner.unlink()
    assert differences(*builds) == [
        "outer.zip: the contents differ",
        "outer.zip » inner.zip: the contents differ",
        "outer.zip » inner.zip » module.pyc: the contents differ",
    ]


def test_the_comparison_names_files_in_one_build_only_and_modes_that_differ(builds):
    first, second = builds
    (first / "flasky-onedir" / "_internal" / "RECORD").write_text("../../../bin/flask\n")
    (first / "BUILDINFO").chmod(0o600)
    (second / "BUILDINFO").chmod(0o644)
    assert differences(*builds) == [
        "flasky-onedir/_internal/RECORD: only in the first build",
        "BUILDINFO: mode 600 in the first build, 644 in the second",
    ]


def test_a_date_that_differs_in_many_members_makes_one_line(builds):
    modules = {f"module{number}.pyc": b"code" for number in range(9)}
    for dist, year in zip(builds, [2024, 2025], strict=True):
        with zipfile.ZipFile(dist / "base_library.zip", "w") as archive:
            for name, content in modules.items():
                archive.writestr(zipfile.ZipInfo(name, (year, 1, 1, 0, 0, 0)), content)
    assert differences(*builds) == [
        "base_library.zip: the contents differ",
        "base_library.zip: the date differs in 9 members, such as base_library.zip » "
        "module0.pyc: date (2024, 1, 1, 0, 0, 0) in the first build, (2025, 1, 1, 0, 0, 0) in "
        "the second",
    ]
