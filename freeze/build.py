"""Build dist/flasky with PyInstaller (``make dist``), unless it is built from these very inputs.

After a build, the executable is checked against the allow-list of ``freeze/bundle.py``,
``dist/BUILDINFO`` records what went into it and ``dist/flasky.cdx.json`` is its SBOM
(``freeze/sbom.py``). Run with the build environment's Python.

The same commit builds into the same bytes (``make verify-build`` checks it): PyInstaller runs
with a fixed hash seed, and the build is dated by the last commit of its inputs
(``SOURCE_DATE_EPOCH``), not by the clock.
"""

import hashlib
import os
import subprocess
import sys
import sysconfig
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from . import bundle, sbom

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "dist"
EXECUTABLE = DIST / "flasky"
FOLDER = DIST / "flasky-onedir"
STAMP = DIST / "flasky.inputs-sha256"
BUILDINFO = DIST / "BUILDINFO"
SBOM = DIST / "flasky.cdx.json"
# What the executable is made of: a change to any of these rebuilds it.
INPUTS = [
    "main.py",
    "desktop",
    "webapp",
    "build.spec",
    "freeze/hooks",
    "freeze/icons",
    "freeze/build.py",
    "freeze/bundle.py",
    "freeze/cache.py",
    "freeze/contents.py",
    "freeze/front.py",
    "freeze/onefile.py",
    "freeze/pack.py",
    "freeze/section.py",
    "freeze/splash.py",
    "requirements-build.lock",
]


def inputs_digest() -> str:
    """A digest of every input file's name and content, and of the Python that builds them."""
    digest = hashlib.sha256(sys.version.encode())
    for name in INPUTS:
        top = ROOT / name
        files = [top] if top.is_file() else sorted(top.rglob("*"))
        for file in files:
            if file.is_file() and "__pycache__" not in file.parts:
                digest.update(file.relative_to(ROOT).as_posix().encode() + b"\0")
                digest.update(hashlib.sha256(file.read_bytes()).digest())
    return digest.hexdigest()


class UndatedBuild(Exception):
    """The build's date cannot be taken from git history."""


def git(*args: str, root: Path = ROOT) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, check=True
    ).stdout.strip()


def source_date_epoch(root: Path = ROOT) -> int:
    """The date of the build, in seconds since 1970: ``SOURCE_DATE_EPOCH`` if it is set, else
    the time of the last commit that changed the inputs.

    A commit that changes nothing the build is made of (the README, the tests) changes neither
    the inputs' digest nor the date, so the build's bytes stay those recorded for it.
    """
    if "SOURCE_DATE_EPOCH" in os.environ:
        return int(os.environ["SOURCE_DATE_EPOCH"])
    try:
        shallow = git("rev-parse", "--is-shallow-repository", root=root) == "true"
        epoch = git("log", "-1", "--format=%ct", "--", *INPUTS, root=root)
    except (OSError, subprocess.CalledProcessError) as error:
        raise UndatedBuild(f"{root} is not a git checkout") from error
    if shallow:  # its oldest commit seems to add every input, and would date the build
        raise UndatedBuild(f"{root} is a shallow clone (git fetch --unshallow gives the history)")
    if not epoch:
        raise UndatedBuild(f"no commit of {root} holds the build's inputs")
    return int(epoch)


def pyinstaller_environment(epoch: int) -> dict[str, str]:
    """The environment PyInstaller runs in: this one, with a fixed hash seed, since it writes
    ``base_library.zip`` in an order that follows Python's string hashing (pyinstaller#2952);
    the build's date, which PyInstaller and build.spec read; and its archives' modules stored
    as they are, not zlib-compressed: the app reads each module it imports from the archive,
    and inflating them cost its launch about 0.04 s (the folder build is 7 MiB larger)."""
    return os.environ | {
        "PYTHONHASHSEED": "0",
        "SOURCE_DATE_EPOCH": str(epoch),
        "PYINSTALLER_ZLIB_COMPRESSION_LEVEL": "0",
    }


def git_commit() -> str:
    try:
        commit = git("rev-parse", "HEAD")
        changed = git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return f"{commit} (with uncommitted changes)" if changed else commit


def sha256(path: Path) -> str:
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def build_info(epoch: int) -> str:
    from PyQt6.QtCore import qVersion

    lines = {
        "commit": git_commit(),
        "date": f"{datetime.fromtimestamp(epoch, UTC):%Y-%m-%dT%H:%M:%SZ} "
        f"(SOURCE_DATE_EPOCH={epoch})",
        "platform": sysconfig.get_platform(),
        "python": sys.version.split()[0],
        "flask": version("flask"),
        "pywebview": version("pywebview"),
        "qt": f"{qVersion()} (PyQt6 {version('PyQt6')}, "
        f"Qt WebEngine {version('PyQt6-WebEngine-Qt6')})",
        "pyinstaller": version("pyinstaller"),
        "size": f"{EXECUTABLE.stat().st_size / 2**20:.1f} MiB",
        "sha256": sha256(EXECUTABLE),
    }
    return "".join(f"{key}: {value}\n" for key, value in lines.items())


def write_sbom(epoch: int) -> int:
    """Write the build's SBOM next to it (at each run: it is quick, and it describes the build
    environment too); 1 if it could not be written."""
    problem = sbom.write(SBOM, epoch)
    if problem:
        print(f"The build's SBOM could not be written: {problem}.", file=sys.stderr)
        return 1
    print(f"Wrote {SBOM.relative_to(ROOT)}, the build's SBOM.")
    return 0


def main() -> int:
    if not sysconfig.get_config_var("Py_ENABLE_SHARED"):
        print(
            f"PyInstaller needs a Python with a shared libpython, and {sys.executable} has none: "
            "build with Debian's python3 (package libpython3-dev) or a Python configured "
            "with --enable-shared (PYTHON=/path/to/python3 make dist).",
            file=sys.stderr,
        )
        return 1
    try:
        epoch = source_date_epoch()
    except UndatedBuild as problem:
        print(
            f"The build is dated by its commit, and {problem}: set SOURCE_DATE_EPOCH "
            "(seconds since 1970) to date it.",
            file=sys.stderr,
        )
        return 1
    digest = inputs_digest()
    built = EXECUTABLE.is_file() and FOLDER.is_dir() and STAMP.is_file()
    if built and STAMP.read_text().strip() == digest:
        print(f"{EXECUTABLE.relative_to(ROOT)} is up to date.")
        return write_sbom(epoch)
    STAMP.unlink(missing_ok=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--log-level=WARN",
            f"--distpath={DIST}",
            f"--workpath={ROOT / 'build' / 'pyinstaller'}",
            str(ROOT / "build.spec"),
        ],
        cwd=ROOT,
        env=pyinstaller_environment(epoch),
        check=True,
    )
    if bundle.main([str(FOLDER), str(EXECUTABLE)]) != 0:
        EXECUTABLE.unlink()
        print("The build picked up files it should not ship; see above.", file=sys.stderr)
        return 1
    BUILDINFO.write_text(build_info(epoch))
    STAMP.write_text(digest + "\n")
    print(f"Built {EXECUTABLE.relative_to(ROOT)}:\n{BUILDINFO.read_text()}", end="")
    return write_sbom(epoch)


if __name__ == "__main__":
    sys.exit(main())
