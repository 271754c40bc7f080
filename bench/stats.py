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
