"""The atlas end to end on a simulated time series with known seeps (`simulate --site --gaps`), run as an
analyst runs it: `slick-backend atlas` in its own process on the true outlines, the scene files and
the drift CSV. The sources must be where the seeps are, hold that seep's slicks, and leave out of
their time series the dates on which the seep was outside the scene."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import numpy as np
import pyogrio.raw
import pytest
import shapely
from pyproj import Transformer
from slick_backend.progress import NullProgress
from slick_backend.simulate.api import SimulateParams, run_simulate

# Sentralbanken, 20 dates of 384 px (15 km), 4 of them beside the site: SB2 and SB3 leave a labelled
# slick on 5 dates each, SB1 on none (manifest site_seeps)
SERIES = {"mode": "EW", "site": "sentralbanken", "scenes": 20, "size": 384, "seed": 0, "gaps": 0.2}
MATCH_M = 1000.0


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("atlas_sim")
    series = root / "series"
    run_simulate(SimulateParams(out_dir=str(series), **SERIES), NullProgress())
    out = root / "atlas"
    done = subprocess.run([sys.executable, "-m", "slick_backend", "--quiet", "atlas", "--outlines",
                           series / "labels.gpkg", "--coverage", series, "--drift", series / "drift.csv",
                           "--out", out], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    manifest = json.loads((series / "manifest.json").read_text())
    return series, out, manifest, json.loads(done.stdout)


def _truth(manifest):
    to_utm = Transformer.from_crs(4326, manifest["scenes"][0]["utm_epsg"], always_xy=True)
    seeps = {s["seep"]: np.array(to_utm.transform(s["lon"], s["lat"])) for s in manifest["sites"][0]["seeps"]}
    labelled = {name: sum(t["labelled"] for s in manifest["scenes"] for t in s["site_seeps"] if t["seep"] == name)
                for name in seeps}
    return to_utm, seeps, labelled


def _sources(out, to_utm):
    meta, _, wkb, data = pyogrio.raw.read(out / "sources.gpkg", layer="sources")
    fields = dict(zip(meta["fields"], data, strict=True))
    xy = [np.array(to_utm.transform(p.x, p.y)) for p in shapely.from_wkb(wkb)]
    return [{**{k: v[i] for k, v in fields.items()}, "xy": xy[i]} for i in range(len(xy))]


def _nearest(source, seeps):
    name = min(seeps, key=lambda n: np.hypot(*(source["xy"] - seeps[n])))
    return name, float(np.hypot(*(source["xy"] - seeps[name])))


def test_the_series_has_the_truth_the_test_relies_on(run):
    _, _, manifest, _ = run
    _, _, labelled = _truth(manifest)
    assert labelled["SB2"] >= 5 and labelled["SB3"] >= 5
    assert sum(s["gap"] for s in manifest["scenes"]) == 4


def test_the_frequent_seep_is_found_where_it_is(run):
    series, out, manifest, result = run
    to_utm, seeps, labelled = _truth(manifest)
    sources = _sources(out, to_utm)
    assert result["n_sources"] == len(sources) >= 1 and result["n_scenes"] == SERIES["scenes"]
    # every seep with a labelled slick on 5 dates or more (the recall target) has a source within
    # MATCH_M, and the best supported source is at a best supported seep, within 300 m (the issue's
    # target for the median)
    for name, count in labelled.items():
        if count >= 5:
            assert min(_nearest(s, {name: seeps[name]})[1] for s in sources) <= MATCH_M, name
    top = max(sources, key=lambda s: (s["n_dates"], s["n_slicks"]))
    name, dist = _nearest(top, seeps)
    assert labelled[name] == max(labelled.values()) and dist <= 300.0, (name, dist)
    assert 3 <= top["n_dates"] <= labelled[name]
    # every source is a seep (no false source on this series)
    assert all(_nearest(s, seeps)[1] <= MATCH_M for s in sources)


def _held(series, out, manifest):
    """Per source: its nearest seep and the (scene, seep, starts at that seep) of every slick it holds."""
    to_utm, seeps, _ = _truth(manifest)
    meta, _, wkb, data = pyogrio.raw.read(series / "labels.gpkg", layer="slicks")
    fields = dict(zip(meta["fields"], data, strict=True))
    polys = [shapely.transform(g, lambda xy: np.column_stack(to_utm.transform(xy[:, 0], xy[:, 1])))
             for g in shapely.from_wkb(wkb)]
    held = []
    for source in _sources(out, to_utm):
        refs = [ref.rsplit("#", 1) for ref in source["slick_ids"].split(";")]
        assert len(refs) == source["n_slicks"]
        rows = [int(k) - 1 for _, k in refs]  # labels.gpkg has no id field: a slick's id is its feature index + 1
        assert [fields["scene"][r] for r in rows] == [scene for scene, _ in refs]
        slicks = [(fields["scene"][r], fields["seep"][r],
                   fields["seep"][r] in seeps and polys[r].distance(shapely.Point(*seeps[fields["seep"][r]])) < 300.0)
                  for r in rows]
        held.append((source, _nearest(source, seeps)[0], slicks))
    return held


def test_each_date_of_a_source_is_a_slick_of_its_seep(run):
    series, out, manifest, _ = run
    for _source, seep, slicks in _held(series, out, manifest):
        for scene in {scene for scene, _, _ in slicks}:
            assert any(s == seep for sc, s, _ in slicks if sc == scene), (seep, scene, slicks)


def test_a_source_holds_no_slick_that_starts_at_another_seep(run):
    series, out, manifest, _ = run
    for _source, seep, slicks in _held(series, out, manifest):
        assert not [(sc, s) for sc, s, starts in slicks if starts and s != seep], (seep, slicks)


def test_time_series_follows_what_each_scene_saw(run):
    _, out, manifest, _ = run
    to_utm, seeps, _ = _truth(manifest)
    with open(out / "timeseries.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    scenes = {s["id"]: s for s in manifest["scenes"]}
    left_out = 0
    for source in _sources(out, to_utm):
        name, dist = _nearest(source, seeps)
        mine = {r["scene"]: r for r in rows if int(r["source_id"]) == source["id"]}
        assert len({r["date"] for r in mine.values()}) == source["n_observed"]
        for scene_id, scene in scenes.items():
            truth = next(t for t in scene["site_seeps"] if t["seep"] == name)
            if scene["gap"] and not truth["in_view"] and dist < 500.0:
                # the seep was >= 1 km outside this scene: not observed, not a "no slick" date
                assert scene_id not in mine, (name, scene_id)
                left_out += 1
            if scene_id in mine and mine[scene_id]["detected"] == "1":
                assert truth["labelled"], (name, scene_id)
    assert left_out >= 1  # a gap date really left a found seep outside
