"""``make deb``: ``dist/flasky_<version>_amd64.deb``, the folder build packaged for Debian and
Ubuntu with ``dpkg-deb``.

The package holds the folder build in ``/usr/lib/flasky/`` (``/usr/bin/flasky`` links to it),
the desktop entry, the icons, an AppStream metainfo file, a machine-readable copyright file
made from what the build holds (the licences come from the build environment's package
metadata, Python's own licence file and Debian's copyright files of the system libraries
bundled), an AppArmor profile that lets Chromium's sandbox start on Ubuntu 24.04 and later,
and lintian's overrides. ``Depends`` names the packages of the libraries the bundle links but
does not carry, found in the build.

The same folder packs into the same bytes: every file is dated ``SOURCE_DATE_EPOCH``, owned by
root, with mode 755 or 644, and dpkg-deb writes the members in name order (its xz output does
not depend on the number of threads). Run with the build environment's Python, which has
PyInstaller to read the modules inside the executable:
``python -m freeze.deb dist/flasky-onedir dist``.
"""

import argparse
import gzip
import hashlib
import os
import re
import shutil
import struct
import subprocess
import sys
import sysconfig
import tempfile
import time
from datetime import UTC, datetime
from email.message import Message
from importlib.metadata import Distribution, distributions, packages_distributions
from pathlib import Path
from typing import NamedTuple

from desktop import __version__
from freeze.build import DIST, ROOT, STAMP, UndatedBuild, source_date_epoch

PT_INTERP = 3  # the type of an ELF program header that names the program's interpreter
PACKAGE = "flasky"
ARCHITECTURE = "amd64"
INSTALLED = Path("usr/lib/flasky")  # the folder build, relative to the package's root
APP_ID = "org.flasky.desktop"  # build.spec's bundle identifier on macOS
MAINTAINER = "Flasky Desktop maintainers <maintainers@flasky.invalid>"
ICON_SIZES = [16, 24, 32, 48, 64, 128, 256]
# xz's level, measured on 120 MB of the folder build, one thread: level 1 takes 16 s of CPU for
# 39.8 MB, level 3 56 s for 38.2 MB, level 6 (dpkg's default) 100 s for 34.4 MB. Level 1 keeps
# make test's package build short, for a package about 14% bigger than level 6's.
XZ_LEVEL = 1
MULTIARCH_LIBRARIES = [Path("/lib/x86_64-linux-gnu"), Path("/usr/lib/x86_64-linux-gnu")]
FREEZE = ROOT / "freeze"
APPARMOR_PROFILE = FREEZE / "apparmor" / "flasky"
LINTIAN_OVERRIDES = FREEZE / "lintian-overrides"
# Where postinst finds the AppArmor profile, to install it where the parser accepts it.
SHIPPED_PROFILE = Path("usr/share/flasky/apparmor/flasky")

# The C library's sonames are all of package libc6.
SUMMARY = "Flask Web Development's Flasky app, chapters 1-4, in a desktop window"
DESCRIPTION = """\
The Flasky app of Miguel Grinberg's book Flask Web Development (chapters 1-4),
shipped as a desktop app: a native window shows pages served by a Flask server
running inside the same process, bound to the loopback interface. Every page
shows one concept of the book working live, with a short explanation and the
source of the view that produced it. It works offline and remembers its user
between launches.

The package carries its own Python, Qt and Qt WebEngine (Chromium)."""


class PackagingProblem(Exception):
    """The folder build cannot be packaged as it is; the message says why."""


def run(*command: str | Path, **kwargs) -> str:
    return subprocess.run(
        [str(part) for part in command], capture_output=True, text=True, check=True, **kwargs
    ).stdout


def is_elf(path: Path) -> bool:
    if path.is_symlink() or not path.is_file():
        return False
    with path.open("rb") as file:
        return file.read(4) == b"\x7fELF"


class ElfFacts(NamedTuple):
    needed: list[str]  # the sonames it links
    runpath: list[str]  # the folders of its RUNPATH or RPATH
    glibc: list[str]  # the GLIBC_x.y symbol versions it needs


