"""The build's SBOM (freeze/sbom.py): every Python package and vendored asset, in CycloneDX."""

import base64
import hashlib
import json
import re
import subprocess
from pathlib import Path

import pytest
from flask_bootstrap import Bootstrap5

from .helpers import DIST, ROOT

BUILD_PYTHON = ROOT / "build" / "venv" / "bin" / "python"
BUNDLE = DIST / "flasky-onedir" / "_internal"
# Where the app serves each vendored file from.
SERVED_AT = {
    "webapp/static/vendor/moment/moment-with-locales.min.js": (
        "/static/vendor/moment/moment-with-locales.min.js"
    ),
    "flask_bootstrap/static/bootstrap5/css/bootstrap.min.css": (
        "/bootstrap/static/css/bootstrap.min.css"
    ),
    "flask_bootstrap/static/bootstrap5/js/bootstrap.min.js": (
        "/bootstrap/static/js/bootstrap.min.js"
    ),
    "flask_bootstrap/static/bootstrap5/umd/popper.min.js": "/bootstrap/static/umd/popper.min.js",
}
VALIDATE = """
import sys
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
problem = JsonStrictValidator(SchemaVersion.V1_6).validate_str(open(sys.argv[1]).read())
sys.exit(str(problem) if problem else 0)
"""


def run(*command: str | Path) -> subprocess.CompletedProcess:
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, f"{command} failed:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def sbom_file(tmp_path_factory) -> Path:
    """An SBOM written by freeze/sbom.py in the build environment (made as `make dist` makes
    it), without a build."""
    run("make", "--no-print-directory", "build/venv/.installed")
    output = tmp_path_factory.mktemp("sbom") / "flasky.cdx.json"
    run(BUILD_PYTHON, "-m", "freeze.sbom", output)
    return output


@pytest.fixture(scope="module")
def sbom(sbom_file) -> dict:
    return json.loads(sbom_file.read_text())


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked(lock: str) -> dict[str, str]:
    """The packages a lock file pins, and their versions."""
    pins = re.findall(r"^([\w.-]+)==(\S+)", (ROOT / lock).read_text(), re.MULTILINE)
    return {normalized(name): version for name, version in pins}


def packages(sbom: dict) -> dict[str, dict]:
    return {
        normalized(component["name"]): component
        for component in sbom["components"]
        if component["bom-ref"] != component.get("purl")  # the vendored assets
    }


def vendored_files(sbom: dict) -> dict[str, dict[str, str]]:
    """Each vendored file's path in the bundle, and its hashes by algorithm."""
    return {
        file["name"]: {digest["alg"]: digest["content"] for digest in file["hashes"]}
        for component in sbom["components"]
        for file in component.get("components", [])
    }


def test_sbom_is_valid_cyclonedx(sbom_file):
    run(BUILD_PYTHON, "-c", VALIDATE, sbom_file)


def test_every_package_of_the_app_is_in_the_sbom_with_its_locked_version_as_required(sbom):
    listed = packages(sbom)
    app = locked("requirements.lock")
    assert len(app) > 20
    for name, version in app.items():
        assert name in listed, f"{name} is not in the SBOM"
        assert (listed[name]["version"], listed[name]["scope"]) == (version, "required"), name


def test_build_tools_are_listed_as_excluded_and_what_ships_of_them_as_required(sbom):
    listed = packages(sbom)
    build = locked("requirements-build.lock")
    assert {name: component["version"] for name, component in listed.items()} == build
    scopes = {name: listed[name]["scope"] for name in build.keys() - locked("requirements.lock")}
    bootloader_and_one_file = {"pyinstaller", "zstandard", "python-xlib", "six"}
    assert {name for name, scope in scopes.items() if scope == "required"} == (
        bootloader_and_one_file
    )
    assert scopes["pyinstaller-hooks-contrib"] == scopes["cyclonedx-bom"] == "excluded"


def test_vendored_assets_are_in_the_sbom_with_their_recorded_versions_and_checksums(sbom):
    assets = {c["name"]: c for c in sbom["components"] if c["bom-ref"] == c.get("purl")}
    moment = json.loads((ROOT / "webapp/static/vendor/moment/VENDOR.json").read_text())
    assert (assets["moment"]["version"], assets["bootstrap"]["version"]) == (
        moment["version"],
        Bootstrap5.bootstrap_version,
    )
    assert assets["moment"]["licenses"] == assets["bootstrap"]["licenses"]
    assert assets["moment"]["licenses"] == [{"license": {"id": "MIT"}}]
    files = vendored_files(sbom)
    assert files[f"webapp/static/vendor/moment/{moment['file']}"]["SHA-256"] == moment["sha256"]
    # Bootstrap-Flask records Bootstrap's files by their SHA-384 (for a CDN's integrity check).
    for name, integrity in [
        ("css/bootstrap.min.css", Bootstrap5.bootstrap_css_integrity),
        ("js/bootstrap.min.js", Bootstrap5.bootstrap_js_integrity),
    ]:
        recorded = base64.b64decode(integrity.removeprefix("sha384-")).hex()
        assert files[f"flask_bootstrap/static/bootstrap5/{name}"]["SHA-384"] == recorded


def test_sbom_hashes_are_those_of_the_files_the_app_serves(sbom, client):
    files = vendored_files(sbom)
    assert files.keys() == SERVED_AT.keys()
    for name, url in SERVED_AT.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert hashlib.sha256(response.data).hexdigest() == files[name]["SHA-256"], url


def test_make_dist_writes_the_same_sbom_and_it_lists_every_vendored_file_of_the_bundle(
    frozen, sbom_file
):
    built = DIST / "flasky.cdx.json"
    assert built.read_bytes() == sbom_file.read_bytes()  # no date or serial of its own
    files = vendored_files(json.loads(built.read_text()))
    shipped = [
        path.relative_to(BUNDLE).as_posix()
        for folder in ("webapp/static/vendor", "flask_bootstrap/static")
        for path in (BUNDLE / folder).rglob("*")
        if path.suffix in {".js", ".css"}
    ]
    assert sorted(shipped) == sorted(files)
    for name, hashes in files.items():
        assert hashlib.sha256((BUNDLE / name).read_bytes()).hexdigest() == hashes["SHA-256"]
