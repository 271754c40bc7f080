from desktop.zoom import ZOOM_STEPS, zoomed_in, zoomed_out


def test_zoom_in_and_out_walk_the_browsers_steps():
    assert zoomed_in(1.0) == 1.1
    assert zoomed_out(1.0) == 0.9
    walked = [0.25]
    while walked[-1] != zoomed_in(walked[-1]):
        walked.append(zoomed_in(walked[-1]))
    assert tuple(walked) == ZOOM_STEPS


def test_zoom_stops_at_25_and_500_percent():
    assert zoomed_in(5.0) == 5.0
    assert zoomed_out(0.25) == 0.25


def test_a_zoom_between_steps_goes_to_the_next_step():
    # Ctrl and the mouse wheel zoom between the steps
    assert zoomed_in(1.17) == 1.25
    assert zoomed_out(1.17) == 1.1
