"""The texts moment.js renders for a time in 'LLL' format, computed in Python to compare."""

from datetime import datetime

GERMAN_MONTHS = [
    "Januar", "Februar", "März", "April", "Mai", "Juni",
    "Juli", "August", "September", "Oktober", "November", "Dezember",
]  # fmt: skip


def english_lll(moment: datetime) -> str:
    """moment.js's 'LLL' in English: November 25, 2026 9:50 PM."""
    hour = moment.hour % 12 or 12
    noon = "AM" if moment.hour < 12 else "PM"
    return f"{moment:%B} {moment.day}, {moment.year} {hour}:{moment:%M} {noon}"


def german_lll(moment: datetime) -> str:
    """moment.js's 'LLL' in German: 25. November 2026 21:50."""
    return f"{moment.day}. {GERMAN_MONTHS[moment.month - 1]} {moment.year} {moment:%H:%M}"