def elf_facts(path: Path) -> ElfFacts:
    output = run("readelf", "--dynamic", "--version-info", path)
    runpaths = re.findall(r"\((?:RUNPATH|RPATH)\)\s+Library r(?:un)?path: \[(.+)\]", output)
    return ElfFacts(
        re.findall(r"\(NEEDED\)\s+Shared library: \[(.+)\]", output),
        [folder for entry in runpaths for folder in entry.split(":")],
        re.findall(r"Name: GLIBC_(\d+(?:\.\d+)+)", output),
    )


def is_program(path: Path) -> bool:
    """Whether the ELF file ``path`` is a program (it names an interpreter), not a library."""
    with path.open("rb") as file:
        header = file.read(64)
        (offset,) = struct.unpack_from("<Q", header, 0x20)
        size, count = struct.unpack_from("<HH", header, 0x36)
        for number in range(count):
            file.seek(offset + number * size)
            if struct.unpack("<I", file.read(4))[0] == PT_INTERP:
                return True
    return False


def libraries_not_bundled(folder: Path) -> dict[str, list[Path]]:
    """The sonames the folder build's programs and libraries link but the folder does not hold,
    each with the files that link it."""
    bundled = {path.name for path in folder.rglob("*")}
    missing: dict[str, list[Path]] = {}
    for path in sorted(folder.rglob("*")):
        if is_elf(path):
            for soname in elf_facts(path).needed:
                if soname not in bundled:
                    missing.setdefault(soname, []).append(path)
    return missing


def system_library(soname: str) -> Path:
    for folder in MULTIARCH_LIBRARIES:
        if (folder / soname).exists():
            return folder / soname
    raise PackagingProblem(f"the build links {soname}, which is neither in it nor on this system")


def owning_packages(paths: list[Path]) -> dict[Path, str]:
    """The Debian package (without its architecture) that installed each of ``paths``; paths no
    package installed are left out."""
    if not paths:
        return {}
    result = subprocess.run(
        ["dpkg-query", "--search", *map(str, paths)], capture_output=True, text=True
    )
    owners = {}
    for line in result.stdout.splitlines():
        package, _, path = line.partition(": ")
        if ", " not in package:  # a diversion's line names two packages
            owners[Path(path)] = package.split(":")[0]
    return owners


def glibc_version(folder: Path) -> str:
    """The newest GLIBC_x.y symbol version that the folder build's files need."""
    versions = set()
    for path in folder.rglob("*"):
        if is_elf(path):
            versions.update(elf_facts(path).glibc)
    return max(versions, key=lambda version: tuple(map(int, version.split("."))))


def dependencies(folder: Path) -> list[str]:
    """What the package depends on: the packages of the libraries the build links but does not
    carry (the C library at the version its symbols need)."""
    missing = libraries_not_bundled(folder)
    paths = [system_library(soname) for soname in missing]
    owners = owning_packages([path.resolve() for path in paths] + paths)
    packages = set()
    for path in paths:
        package = owners.get(path) or owners.get(path.resolve())
        if package is None:
            raise PackagingProblem(f"no Debian package holds {path}, which the build links")
        packages.add(package)
    return sorted(
        f"libc6 (>= {glibc_version(folder)})" if package == "libc6" else package
        for package in packages
    )


def remove_build_paths(folder: Path) -> list[Path]:
    """Take the build machine's folders out of the RUNPATH of the folder's libraries (Python's
    shared library and its extension modules carry the path of the Python that built them);
    keep only ``$ORIGIN`` entries. Returns the files changed."""
    changed = []
    for path in sorted(folder.rglob("*")):
        if not is_elf(path):
            continue
        folders = elf_facts(path).runpath
        kept = [entry for entry in folders if entry.startswith("$ORIGIN")]
        if kept == folders:
            continue
        if kept:
            run("patchelf", "--set-rpath", ":".join(kept), path)
        else:
            run("patchelf", "--remove-rpath", path)
        changed.append(path)
    return changed


# --- The copyright file ---------------------------------------------------------------------


def indented(text: str) -> str:
    """``text`` as the continuation lines of a field: each line indented, blank ones as ``.``."""
    lines = text.strip("\n").splitlines()
    return "\n".join(f" {line.rstrip()}" if line.strip() else " ." for line in lines)


def copyright_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if re.match(r"\s*(Copyright|©)", line)]


