"""Weighted DBSCAN of candidate origins into sources: known centres, noise, min_dates, the ellipse."""

from __future__ import annotations

import math

import numpy as np
import pytest
from slick_backend.atlas.cluster import (
    CHI2_95_2D,
    confidence,
    ellipse,
    find_sources,
    one_cluster_per_slick,
    peaks,
    weighted_dbscan,
)
from slick_backend.atlas.origins import Candidates

CENTRES = [(2_000.0, 3_000.0), (8_000.0, 3_500.0)]


def candidates(xy, dates, weight=None, directed=None, slick=None) -> tuple[Candidates, list[str]]:
    """One slick per point unless ``slick`` says otherwise; dates as day numbers in June 2021."""
    xy = np.asarray(xy, float)
    n = len(xy)
    slick = np.arange(n) if slick is None else np.asarray(slick)
    cand = Candidates(xy, np.ones(n) if weight is None else np.asarray(weight, float), slick,
                      np.ones(n, bool) if directed is None else np.asarray(directed, bool))
    per_slick = {}
    for s, d in zip(slick.tolist(), dates, strict=True):
        per_slick[s] = f"2021-06-{d:02d}"
    return cand, [per_slick[s] for s in range(max(per_slick) + 1)]


def test_two_clusters_of_known_centres_and_noise():
    rng = np.random.default_rng(3)
    points, dates = [], []
    for cx, cy in CENTRES:
        points += (rng.normal(0, 150, (20, 2)) + (cx, cy)).tolist()
        dates += list(range(1, 21))
    noise = [(15_000.0, 15_000.0), (-8_000.0, 4_000.0), (5_000.0, 12_000.0), (20_000.0, -3_000.0)]
    points += noise
    dates += [5, 6, 7, 8]
    cand, slick_dates = candidates(points, dates)
    sources = find_sources(cand, slick_dates, eps=1000.0, min_dates=2, floor=50.0)
    assert len(sources) == 2
    for src, (cx, cy) in zip(sorted(sources, key=lambda s: s.x), CENTRES, strict=True):
        assert len(src.slicks) == 20 and src.n_dates == 20  # no noise point joined
        assert math.hypot(src.x - cx, src.y - cy) < 3 * 150 / math.sqrt(20) * 1.5
        assert 50.0 <= src.semi_minor_m <= src.semi_major_m < 200
        assert src.directed_share == 1.0 and src.confidence == pytest.approx(1 - 2.0**-20)
    assert not set(range(40, 44)) & {s for src in sources for s in src.slicks}


def test_min_dates_counts_distinct_dates_not_slicks():
    rng = np.random.default_rng(0)
    xy = rng.normal(0, 100, (6, 2))
    cand, slick_dates = candidates(xy, [1, 1, 1, 2, 2, 2])  # six slicks, two dates
    assert len(find_sources(cand, slick_dates, 1000.0, min_dates=2, floor=50.0)) == 1
    assert find_sources(cand, slick_dates, 1000.0, min_dates=3, floor=50.0) == []
    one_date, dates1 = candidates(xy, [4] * 6)
    assert find_sources(one_date, dates1, 1000.0, min_dates=2, floor=50.0) == []  # one date: no core point
    single = find_sources(one_date, dates1, 1000.0, min_dates=1, floor=50.0)
    assert len(single) == 1 and single[0].dates == ["2021-06-04"] and len(single[0].slicks) == 6


def test_the_ellipse_shrinks_with_more_members():
    """The same east-west spread repeated k times: the 95 % ellipse of the mean is the sample covariance
    (np.cov) over n, scaled by the chi-square quantile, so it shrinks like 1 / sqrt(n)."""
    pattern = np.array([[400.0, 0.0], [-400.0, 0.0], [0.0, 100.0], [0.0, -100.0]]) + (5_000.0, 7_000.0)
    sizes = []
    for k in (1, 4, 16):
        xy = np.tile(pattern, (k, 1))
        x, y, major, minor, azimuth = ellipse(xy, np.ones(len(xy)), floor=1.0)
        var = np.diag(np.cov(xy.T)) / len(xy)
        assert (x, y) == (pytest.approx(5_000.0), pytest.approx(7_000.0))
        assert major == pytest.approx(math.sqrt(CHI2_95_2D * var[0]))
        assert minor == pytest.approx(math.sqrt(CHI2_95_2D * var[1]))
        assert azimuth == pytest.approx(90.0)  # the long axis runs east-west
        sizes.append(major)
    assert sizes[0] > 1.9 * sizes[1] > 3.8 * sizes[2]


def test_the_ellipse_is_floored_at_half_a_pixel():
    x, y, major, minor, azimuth = ellipse(np.array([[10.0, 20.0]] * 4), np.ones(4), floor=50.0)
    assert (x, y, major, minor, azimuth) == (10.0, 20.0, 50.0, 50.0, 0.0)


def test_weights_pull_the_position():
    x, y, *_ = ellipse(np.array([[0.0, 0.0], [300.0, 0.0]]), np.array([1.0, 0.5]), floor=1.0)
    assert (x, y) == (pytest.approx(100.0), 0.0)


