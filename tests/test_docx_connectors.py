"""Arrows as Word's preset connectors: every orthogonal polyline of up to five segments is drawn exactly."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sopdesk.exporters.docx import docx_bytes
from sopdesk.exporters.docx_connectors import PresetConnector, fit_preset, preset_points
from sopdesk.interchange import read_sop_json
from sopdesk.layout import estimate_measure, layout

from .conftest import FIXTURE_FILES


def close(a, b, tolerance=0.02):
    return len(a) == len(b) and all(abs(p[0] - r[0]) <= tolerance and abs(p[1] - r[1]) <= tolerance
                                    for p, r in zip(a, b))


@pytest.mark.parametrize("points, prst, rot90, flips", [
    ([(10, 10), (10, 30)], "straightConnector1", False, (False, False)),
    ([(10, 30), (10, 10)], "straightConnector1", False, (False, True)),
    ([(30, 10), (10, 10)], "straightConnector1", False, (True, False)),
    ([(10, 10), (20, 10), (20, 30)], "bentConnector2", False, (False, False)),
    ([(10, 10), (10, 30), (30, 30)], "bentConnector2", True, (False, True)),
    ([(10, 10), (10, 20), (30, 20), (30, 40)], "bentConnector3", True, (False, True)),
    ([(10, 10), (5, 10), (5, 40), (12, 40)], "bentConnector3", False, (False, False)),
    ([(10, 10), (10, 15), (40, 15), (40, 5), (60, 5)], "bentConnector4", True, (True, True)),
    ([(0, 0), (5, 0), (5, 9), (2, 9), (2, 20), (30, 20)], "bentConnector5", False, (False, False)),
])
def test_known_shapes_get_their_preset(points, prst, rot90, flips):
    preset = fit_preset(points)
    assert (preset.prst, preset.rot90, (preset.flip_h, preset.flip_v)) == (prst, rot90, flips)
    assert close(preset_points(preset), points)


def test_a_loop_back_into_its_own_column_stays_a_free_path():
    # Out to the left and back to the same x: the box between the two ends has no width to bend in.
    assert fit_preset([(10, 10), (5, 10), (5, 40), (10, 40)]) is None
    assert fit_preset([(0, 0), (1, 0), (1, 1), (2, 1), (2, 2), (3, 2), (3, 3)]) is None  # six segments


def test_a_quarter_turn_turns_clockwise_about_the_box_centre():
    preset = PresetConnector("straightConnector1", 0, 10, 20, 0, rot90=True)
    assert close(preset_points(preset), [(10, 0), (10, 20)])


@st.composite
def polylines(draw):
    count = draw(st.integers(1, 5))
    x, y = draw(st.integers(0, 300)), draw(st.integers(0, 300))
    points = [(x / 2, y / 2)]
    horizontal = draw(st.booleans())
    for _ in range(count):
        step = draw(st.integers(1, 200)) * draw(st.sampled_from([-1, 1])) / 2
        x, y = points[-1]
        points.append((x + step, y) if horizontal else (x, y + step))
        horizontal = not horizontal
    return points


@given(points=polylines())
def test_any_orthogonal_polyline_is_drawn_exactly_or_left_to_the_free_path(points):
    preset = fit_preset(points)
    if preset is not None:
        assert close(preset_points(preset), points)
        assert preset.w >= 0 and preset.h >= 0


@pytest.mark.parametrize("fixture", FIXTURE_FILES, ids=lambda p: p.stem)
def test_nearly_every_arrow_of_the_fixtures_is_a_preset_connector(fixture):
    sop = read_sop_json(fixture)
    document = layout(sop, estimate_measure)
    data = docx_bytes(document, sop)
    connectors = [c for p in document.pages for c in p.connectors if len(c.points) >= 2]
    presets = [c for c in connectors if fit_preset(c.points) is not None]
    assert data.count(b"a:custGeom") == len(connectors) - len(presets)
    assert len(presets) >= 0.8 * len(connectors)