class Work:
    """A part of the build under its own licence: a paragraph of the copyright file."""

    def __init__(self, files: list[str], holders: list[str], licence: str, text: str, comment: str):
        self.files, self.holders, self.licence = files, holders, licence
        self.text, self.comment = text, comment

    def paragraph(self) -> str:
        holders = list(dict.fromkeys(self.holders)) or ["its authors (see the licence)"]
        fields = [
            f"Files: {' '.join(self.files)}",
            f"Copyright: {holders[0]}",
            *(f"           {holder}" for holder in holders[1:]),
            f"License: {self.licence}",
            indented(self.text),
        ]
        if self.comment:
            fields.append(f"Comment: {self.comment}")
        return "\n".join(fields) + "\n"


def licence_name(metadata: Message) -> str:
    """A short name for a Python package's licence, from its metadata."""
    if metadata["License-Expression"]:
        return metadata["License-Expression"]
    stated = (metadata["License"] or "").strip()
    if stated and "\n" not in stated and len(stated) < 40 and not stated.startswith("Copyright"):
        return re.sub(r"\s+", "-", stated)
    for classifier in metadata.get_all("Classifier") or []:
        if classifier.startswith("License :: OSI Approved :: "):
            return re.sub(r"\s+", "-", classifier.rsplit(" :: ", 1)[1].removesuffix(" License"))
    raise PackagingProblem(f"{metadata['Name']} states no licence in its metadata")


# The licences whose full text Debian keeps in /usr/share/common-licenses, by their headings.
COMMON_LICENCES = {
    r"GNU GENERAL PUBLIC LICENSE\s+Version 3": ("GNU General Public License, version 3", "GPL-3"),
    r"GNU GENERAL PUBLIC LICENSE\s+Version 2": ("GNU General Public License, version 2", "GPL-2"),
    r"GNU LESSER GENERAL PUBLIC LICENSE\s+Version 3": (
        "GNU Lesser General Public License, version 3",
        "LGPL-3",
    ),
    r"GNU LESSER GENERAL PUBLIC LICENSE\s+Version 2\.1": (
        "GNU Lesser General Public License, version 2.1",
        "LGPL-2.1",
    ),
    r"Apache License\s+Version 2\.0, January 2004": ("Apache License, version 2.0", "Apache-2.0"),
}


def common_licence(text: str) -> str:
    """``text``, with the full text of a licence that Debian keeps in /usr/share/common-licenses
    (lintian refuses those in full) replaced by where to find it: a licence file that is such a
    text, or ends with one (Bootstrap-Flask's quotes Bootstrap's Apache licence)."""
    for heading, (title, name) in COMMON_LICENCES.items():
        found = re.search(rf"^\s*{heading}", text, re.MULTILINE)
        if found:
            return (
                f"{text[: found.start()].rstrip()}\n\nOn Debian systems, the complete text of the "
                f"{title} can be found in /usr/share/common-licenses/{name}.".lstrip()
            )
    return text


def licence_texts(distribution: Distribution) -> str:
    """The texts of a Python package's licence files, as installed in the build environment."""
    names = distribution.metadata.get_all("License-File") or []
    files = [
        file
        for file in distribution.files or []
        if file.parent.name.endswith(".dist-info") or "licenses" in file.parts
    ]
    texts = []
    for file in files:
        if file.name in names or Path(file).name.upper().startswith(("LICEN", "COPYING")):
            texts.append(common_licence(file.read_text(encoding="utf-8")))
    if not texts:  # proxy_tools ships none
        return (
            f"{distribution.name} {distribution.version} ships no licence text; its metadata "
            f"states the licence {licence_name(distribution.metadata)}."
        )
    return "\n\n".join(dict.fromkeys(texts))


def bundled_modules(executable: Path) -> set[str]:
    """The top-level names of the Python modules in the executable's archive."""
    from PyInstaller.archive.readers import CArchiveReader

    archive = CArchiveReader(str(executable))
    names = set()
    for name, (*_, typecode) in archive.toc.items():
        if typecode == "z":
            names.update(module.split(".")[0] for module in archive.open_embedded_archive(name).toc)
    return names


