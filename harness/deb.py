"""The Debian package installed as dpkg installs it, into a throwaway root (``dpkg --root``,
maintainer scripts included), for the tests and the benchmarks: nothing is installed on the
machine that runs them."""

import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PROGRAM = Path("usr/bin/flasky")  # the package's program, under the root it is installed in


class InstallFailed(Exception):
    """dpkg could not install the package."""


def dpkg(root: Path, *args: str | Path) -> subprocess.CompletedProcess:
    """dpkg acting on the system under ``root``, running the maintainer scripts there (they
    see it as $DPKG_ROOT); its dependencies are the host's, so they are not checked."""
    return subprocess.run(
        [
            "dpkg",
            f"--root={root}",
            "--force-not-root",
            "--force-script-chrootless",
            "--force-depends",
            *[str(arg) for arg in args],
        ],
        capture_output=True,
        text=True,
    )


def empty_system(root: Path) -> Path:
    """A root folder with an empty dpkg database, for dpkg --root."""
    for folder in ["var/lib/dpkg/info", "var/lib/dpkg/updates", "var/lib/dpkg/triggers", "var/log"]:
        (root / folder).mkdir(parents=True)
    (root / "var/lib/dpkg/status").touch()
    return root


def install(deb: Path, root: Path) -> Path:
    """Install ``deb`` into ``root``, an empty system; InstallFailed with dpkg's words if it
    cannot."""
    result = dpkg(root, "--install", deb)
    if result.returncode != 0:
        raise InstallFailed(f"dpkg could not install {deb}: {result.stderr.strip()}")
    return root


@contextmanager
def installed_package(deb: Path) -> Iterator[Path]:
    """A throwaway root with ``deb`` installed; removed on leaving the block."""
    with tempfile.TemporaryDirectory() as root:
        yield install(deb, empty_system(Path(root)))
