"""The build's software bill of materials, ``dist/flasky.cdx.json`` (CycloneDX 1.6, JSON).

``cyclonedx-py`` lists the Python packages of the build environment with their licences and
what each depends on; this adds the web assets the app serves from files of its own (moment.js,
and Bootstrap and Popper inside Bootstrap-Flask), each file with its SHA-256 and SHA-384. Each
package's scope says whether the bundle carries it ("required": the app's dependencies, pinned
in ``requirements.lock``, and the build packages whose code ships) or it only builds the app
("excluded": PyInstaller's analysis helpers, this SBOM's own tool).

Like the build it describes, it is dated by ``SOURCE_DATE_EPOCH`` and has no random serial
number, so the same commit gives the same bytes. ``make dist`` writes it after each build; run
with the build environment's Python.
"""

import hashlib
import json
import os
import re
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from importlib.metadata import version
from importlib.resources import files
from pathlib import Path

from packaging.requirements import Requirement

from desktop import __version__

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "dist" / "flasky.cdx.json"
ROOT_REF = "root-component"  # cyclonedx-py's name for the app itself
# Build packages whose code ships: the one file's own program (freeze/front.py and onefile.py)
# unpacks with zstandard and shows its splash window with python-xlib (and what they depend
# on), and PyInstaller's bootloader starts the executable (PyInstaller's own dependencies only
# build it).
ONE_FILE_PACKAGES = {"zstandard", "python-xlib"}
BOOTLOADER = "pyinstaller"
MOMENT = ROOT / "webapp" / "static" / "vendor" / "moment"
BOOTSTRAP = Path(str(files("flask_bootstrap"))) / "static" / "bootstrap5"


@dataclass(frozen=True)
class Asset:
    """A JavaScript or CSS library the app serves from files, not through a Python package."""

    name: str
    version: str
    licence: str
    files: dict[str, bytes]  # each file's path inside the bundle, and its content
    shipped_in: str | None = None  # the Python distribution that carries it, if any

    @property
    def ref(self) -> str:
        return f"pkg:npm/{self.name.replace('@', '%40')}@{self.version}"

    def component(self) -> dict:
        component = {
            "type": "library",
            "bom-ref": self.ref,
            "name": self.name,
            "version": self.version,
            "scope": "required",
            "licenses": [{"license": {"id": self.licence}}],
            "purl": self.ref,
            "components": [
                {
                    "type": "file",
                    "bom-ref": f"{self.ref}#{path}",
                    "name": path,
                    "hashes": [
                        {"alg": "SHA-256", "content": hashlib.sha256(content).hexdigest()},
                        {"alg": "SHA-384", "content": hashlib.sha384(content).hexdigest()},
                    ],
                }
                for path, content in sorted(self.files.items())
            ],
        }
        if self.shipped_in:
            carrier = f"{self.shipped_in} {version(self.shipped_in)}"
            component["properties"] = [{"name": "flasky:shipped-in", "value": carrier}]
        return component


class UnknownAsset(Exception):
    """A vendored file no longer says which version and licence it is."""


def version_and_licence(pattern: str, path: Path) -> tuple[str, str]:
    """The version and licence that a file's comment header gives."""
    found = re.search(pattern, path.read_bytes()[:500].decode())
    if not found:
        raise UnknownAsset(f"{path} does not say which version it is: update freeze/sbom.py")
    return found["version"], found["licence"]


def vendored_assets() -> list[Asset]:
    """moment.js, from its record in ``VENDOR.json``; Bootstrap and Popper, from the files of
    Bootstrap-Flask that ``build.spec`` ships."""
    record = json.loads((MOMENT / "VENDOR.json").read_text())
    moment_file = MOMENT / record["file"]
    moment = Asset(
        record["name"],
        record["version"],
        record["licence"],
        {moment_file.relative_to(ROOT).as_posix(): moment_file.read_bytes()},
    )
    shipped_in = "Bootstrap-Flask"
    css, js, popper_js = (
        BOOTSTRAP / "css/bootstrap.min.css",
        BOOTSTRAP / "js/bootstrap.min.js",
        BOOTSTRAP / "umd/popper.min.js",
    )
    bootstrap = Asset(
        "bootstrap",
        *version_and_licence(
            r"Bootstrap\s+v(?P<version>\S+) .*\n.*\n.*Licensed under (?P<licence>\S+)", css
        ),
        {bundled_path(path): path.read_bytes() for path in (css, js)},
        shipped_in,
    )
    popper = Asset(
        "@popperjs/core",
        *version_and_licence(
            r"@popperjs/core v(?P<version>\S+) - (?P<licence>\S+) License", popper_js
        ),
        {bundled_path(popper_js): popper_js.read_bytes()},
        shipped_in,
    )
    return [moment, bootstrap, popper]


