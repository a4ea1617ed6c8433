"""Plume pieces: an axis end that another slick of the scene continues is no candidate, and the piece
supports the source of the piece it continues."""

from __future__ import annotations

import math

import numpy as np
from atlas_helpers import plume
from shapely.geometry import LineString
from slick_backend.atlas.cluster import find_sources
from slick_backend.atlas.fragments import GAP_M, continued_ends
from slick_backend.atlas.origins import axis, candidate_origins

SEEP = (10_000.0, 20_000.0)


def pieces(towards: float, gap: float):
    """A 6 km plume towards a bearing, cut at 3 km by a gap of ``gap`` metres: (head, tail) polygons."""
    a = math.radians(towards)
    u = np.array([math.sin(a), math.cos(a)])
    head = plume(SEEP, towards, length=3000.0, tail=200.0)
    tail_start = np.asarray(SEEP) + (3000.0 + gap) * u
    tail = LineString([tail_start, tail_start + 3000 * u]).buffer(200.0, cap_style="flat")
    return head, tail


def candidates_of(geoms, scene, drift):
    lines = [axis(g)[0] for g in geoms]
    links = continued_ends(geoms, lines, np.asarray(scene))
    inside = np.array([g.representative_point().coords[0] for g in geoms])
    return candidate_origins(lines, inside, np.asarray(drift, float), links), links


def test_the_tail_piece_of_a_broken_plume_gives_no_candidate():
    head, tail = pieces(60.0, 300.0)
    cand, links = candidates_of([head, tail], [0, 0], [60.0, 60.0])
    assert cand.slick.tolist() == [0] and math.dist(cand.xy[0], SEEP) < 100  # the head's up-drift end only
    assert links[1].tolist().count(0) == 1 and links[0].tolist().count(1) == 1  # linked both ways at the cut
    undirected, _ = candidates_of([head, tail], [0, 0], [np.nan, np.nan])
    assert undirected.slick.tolist() == [0, 1] and undirected.weight.tolist() == [0.5, 0.5]  # the chain's two tips
    assert min(math.dist(p, SEEP) for p in undirected.xy) < 100


def test_pieces_of_other_scenes_or_beyond_the_gap_stay_apart():
    head, tail = pieces(60.0, 300.0)
    cand, links = candidates_of([head, tail], [0, 1], [60.0, 60.0])
    assert (links == -1).all() and cand.slick.tolist() == [0, 1]
    far_head, far_tail = pieces(60.0, 3 * GAP_M)
    _, links = candidates_of([far_head, far_tail], [0, 0], [60.0, 60.0])
    assert (links == -1).all()


def test_two_plumes_leaving_one_seep_keep_both_heads():
    cand, links = candidates_of([plume(SEEP, 40.0), plume(SEEP, 100.0)], [0, 0], [40.0, 100.0])
    assert cand.slick.tolist() == [0, 1] and all(math.dist(p, SEEP) < 100 for p in cand.xy)


def test_a_source_counts_its_plume_pieces():
    """Three dates of a broken plume: one source of 3 dates, 6 slicks, placed by the heads alone."""
    geoms, scene, drift = [], [], []
    for k, towards in enumerate((20.0, 70.0, 120.0)):
        geoms += pieces(towards, 200.0)
        scene += [k, k]
        drift += [towards, towards]
    cand, links = candidates_of(geoms, scene, drift)
    dates = [f"2021-06-0{k + 1}" for k in scene]
    sources = find_sources(cand, dates, 1500.0, 2, 50.0, links)
    assert len(sources) == 1 and sources[0].slicks == list(range(6)) and sources[0].n_dates == 3
    assert math.dist((sources[0].x, sources[0].y), SEEP) < 100
    without = find_sources(cand, dates, 1500.0, 2, 50.0)
    assert without[0].slicks == [0, 2, 4]  # the heads only, when the links are not given
