"""The README's concept map: every note of the tour, and every page it names exists."""

import html
import re

import pytest

from harness.process import ROOT
from webapp.main.tour import NOTES

from .helpers import submit_name

README = ROOT / "README.md"


def concept_map() -> str:
    text = README.read_text(encoding="utf-8")
    return text[text.index("## The concept map\n") : text.index("## Screenshots\n")]


def table_rows(section: str, header: str) -> list[list[str]]:
    """The cells of the markdown table whose header row starts with ``header``."""
    lines = section[section.index(header) :].splitlines()
    rows = []
    for line in lines[2:]:
        if not line.startswith("|"):
            break
        cells = re.split(r"(?<!\\)\|", line.strip())[1:-1]
        rows.append([cell.strip() for cell in cells])
    return rows


def unmarked(cell: str) -> str:
    return html.unescape(re.sub(r"\\(.)", r"\1", cell))


def pages_named(cell: str) -> list[str]:
    """The paths in a cell: `/a`, `GET, POST /b` and the like."""
    return [code.split()[-1] for code in re.findall(r"`([^`]+)`", cell) if "/" in code]


@pytest.fixture
def named(client):
    submit_name(client, "Alice")  # so that /user/1 is a name of the history
    return client


def test_the_concept_map_has_every_note_of_the_tour_in_its_order(app):
    rows = table_rows(concept_map(), "| Ch. | Pg. | Note")
    with app.test_request_context():
        expected = [(str(note.chapter), str(note.page), note.text, note.url) for note in NOTES]
    assert [(ch, pg, unmarked(note), pages_named(page)[0]) for ch, pg, note, page, _ in rows] == (
        expected
    )


def test_every_page_the_notes_table_names_exists(named):
    for row in table_rows(concept_map(), "| Ch. | Pg. | Note"):
        path = pages_named(row[3])[0]
        assert named.get(path).status_code in (200, 302, 400), path


def test_every_page_the_pages_table_names_is_a_rule_of_the_app(app):
    rules = {rule.rule for rule in app.url_map.iter_rules()}
    rows = table_rows(concept_map(), "| Concept (book chapter) | Page |")
    named = [path for row in rows for path in pages_named(row[1])]
    assert len(named) > 20
    assert set(named) <= rules, set(named) - rules
    pages = {rule.rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("main.")}
    assert pages - {"/flask-moment.js", "/threads/probe", "/responses/<response_id>"} <= set(named)


def test_every_screenshot_the_readme_shows_is_in_docs():
    text = README.read_text(encoding="utf-8")
    shown = re.findall(r"docs/screenshots/[\w.-]+\.png", text)
    assert len(shown) > 40
    assert [path for path in shown if not (ROOT / path).is_file()] == []