def test_half_weight_ends_of_two_dates_make_a_source():
    """Without drift: the seep ends of two slicks (0.5 each) cluster; their far ends, 4 km apart, do not."""
    xy = [(0, 0), (4000, 0), (50, 30), (0, 4000)]
    cand, slick_dates = candidates(xy, [1, 1, 2, 2], weight=[0.5] * 4, directed=[False] * 4, slick=[0, 0, 1, 1])
    sources = find_sources(cand, slick_dates, 1000.0, min_dates=2, floor=50.0)
    assert len(sources) == 1 and sources[0].slicks == [0, 1] and sources[0].directed_share == 0.0
    assert (sources[0].x, sources[0].y) == (pytest.approx(25.0), pytest.approx(15.0))
    assert sources[0].confidence == pytest.approx(0.75 * 0.5)


def test_a_lone_point_is_noise_and_clusters_grow_through_core_points():
    xy = np.array([[0, 0], [900, 0], [1800, 0], [2700, 0], [9000, 0]], float)
    labels = weighted_dbscan(xy, np.ones(5), np.array([0, 1, 2, 3, 4]), eps=1000.0)
    assert labels.tolist() == [0, 0, 0, 0, -1]


def test_a_slick_in_two_clusters_stays_in_the_heavier():
    labels = np.array([0, 1, 0, 0, 1])
    weight = np.array([0.5, 0.5, 1.0, 1.0, 1.0])
    slick = np.array([7, 7, 1, 2, 3])  # slick 7: one end in each cluster; cluster 0 weighs 2.5, cluster 1 1.5
    assert one_cluster_per_slick(labels, weight, slick).tolist() == [0, -1, 0, 0, 1]


def test_confidence_grows_with_dates_and_drift():
    assert confidence(1, 0.0) == 0.25 and confidence(2, 1.0) == 0.75
    assert confidence(5, 1.0) > confidence(3, 1.0) > confidence(3, 0.5) > confidence(3, 0.0)
    assert 0 < confidence(1, 0.0) and confidence(50, 1.0) <= 1.0


def _seep(rng, centre, dates, sd=100.0):
    return (rng.normal(0, sd, (len(dates), 2)) + centre).tolist(), list(dates)


def test_a_chain_keeps_only_its_dense_place():
    """A seep's candidates on 8 dates at the origin and a chain of loose ends every 600 m eastwards,
    one date each: at 1500 m DBSCAN links them all; the source is the dense place only."""
    rng = np.random.default_rng(5)
    xy, dates = _seep(rng, (0.0, 0.0), range(1, 9))
    xy += [(1000.0 + 600.0 * k, 0.0) for k in range(12)]
    dates += list(range(9, 21))
    cand, slick_dates = candidates(xy, dates)
    whole = find_sources(cand, slick_dates, 1500.0, min_dates=3, floor=50.0)
    assert len(whole) == 1 and whole[0].x > 1000.0  # the chain drags the whole cluster's mean away
    sources = find_sources(cand, slick_dates, 1500.0, min_dates=3, floor=50.0, radius=400.0)
    assert len(sources) == 1 and sources[0].slicks == list(range(8))
    assert math.hypot(sources[0].x, sources[0].y) < 100.0


def test_two_dense_places_in_one_cluster_are_two_sources():
    rng = np.random.default_rng(6)
    xy_a, dates_a = _seep(rng, (0.0, 0.0), range(1, 7))
    xy_b, dates_b = _seep(rng, (1200.0, 0.0), range(3, 10))
    cand, slick_dates = candidates(xy_a + xy_b, dates_a + dates_b)
    assert len(find_sources(cand, slick_dates, 1500.0, min_dates=3, floor=50.0)) == 1  # one DBSCAN cluster
    sources = sorted(find_sources(cand, slick_dates, 1500.0, min_dates=3, floor=50.0, radius=400.0),
                     key=lambda s: s.x)
    assert [s.slicks for s in sources] == [list(range(6)), list(range(6, 13))]
    assert abs(sources[0].x) < 150.0 and abs(sources[1].x - 1200.0) < 150.0


def test_peaks_start_where_most_dates_meet_and_stop_below_min_dates():
    """Peaks come densest first and shift to the mean of their members; pairs of two dates make no
    peak at min_dates 3; candidates of one date do not count twice."""
    xy = np.array([[0, 0], [100, 0], [0, 100], [100, 100], [50, 50],  # five dates
                   [3000, 0], [3100, 0], [3050, 50],  # three dates
                   [6000, 0], [6100, 0], [6050, 50], [6000, 60]], float)  # two dates, four candidates
    date = np.array([1, 2, 3, 4, 5, 1, 2, 3, 1, 1, 2, 2])
    found = peaks(xy, np.ones(len(xy)), date, radius=400.0, min_dates=3)
    assert [sorted(m.tolist()) for m in found] == [[0, 1, 2, 3, 4], [5, 6, 7]]


def test_min_dates_one_and_no_radius_keep_the_old_behaviour():
    xy = [(0.0, 0.0), (900.0, 0.0)]
    cand, slick_dates = candidates(xy, [1, 2])
    assert len(find_sources(cand, slick_dates, 1000.0, min_dates=2, floor=50.0)) == 1
    split = find_sources(cand, slick_dates, 1000.0, min_dates=1, floor=50.0, radius=400.0)
    assert sorted(s.slicks for s in split) == [[0], [1]]  # 900 m apart: two places at radius 400