def bundled_path(path: Path) -> str:
    """Where a file of Bootstrap-Flask is in the bundle: as in site-packages."""
    return Path(path).relative_to(BOOTSTRAP.parents[2]).as_posix()


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def python_packages(epoch: int) -> dict:
    """cyclonedx-py's SBOM of this Python's environment, with the app as its root."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "cyclonedx_py",
            "environment",
            "--pyproject=pyproject.toml",
            "--spec-version=1.6",
            "--output-reproducible",
            "--output-file=-",
            sys.executable,
        ],
        cwd=ROOT,
        env=os.environ | {"SOURCE_DATE_EPOCH": str(epoch)},
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def bill_of_materials(epoch: int) -> dict:
    """The SBOM of the build: its Python packages, scoped, and the vendored assets."""
    bom = python_packages(epoch)
    # pip comes with the virtualenv, unpinned: it installs the build, it is not part of it.
    kept = [c for c in bom["components"] if normalized(c["name"]) != "pip"]
    refs = {component["bom-ref"] for component in kept}
    graph = {
        entry["ref"]: [ref for ref in entry.get("dependsOn", []) if ref in refs]
        for entry in bom["dependencies"]
        if entry["ref"] in refs | {ROOT_REF}
    }
    build_extra = {
        normalized(Requirement(line).name)
        for line in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
            "optional-dependencies"
        ]["build"]
    }
    names = {component["bom-ref"]: normalized(component["name"]) for component in kept}
    bundled = {ref for ref in refs if names[ref] == BOOTLOADER}
    unseen = [
        ref
        for ref in graph[ROOT_REF]
        if names[ref] not in build_extra or names[ref] in ONE_FILE_PACKAGES
    ]
    while unseen:  # the app's and the one file's dependencies, and theirs
        ref = unseen.pop()
        if ref not in bundled:
            bundled.add(ref)
            unseen.extend(graph.get(ref, []))
    for component in kept:
        component["scope"] = "required" if component["bom-ref"] in bundled else "excluded"

    assets = vendored_assets()
    refs_by_name = {name: ref for ref, name in names.items()}
    for asset in assets:
        carrier = refs_by_name[normalized(asset.shipped_in)] if asset.shipped_in else ROOT_REF
        graph[carrier].append(asset.ref)
        graph[asset.ref] = []
    bom["metadata"]["component"]["version"] = __version__
    bom["components"] = kept + [asset.component() for asset in assets]
    bom["dependencies"] = [
        {"ref": ref, "dependsOn": sorted(depends_on)} for ref, depends_on in sorted(graph.items())
    ]
    return bom


def write(output: Path, epoch: int) -> str | None:
    """Write the SBOM to ``output``; what went wrong, if anything."""
    try:
        bom = bill_of_materials(epoch)
    except subprocess.CalledProcessError:
        return "cyclonedx-py could not list the build environment (see above)"
    except UnknownAsset as problem:
        return str(problem)
    output.write_text(json.dumps(bom, indent=2, sort_keys=True) + "\n")
    return None


def main(arguments: list[str]) -> int:
    """``python -m freeze.sbom [OUTPUT]``: the SBOM of this environment, dated as the build."""
    from .build import UndatedBuild, source_date_epoch  # freeze.build writes the SBOM too

    output = Path(arguments[0]) if arguments else OUTPUT
    try:
        problem = write(output, source_date_epoch())
    except UndatedBuild as undated:
        problem = f"it is dated by its commit, and {undated}: set SOURCE_DATE_EPOCH"
    if problem:
        print(f"The SBOM could not be written: {problem}.", file=sys.stderr)
        return 1
    print(f"Wrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
