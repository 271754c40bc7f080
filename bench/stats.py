"""Summaries of repeated measurements: min, median, max, and the ratio to a baseline."""

import statistics


def summarize(values: list[float]) -> dict[str, float]:
    return {
        "min": round(min(values), 3),
        "median": round(statistics.median(values), 3),
        "max": round(max(values), 3),
        "runs": len(values),
    }


def ratio(value: dict[str, float], baseline: dict[str, float]) -> float:
    return round(value["median"] / baseline["median"], 2)


def round_by_round(values: list[float], baseline: list[float]) -> dict[str, float]:
    """The summary of each value divided by the baseline's of the same round: a slow moment of
    the machine hits both, so the spread shows how far one run's ratio of medians can be off."""
    return summarize([value / base for value, base in zip(values, baseline, strict=True)])
