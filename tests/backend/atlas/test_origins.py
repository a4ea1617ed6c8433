"""Candidate origins: the up-drift end and the narrow end of the centreline; both ends when neither is
told or the two disagree."""

from __future__ import annotations

import math

import numpy as np
import pytest
from atlas_helpers import CRS, plume
from shapely.geometry import LineString, Point
from slick_backend.atlas.grid import north_azimuth
from slick_backend.atlas.origins import END_RADIUS_M, PERPENDICULAR_DEG, axis, candidate_origins, narrow_end

LINE = LineString([(0, 0), (600, 200), (1000, 0)])  # ends (0, 0) and (1000, 0): west-east overall
INSIDE = np.zeros((1, 2))


@pytest.mark.parametrize(("drift", "end"), [(90.0, (0, 0)), (270.0, (1000, 0)), (60.0, (0, 0)), (200.0, (1000, 0))])
def test_the_up_drift_end_alone_with_weight_one(drift, end):
    cand = candidate_origins([LINE], INSIDE, np.array([drift]))
    assert cand.xy.tolist() == [list(end)] and cand.weight.tolist() == [1.0] and cand.directed.tolist() == [True]


def test_without_drift_both_ends_at_half_weight():
    cand = candidate_origins([LINE], INSIDE, np.array([np.nan]))
    assert sorted(map(tuple, cand.xy.tolist())) == [(0, 0), (1000, 0)]
    assert cand.weight.tolist() == [0.5, 0.5] and not cand.directed.any() and cand.slick.tolist() == [0, 0]


def test_a_drift_square_to_the_slick_cannot_tell_the_ends_apart():
    for drift in (0.0, 180.0, PERPENDICULAR_DEG - 1, 180.0 + PERPENDICULAR_DEG - 1):  # near north or south
        cand = candidate_origins([LINE], INSIDE, np.array([drift]))
        assert cand.weight.tolist() == [0.5, 0.5], drift
    for drift in (PERPENDICULAR_DEG + 1, 360.0 - PERPENDICULAR_DEG - 1):  # just outside the band: one end
        cand = candidate_origins([LINE], INSIDE, np.array([drift]))
        assert cand.weight.tolist() == [1.0], drift


def test_no_axis_gives_the_inside_point():
    cand = candidate_origins([None, LINE], np.array([[5.0, 7.0], [0.0, 0.0]]), np.array([45.0, np.nan]))
    assert cand.xy[0].tolist() == [5.0, 7.0] and cand.weight[0] == 1.0 and not cand.directed[0]
    assert cand.slick.tolist() == [0, 1, 1]


@pytest.mark.parametrize("towards", [0.0, 75.0, 160.0, 250.0, 330.0])
def test_a_plume_from_its_centreline_points_back_at_the_seep(towards):
    seep = (10_000.0, 20_000.0)
    geom = plume(seep, towards)
    line, length = axis(geom)
    assert 3900 < length < 4200  # the plume is 4060 m from tip to tail
    with_drift = candidate_origins([line], INSIDE, np.array([towards]))
    assert with_drift.directed.all() and math.dist(with_drift.xy[0], seep) < 100
    reverse = candidate_origins([line], INSIDE, np.array([(towards + 180) % 360]))
    assert math.dist(reverse.xy[0], seep) > 3800  # told the wrong way, it takes the far end


def test_a_multipart_slick_uses_its_longest_part_and_sums_the_lengths():
    big, small = plume((0.0, 0.0), 90.0), Point(0, 10_000).buffer(300)
    line, length = axis(big.union(small))
    ref, ref_length = axis(big)
    assert line.equals(ref) and length > ref_length + 400  # the disk adds its chord (~600 m)


def test_true_north_on_the_grid_east_of_the_central_meridian():
    from pyproj import Transformer

    x, y = Transformer.from_crs("EPSG:4326", CRS, always_xy=True).transform([9.0, 11.5], [60.0, 60.0])
    az = north_azimuth(CRS, x, y)
    assert abs(az[0]) < 0.01  # on zone 32's central meridian grid north is true north
    expected = -math.degrees(math.atan(math.tan(math.radians(2.5)) * math.sin(math.radians(60))))
    assert az[1] == pytest.approx(expected, abs=0.05)  # meridians converge: true north leans west of grid north


@pytest.mark.parametrize("towards", [0.0, 75.0, 250.0])
def test_the_narrow_end_of_a_plume_is_at_its_seep(towards):
    seep = (10_000.0, 20_000.0)
    geom = plume(seep, towards)
    line, _ = axis(geom)
    end = narrow_end(geom, line)
    assert end in (0, 1) and math.dist(line.coords[-end], seep) < 100
    alone = candidate_origins([line], INSIDE, np.array([np.nan]), narrow=np.array([end]))
    assert alone.directed.all() and alone.weight.tolist() == [1.0] and math.dist(alone.xy[0], seep) < 100
    agree = candidate_origins([line], INSIDE, np.array([towards]), narrow=np.array([end]))
    assert agree.xy.tolist() == alone.xy.tolist() and agree.directed.all()


def test_drift_and_shape_that_disagree_give_both_ends():
    geom = plume((0.0, 0.0), 90.0)
    line, _ = axis(geom)
    end = narrow_end(geom, line)
    cand = candidate_origins([line], INSIDE, np.array([270.0]), narrow=np.array([end]))
    assert cand.weight.tolist() == [0.5, 0.5] and not cand.directed.any()


def test_an_even_or_short_slick_has_no_narrow_end():
    band = LineString([(0, 0), (5000, 0)]).buffer(200, cap_style="flat")
    assert narrow_end(band, axis(band)[0]) == -1  # as wide at both ends
    short = plume((0.0, 0.0), 90.0, length=2 * END_RADIUS_M)
    line, _ = axis(short)
    assert line.length < 3 * END_RADIUS_M and narrow_end(short, line) == -1