def python_works(folder: Path) -> tuple[list[Work], set[str]]:
    """The Python packages in the build, each a Work, and the files they account for."""
    internal = folder / "_internal"
    on_disk = {path.name: path for path in internal.iterdir()}
    by_module = packages_distributions()
    by_name = {dist.metadata["Name"].lower(): dist for dist in distributions()}
    names = bundled_modules(folder / PACKAGE) | set(on_disk)
    found: dict[str, set[str]] = {}
    for name in names:
        for distribution in by_module.get(name, []):
            found.setdefault(distribution.lower(), set()).add(name)
    works, covered = [], set()
    for name in sorted(found):
        distribution = by_name[name]
        metadata = distribution.metadata
        version = metadata["Version"]
        dist_info = [
            entry
            for entry in on_disk
            if entry.endswith(".dist-info")
            and entry.lower().replace("_", "-").startswith(f"{name.replace('_', '-')}-{version}")
        ]
        files = sorted(
            f"{INSTALLED}/_internal/{entry}/*"
            for entry in found[name] | set(dist_info)
            if entry in on_disk and on_disk[entry].is_dir()
        )
        covered.update(found[name] | set(dist_info))
        text = licence_texts(distribution)
        holders = copyright_lines(text) or [metadata["Author"] or metadata["Author-email"] or ""]
        where = "in the Python archive of " if not files else ""
        works.append(
            Work(
                files or [f"{INSTALLED}/{PACKAGE}"],
                [holder for holder in holders if holder],
                licence_name(metadata),
                text,
                f"{where}{metadata['Name']} {version}, from the build environment",
            )
        )
    return works, covered


def python_itself(folder: Path) -> Work:
    licence = Path(sysconfig.get_path("stdlib")) / "LICENSE.txt"
    if not licence.is_file():
        raise PackagingProblem(f"the Python that builds has no licence file at {licence}")
    text = licence.read_text(encoding="utf-8")
    libpython = next((folder / "_internal").glob("libpython3*.so*")).name
    return Work(
        [
            f"{INSTALLED}/{PACKAGE}",
            f"{INSTALLED}/_internal/{libpython}",
            f"{INSTALLED}/_internal/base_library.zip",
            f"{INSTALLED}/_internal/python3*",
        ],
        ["Python Software Foundation and its contributors (see the licence)"],
        "PSF-2.0",
        text,
        f"Python {sys.version.split()[0]}, its standard library, and PyInstaller's "
        "bootloader (GPL-2.0-or-later with an exception for the programs it starts)",
    )


def system_works(folder: Path, covered: set[str]) -> list[Work]:
    """The libraries copied from the build machine's Debian packages, with those packages'
    copyright files."""
    internal = folder / "_internal"
    candidates = {}
    for path in sorted(internal.iterdir()):
        if path.name not in covered and path.is_file() and not path.is_symlink():
            for library_folder in MULTIARCH_LIBRARIES:
                if (library_folder / path.name).exists():
                    candidates[path.name] = library_folder / path.name
                    break
    owners = owning_packages(
        [*candidates.values(), *(path.resolve() for path in candidates.values())]
    )
    by_package: dict[str, list[str]] = {}
    for name, path in candidates.items():
        package = owners.get(path) or owners.get(path.resolve())
        if package:
            by_package.setdefault(package, []).append(name)
    works = []
    for package, names in sorted(by_package.items()):
        version = run("dpkg-query", "--show", "--showformat=${Version}", package)
        text = Path(f"/usr/share/doc/{package}/copyright").read_text(encoding="utf-8")
        works.append(
            Work(
                [f"{INSTALLED}/_internal/{name}" for name in sorted(names)],
                copyright_lines(text)[:20] or [f"the authors of Debian's {package}"],
                f"Debian-{package}",
                text,
                f"copied from Debian's {package} {version}; the licence is that package's "
                "copyright file",
            )
        )
        covered.update(names)
    return works


def moment(folder: Path) -> Work | None:
    vendor = folder / "_internal" / "webapp" / "static" / "vendor" / "moment"
    if not vendor.is_dir():
        return None
    text = (vendor / "LICENSE").read_text(encoding="utf-8")
    return Work(
        [f"{INSTALLED}/_internal/webapp/static/vendor/moment/*"],
        copyright_lines(text),
        "MIT",
        text,
        "moment.js, vendored (webapp/static/vendor/moment/VENDOR.json)",
    )


APP_LICENCE = """\
Permission is hereby granted, free of charge, to any person obtaining a copy of this software
and associated documentation files (the "Software"), to deal in the Software without
restriction, including without limitation the rights to use, copy, modify, merge, publish,
distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the
Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING
BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM,
DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE."""


