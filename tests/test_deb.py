"""The Debian package that `make deb` builds from the folder build: checked with Debian's own
tools, installed with dpkg into a throwaway root (``harness.deb``), run from there, then removed
and purged. Nothing is installed on the machine that runs the tests.

The first test of a session runs `make deb` (after `make dist`), which repacks the package only
when the folder build or the package's own inputs changed.
"""

import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from freeze.deb import APP_ID, PACKAGE, deb_name, pack
from harness.deb import PROGRAM, InstallFailed, dpkg, empty_system, install, installed_package
from harness.process import ROOT, run_main

from .helpers import DIST, close_and_wait

INSTALLED = Path("usr/lib/flasky")
PROFILE = Path("etc/apparmor.d/flasky")


def run(*command: str | Path, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(part) for part in command], capture_output=True, text=True, **kwargs)


@pytest.fixture(scope="session")
def deb(frozen) -> Path:
    """The package `make deb` built."""
    result = run("make", "--no-print-directory", "deb", cwd=ROOT, timeout=1800)
    assert result.returncode == 0, f"make deb failed:\n{result.stdout}\n{result.stderr}"
    return DIST / deb_name()


def files_under(root: Path) -> set[str]:
    """The files, links and folders under ``root`` that are not dpkg's own records."""
    return {
        path.relative_to(root).as_posix()
        for path in root.rglob("*")
        if not path.relative_to(root).as_posix().startswith(("var/lib/dpkg", "var/log"))
    }


@pytest.fixture(scope="module")
def installed(deb) -> Iterator[Path]:
    """A throwaway root with the package installed."""
    with installed_package(deb) as root:
        yield root


@pytest.fixture(scope="module")
def control(deb) -> dict[str, str]:
    fields = {}
    for line in run("dpkg-deb", "--field", deb, check=True).stdout.splitlines():
        if not line.startswith(" "):
            name, _, value = line.partition(": ")
            fields[name] = value
    return fields


def test_lintian_finds_no_error_and_no_warning_and_every_override_is_used(deb):
    result = run("lintian", "--display-info", "--tag-display-limit", "0", deb, timeout=1200)
    tags = [line for line in result.stdout.splitlines() if re.match(r"[A-Z]: ", line)]
    assert [tag for tag in tags if tag.startswith(("E:", "W:"))] == []
    assert [tag for tag in tags if "unused-override" in tag or "mismatched-override" in tag] == []


def test_the_installed_app_passes_its_self_test_from_usr_bin(installed, env):
    program = installed / PROGRAM
    assert program.is_symlink()
    assert program.resolve() == installed / INSTALLED / PACKAGE
    result = run_main("--self-test", env=env, command=[str(program)])
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Self-test passed")


@pytest.mark.window
def test_the_installed_app_opens_its_window_and_closing_it_ends_it(
    installed, open_window, screen, window_env
):
    app = open_window(window_env, command=[str(installed / PROGRAM)])
    assert close_and_wait(screen, app) == 0


def test_a_package_that_dpkg_refuses_to_install_says_why(tmp_path):
    damaged = tmp_path / f"{PACKAGE}.deb"
    damaged.write_bytes(b"!<arch>\nnot a package")
    with pytest.raises(InstallFailed, match=f"dpkg could not install {damaged}: .+"):
        install(damaged, empty_system(tmp_path / "root"))


def test_no_library_of_the_installed_app_comes_from_the_build_machine(installed):
    for path in (installed / INSTALLED).rglob("*.so*"):
        if path.is_file() and not path.is_symlink():
            dynamic = run("readelf", "--dynamic", path, check=True).stdout
            paths = re.findall(r"Library r(?:un)?path: \[(.+)\]", dynamic)
            assert all(entry.startswith("$ORIGIN") for entry in ":".join(paths).split(":") if entry)


def test_every_library_the_app_links_is_in_the_package_or_in_a_package_it_depends_on(
    installed, control
):
    depends = {re.sub(r"\s*\(.*\)", "", name) for name in control["Depends"].split(", ")}
    internal = installed / INSTALLED / "_internal"
    outside = set()
    for path in (installed / INSTALLED).rglob("*"):
        if path.is_file() and not path.is_symlink() and path.read_bytes()[:4] == b"\x7fELF":
            dynamic = run("readelf", "--dynamic", path, check=True).stdout
            needed = re.findall(r"Shared library: \[(.+)\]", dynamic)
            # the libraries find each other there (PyInstaller's bootloader sets it)
            listed = run("ldd", path, env={"LD_LIBRARY_PATH": str(internal)}).stdout
            assert "not found" not in listed, f"{path}:\n{listed}"
            for soname, library in re.findall(r"^\s*(\S+) => (/\S+)", listed, re.MULTILINE):
                if soname in needed and not library.startswith(str(installed)):
                    outside.add(Path(library).resolve())
    # dpkg knows a library by the path its package installed it at: /lib or /usr/lib.
    candidates = {path: [path, Path(str(path).removeprefix("/usr"))] for path in outside}
    listed = run("dpkg-query", "--search", *(c for both in candidates.values() for c in both))
    owners = dict(
        (Path(line.split(": ", 1)[1]), line.split(":")[0]) for line in listed.stdout.splitlines()
    )
    packages = set()
    for path, both in candidates.items():
        found = [owners[candidate] for candidate in both if candidate in owners]
        assert found, f"no package holds {path}"
        packages.add(found[0])
    assert packages == depends


