"""The zoom levels of View → Zoom In and Zoom Out: the steps browsers use."""

ZOOM_STEPS = (
    *(0.25, 0.33, 0.5, 0.67, 0.75, 0.8, 0.9),
    1.0,
    *(1.1, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 4.0, 5.0),
)
ACTUAL_SIZE = 1.0


def zoomed_in(factor: float) -> float:
    """The next step above ``factor`` (the last step stays)."""
    return next((step for step in ZOOM_STEPS if step > factor + 0.001), ZOOM_STEPS[-1])


def zoomed_out(factor: float) -> float:
    """The next step below ``factor`` (the first step stays)."""
    return next((step for step in reversed(ZOOM_STEPS) if step < factor - 0.001), ZOOM_STEPS[0])