def copyright_file(folder: Path, year: int) -> str:
    """The machine-readable copyright file (DEP-5) of the package: the app, then each part of
    the build under its own licence. Fails on a file of the build's top folder that no part
    accounts for."""
    app = Work(
        ["*"],
        [f"{year} Flasky Desktop maintainers"],
        "MIT",
        APP_LICENCE,
        "Flasky Desktop (the launcher, the web app and its pages), pyproject.toml's licence",
    )
    python_packages, covered = python_works(folder)
    covered.update(["webapp", "base_library.zip", "python3.11"])
    covered.update(path.name for path in (folder / "_internal").glob("libpython3*"))
    libraries = system_works(folder, covered)
    unaccounted = [
        path.name
        for path in sorted((folder / "_internal").iterdir())
        if path.name not in covered and not path.is_symlink()
    ]
    if unaccounted:
        raise PackagingProblem(
            "no licence is known for these files of the build: " + ", ".join(unaccounted)
        )
    works = [app, python_itself(folder), *python_packages, *libraries]
    if vendored := moment(folder):
        works.append(vendored)
    header = (
        "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"
        "Upstream-Name: Flasky Desktop\n"
        "Comment: Made by freeze/deb.py from the build: the Python packages' licences from "
        "their metadata in the build environment, Python's from its LICENSE.txt, the bundled "
        "system libraries' from Debian's copyright files. Qt WebEngine embeds Chromium "
        "(BSD-3-Clause, and the licences of its third-party code).\n"
    )
    return "\n".join([header, *(work.paragraph() for work in works)])


# --- The other files of the package -----------------------------------------------------------


def metainfo(epoch: int) -> str:
    date = datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d")
    paragraphs = "\n".join(
        f"    <p>{' '.join(paragraph.split())}</p>" for paragraph in DESCRIPTION.split("\n\n")
    )
    return f"""\
<?xml version="1.0" encoding="UTF-8"?>
<component type="desktop-application">
  <id>{APP_ID}</id>
  <metadata_license>CC0-1.0</metadata_license>
  <project_license>MIT</project_license>
  <name>Flasky</name>
  <summary>Learn Flask with the Flasky app of Flask Web Development</summary>
  <description>
{paragraphs}
  </description>
  <developer id="org.flasky">
    <name>Flasky Desktop maintainers</name>
  </developer>
  <launchable type="desktop-id">{PACKAGE}.desktop</launchable>
  <provides>
    <binary>{PACKAGE}</binary>
  </provides>
  <categories>
    <category>Education</category>
    <category>ComputerScience</category>
  </categories>
  <content_rating type="oars-1.1" />
  <releases>
    <release version="{__version__}" date="{date}" />
  </releases>
</component>
"""


def control(folder: Path, installed_kib: int) -> str:
    description = indented(DESCRIPTION)
    return (
        f"Package: {PACKAGE}\n"
        f"Version: {__version__}\n"
        f"Architecture: {ARCHITECTURE}\n"
        f"Maintainer: {MAINTAINER}\n"
        f"Installed-Size: {installed_kib}\n"
        f"Depends: {', '.join(dependencies(folder))}\n"
        "Section: education\n"
        "Priority: optional\n"
        f"Description: {SUMMARY}\n"
        f"{description}\n"
    )