def test_the_desktop_entry_is_valid_and_starts_the_installed_program(installed):
    entry = installed / "usr/share/applications" / f"{PACKAGE}.desktop"
    result = run("desktop-file-validate", entry)
    assert (result.returncode, result.stdout) == (0, "")
    text = entry.read_text()
    assert re.search(r"^Exec=flasky$", text, re.MULTILINE)
    assert re.search(r"^Icon=flasky$", text, re.MULTILINE)
    assert (installed / "usr/bin/flasky").exists()
    assert (installed / "usr/share/icons/hicolor/scalable/apps/flasky.svg").is_file()
    assert (installed / "usr/share/icons/hicolor/256x256/apps/flasky.png").is_file()


def test_the_metainfo_passes_appstream_validation(installed):
    metainfo = installed / "usr/share/metainfo" / f"{APP_ID}.metainfo.xml"
    result = run("appstreamcli", "validate", "--no-net", "--pedantic", metainfo)
    assert result.returncode == 0, result.stdout


def parser_version() -> tuple[int, ...]:
    output = run("apparmor_parser", "--version", check=True).stdout
    return tuple(map(int, re.search(r"version (\d+)\.(\d+)", output).groups()))


def apparmor_accepts(profile: Path) -> subprocess.CompletedProcess:
    """apparmor_parser's check of ``profile``, without loading it into the kernel."""
    return run("apparmor_parser", "--skip-kernel-load", "--skip-cache", profile)


def test_the_apparmor_profile_parses_and_names_the_installed_programs(installed, tmp_path):
    profile = installed / "usr/share/flasky/apparmor/flasky"
    text = profile.read_text()
    attached = re.search(r"^profile flasky (\S+)", text, re.MULTILINE).group(1)
    folder, programs = re.fullmatch(r"(/\S+)/\{(.+)\}", attached).groups()
    for program in programs.split(","):
        assert (installed / folder.lstrip("/") / program).is_file(), program
    assert re.search(r"^\s*userns,$", text, re.MULTILINE)
    if parser_version() >= (4, 0):
        assert apparmor_accepts(profile).returncode == 0
    else:
        # Debian 12's parser (3.0) knows neither AppArmor 4's abi nor its userns rule; the rest
        # of the profile must parse as it is.
        older = tmp_path / "flasky"
        older.write_text(
            text.replace("abi <abi/4.0>,", "abi <abi/3.0>,").replace("  userns,\n", "")
        )
        result = apparmor_accepts(older)
        assert result.returncode == 0, result.stderr


def test_postinst_installs_the_apparmor_profile_only_where_the_parser_accepts_it(installed):
    shipped = installed / "usr/share/flasky/apparmor/flasky"
    accepted = apparmor_accepts(shipped).returncode == 0
    assert (installed / PROFILE).is_file() == accepted
    if accepted:
        assert (installed / PROFILE).read_text() == shipped.read_text()


def test_removing_and_purging_the_package_leaves_nothing_it_installed(deb, tmp_path):
    root = empty_system(tmp_path / "root")
    (root / PROFILE).parent.mkdir(parents=True)  # the system's AppArmor folder
    before = files_under(root)
    install(deb, root)
    # Where AppArmor 4 runs, postinst has installed the profile; postrm must remove it.
    (root / PROFILE).write_text((root / "usr/share/flasky/apparmor/flasky").read_text())
    assert len(files_under(root) - before) > 300

    result = dpkg(root, "--remove", PACKAGE)
    assert result.returncode == 0, result.stderr
    assert files_under(root) - before == set()

    result = dpkg(root, "--purge", PACKAGE)
    assert result.returncode == 0, result.stderr
    assert files_under(root) == before
    assert "not installed" in dpkg(root, "--status", PACKAGE).stderr


def fake_package(parent: Path, umask: int, copied_at: float, reverse: bool = False) -> Path:
    """A small package laid out under ``parent``, its files written in name order or its
    reverse, with the modes a machine with ``umask`` gives them, dated ``copied_at``."""
    files = {
        "DEBIAN/control": (
            "Package: flasky\nVersion: 0.1.0\nArchitecture: amd64\n"
            "Maintainer: Flasky <flasky@example.org>\nDescription: a test\n"
        ),
        "usr/lib/flasky/flasky": "#!/bin/sh\n",
        "usr/lib/flasky/_internal/a.txt": "a",
        "usr/lib/flasky/_internal/b/c.txt": "c",
        "usr/share/doc/flasky/copyright": "none",
    }
    root = parent / "root"
    for name in sorted(files, reverse=reverse):
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(files[name])
        path.chmod((0o777 if name.endswith("flasky") else 0o666) & ~umask)
    (root / "usr/bin").mkdir()
    (root / "usr/bin/flasky").symlink_to("../lib/flasky/flasky")
    for path in [root, *root.rglob("*")]:
        if path.is_dir():
            path.chmod(0o777 & ~umask)
        os.utime(path, (copied_at, copied_at), follow_symlinks=False)
    return root


def test_packing_the_same_files_gives_the_same_deb_wherever_and_whenever_they_were_laid_out(
    tmp_path,
):
    first = fake_package(tmp_path / "a", umask=0o022, copied_at=1_750_000_000.25)
    second = fake_package(
        tmp_path / "a-longer-parent", umask=0o002, copied_at=1_760_000_000.75, reverse=True
    )
    debs = []
    for root in (first, second):
        pack(root, root.parent / "flasky.deb", epoch=1_700_000_000, level=1)
        debs.append((root.parent / "flasky.deb").read_bytes())
    assert debs[0] == debs[1]
    listing = run("dpkg-deb", "--contents", tmp_path / "a" / "flasky.deb", check=True).stdout
    for line in listing.splitlines():
        assert " root/root " in line and " 2023-11-14 22:13 " in line, line