def changelog(epoch: int) -> bytes:
    date = datetime.fromtimestamp(epoch, UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")
    text = (
        f"{PACKAGE} ({__version__}) unstable; urgency=medium\n\n"
        "  * Built from the Flasky Desktop repository by make deb.\n\n"
        f" -- {MAINTAINER}  {date}\n"
    )
    return gzip.compress(text.encode(), compresslevel=9, mtime=0)


POSTINST = f"""\
#!/bin/sh
# The AppArmor profile lets Chromium's sandbox create user namespaces where AppArmor restricts
# them (Ubuntu 24.04 and later). Its rules need AppArmor 4, so it is installed (and loaded) only
# where the parser accepts it, as Chrome's package does.
set -e
if [ "$1" = configure ]; then
    shipped="$DPKG_ROOT/{SHIPPED_PROFILE}"
    profile="$DPKG_ROOT/etc/apparmor.d/{PACKAGE}"
    if command -v apparmor_parser >/dev/null 2>&1 &&
        apparmor_parser --skip-kernel-load --skip-cache "$shipped" >/dev/null 2>&1; then
        mkdir -p "$DPKG_ROOT/etc/apparmor.d"
        cp "$shipped" "$profile"
        if [ -z "$DPKG_ROOT" ] && command -v aa-enabled >/dev/null 2>&1 && aa-enabled --quiet; then
            apparmor_parser --replace --write-cache --skip-read-cache "$profile" || true
        fi
    else
        rm -f "$profile"
    fi
fi
"""

POSTRM = f"""\
#!/bin/sh
set -e
if [ "$1" = remove ] || [ "$1" = purge ]; then
    profile="$DPKG_ROOT/etc/apparmor.d/{PACKAGE}"
    if [ -e "$profile" ]; then
        if [ -z "$DPKG_ROOT" ] && command -v aa-enabled >/dev/null 2>&1 && aa-enabled --quiet; then
            apparmor_parser --remove "$profile" >/dev/null 2>&1 || true
        fi
        rm -f "$profile"
    fi
fi
"""


def write(path: Path, content: str | bytes, executable: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode()
    path.write_bytes(content)
    path.chmod(0o755 if executable else 0o644)


def stage(folder: Path, root: Path, epoch: int) -> None:
    """Lay out the package's files under ``root`` (its DEBIAN folder included)."""
    year = datetime.fromtimestamp(epoch, UTC).year
    app = root / INSTALLED
    shutil.copytree(folder, app, symlinks=True)
    remove_build_paths(app)
    bin_link = root / "usr/bin" / PACKAGE
    bin_link.parent.mkdir(parents=True)
    bin_link.symlink_to(Path("../lib") / PACKAGE / PACKAGE)
    share = root / "usr/share"
    entry = (FREEZE / "flasky.desktop").read_text(encoding="utf-8")
    write(share / "applications" / f"{PACKAGE}.desktop", entry.replace("@BIN_HOME@/", ""))
    write(
        share / "icons/hicolor/scalable/apps/flasky.svg",
        (ROOT / "webapp/static/flasky.svg").read_bytes(),
    )
    for size in ICON_SIZES:
        write(
            share / f"icons/hicolor/{size}x{size}/apps/flasky.png",
            (FREEZE / "icons" / f"flasky-{size}.png").read_bytes(),
        )
    write(share / "metainfo" / f"{APP_ID}.metainfo.xml", metainfo(epoch))
    write(share / "doc" / PACKAGE / "copyright", copyright_file(app, year))
    write(share / "doc" / PACKAGE / "changelog.gz", changelog(epoch))
    write(share / "lintian/overrides" / PACKAGE, LINTIAN_OVERRIDES.read_text(encoding="utf-8"))
    write(root / SHIPPED_PROFILE, APPARMOR_PROFILE.read_text(encoding="utf-8"))
    write(root / "DEBIAN/postinst", POSTINST, executable=True)
    write(root / "DEBIAN/postrm", POSTRM, executable=True)
    write(root / "DEBIAN/md5sums", md5sums(root))
    write(root / "DEBIAN/control", control(app, installed_size(root)))


def md5sums(root: Path) -> str:
    """DEBIAN/md5sums: the MD5 sum of each file of the package, in name order."""
    lines = []
    for path in sorted(root.rglob("*")):
        name = path.relative_to(root).as_posix()
        if path.is_file() and not path.is_symlink() and not name.startswith("DEBIAN/"):
            with path.open("rb") as file:
                lines.append(f"{hashlib.file_digest(file, 'md5').hexdigest()}  {name}\n")
    return "".join(lines)


def installed_size(root: Path) -> int:
    """The installed size in KiB, as dpkg-gencontrol counts it: each file's size rounded up to
    a KiB, each folder and link one KiB."""
    total = 0
    for path in root.rglob("*"):
        if path.relative_to(root).parts[0] == "DEBIAN":
            continue
        if path.is_file() and not path.is_symlink():
            total += -(-path.stat().st_size // 1024)
        else:
            total += 1
    return total


def is_executable(path: Path) -> bool:
    """Folders, programs and scripts; not libraries, which the build copies with mode 755."""
    if path.is_dir():
        return True
    if is_elf(path):
        return is_program(path)
    return bool(path.stat().st_mode & 0o100)


def normalize(root: Path, epoch: int) -> None:
    """Every file and folder with mode 755 or 644 (whatever the umask) and dated ``epoch``."""
    for path in [root, *root.rglob("*")]:
        if not path.is_symlink():
            path.chmod(0o755 if is_executable(path) else 0o644)
        os.utime(path, (epoch, epoch), follow_symlinks=False)


# What the package is made of besides the folder build: a change to any of these repacks it.
DEB_INPUTS = [
    "freeze/deb.py",
    "freeze/apparmor",
    "freeze/lintian-overrides",
    "freeze/flasky.desktop",
    "freeze/icons",
    "webapp/static/flasky.svg",
]
DEB_STAMP = DIST / "flasky.deb-inputs-sha256"


def deb_inputs_digest(folder_digest: str, epoch: int, level: int) -> str:
    """A digest of the folder build's own digest and of the package's other inputs."""
    digest = hashlib.sha256(f"{folder_digest} {epoch} {level}".encode())
    for name in DEB_INPUTS:
        top = ROOT / name
        for file in [top] if top.is_file() else sorted(top.rglob("*")):
            if file.is_file():
                digest.update(file.relative_to(ROOT).as_posix().encode() + b"\0")
                digest.update(hashlib.sha256(file.read_bytes()).digest())
    return digest.hexdigest()


def deb_name() -> str:
    return f"{PACKAGE}_{__version__}_{ARCHITECTURE}.deb"


def pack(root: Path, deb: Path, epoch: int, level: int = XZ_LEVEL) -> None:
    """Write the package laid out under ``root`` to ``deb`` with dpkg-deb: the same files give
    the same bytes, whatever their dates, modes and owners on disk."""
    normalize(root, epoch)
    subprocess.run(
        ["dpkg-deb", "--build", "--root-owner-group", "-Zxz", f"-z{level}", str(root), str(deb)],
        env=os.environ | {"SOURCE_DATE_EPOCH": str(epoch)},
        check=True,
        stdout=subprocess.DEVNULL,
    )


def build_deb(folder: Path, output: Path, epoch: int, level: int = XZ_LEVEL) -> Path:
    """Package the folder build ``folder`` into ``output`` (a folder); the .deb's path."""
    deb = output / deb_name()
    with tempfile.TemporaryDirectory(prefix="flasky-deb-") as scratch:
        root = Path(scratch) / "root"
        stage(folder, root, epoch)
        output.mkdir(parents=True, exist_ok=True)
        pack(root, deb, epoch, level)
    return deb


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Package the folder build as a .deb.")
    parser.add_argument("folder", type=Path, help="the folder build (dist/flasky-onedir)")
    parser.add_argument("output", type=Path, help="the folder to write the .deb to")
    parser.add_argument("--level", type=int, default=XZ_LEVEL, help="xz's level (0-9)")
    options = parser.parse_args(argv)
    if not (options.folder / PACKAGE).is_file():
        print(f"{options.folder} holds no folder build: run make dist first.", file=sys.stderr)
        return 1
    try:
        epoch = source_date_epoch()
        # dist/ keeps the digest of what its package was made from, as of its folder build.
        stamped = options.output.resolve() == DIST and STAMP.is_file()
        digest = stamped and deb_inputs_digest(STAMP.read_text().strip(), epoch, options.level)
        deb = options.output / deb_name()
        packed = DEB_STAMP.read_text().strip() if DEB_STAMP.is_file() else None
        if stamped and deb.is_file() and packed == digest:
            print(f"{deb} is up to date.")
            return 0
        if stamped:
            DEB_STAMP.unlink(missing_ok=True)
        started = time.monotonic()
        deb = build_deb(options.folder, options.output, epoch, options.level)
    except UndatedBuild as problem:
        print(
            f"The package is dated by its commit, and {problem}: set SOURCE_DATE_EPOCH.",
            file=sys.stderr,
        )
        return 1
    except PackagingProblem as problem:
        print(f"make deb: {problem}", file=sys.stderr)
        return 1
    if stamped:
        DEB_STAMP.write_text(f"{digest}\n")
    took = time.monotonic() - started
    print(f"Built {deb} ({deb.stat().st_size / 2**20:.1f} MiB) in {took:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
