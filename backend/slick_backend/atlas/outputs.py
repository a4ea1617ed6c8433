"""Everything the atlas writes, built in a temporary folder and renamed onto ``--out`` when complete."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from ..atomic import atomic_dir

FORMAT, VERSION = "slick-atlas", 1


def source_records(state: dict) -> tuple[list[dict], list[dict], list]:
    """(the sources' fields with lon / lat, map entries in the grid CRS, time-series rows)."""
    from pyproj import Transformer

    from .grid import north_azimuth
    from .series import source_rows
    from .writers import ellipse_polygon

    sources, obs, slicks, scene_of = state["sources"], state["obs"], state["slicks"], state["slick_scene"]
    if not sources:
        return [], [], []
    xs, ys = np.array([s.x for s in sources]), np.array([s.y for s in sources])
    north = north_azimuth(state["crs"], xs, ys)
    lon, lat = Transformer.from_crs(state["crs"], "EPSG:4326", always_xy=True).transform(xs, ys)
    records, shown, rows = [], [], []
    for k, src in enumerate(sources):
        sid = k + 1
        mine = source_rows(sid, src, obs, state["shape"]["area_m2"], state["shape"]["length_m"])
        rows += mine
        order = sorted(src.slicks, key=lambda i: (obs[scene_of[i]].acq_time, slicks[i].scene, _natural(slicks[i].sid)))
        records.append({
            "id": sid, "n_dates": src.n_dates, "n_slicks": len(src.slicks), "first_date": src.dates[0],
            "last_date": src.dates[-1], "n_observed": len({r.date for r in mine}),
            "confidence": round(src.confidence, 4), "semi_major_m": round(src.semi_major_m, 1),
            "semi_minor_m": round(src.semi_minor_m, 1),
            "orientation_deg": round(float((src.azimuth_grid_deg - north[k]) % 180.0), 1) % 180.0,
            "slick_ids": ";".join(slicks[i].key for i in order),
            "lon": round(float(lon[k]), 7), "lat": round(float(lat[k]), 7),
        })
        shown.append({"id": sid, "n_dates": src.n_dates, "x": src.x, "y": src.y,
                      "ellipse": ellipse_polygon(src.x, src.y, src.semi_major_m, src.semi_minor_m,
                                                 src.azimuth_grid_deg)})
    return records, shown, rows


def _natural(sid: str):
    return (0, int(sid), "") if sid.isdigit() else (1, 0, sid)


def write_outputs(params, state: dict, progress) -> dict:
    from shapely.geometry import Point

    from .figures import write_chart, write_map
    from .recurrence import write_recurrence
    from .report import write_report
    from .series import write_timeseries
    from .writers import SOURCE_FIELDS, write_json, write_sources

    records, shown, rows = source_records(state)
    out = Path(params.out_dir).absolute()
    obs = state["obs"]
    with atomic_dir(out, overwrite=params.overwrite) as tmp:
        progress.update(0.0, "writing recurrence.tif")
        write_recurrence(tmp / "recurrence.tif", state["grid"], state["hits"], state["count"])
        write_sources(tmp / "sources.gpkg", state["crs"], [{f: r[f] for f in SOURCE_FIELDS} for r in records],
                      [Point(s["x"], s["y"]) for s in shown], [s["ellipse"] for s in shown])
        write_timeseries(tmp / "timeseries.csv", rows)
        progress.update(0.2, "drawing the map and the charts")
        write_map(tmp / "atlas.png", state["grid"], state["hits"], state["count"], shown,
                  f"Seep atlas: {len(records)} sources, {len(obs)} scenes, {len({o.date for o in obs})} dates")
        (tmp / "charts").mkdir()
        for k, record in enumerate(records):
            progress.check()
            progress.update(0.3 + 0.6 * k / len(records), f"chart of source {record['id']}")
            write_chart(tmp / "charts" / f"source_{record['id']}.png", record,
                        [r for r in rows if r.source_id == record["id"]])
        summary = {"n_scenes": len(obs), "n_slicks": len(state["slicks"]), "n_dates": len({o.date for o in obs}),
                   "pixel_size": float(params.pixel_size), "cluster_m": float(params.cluster_m),
                   "source_radius_m": float(params.source_radius_m), "min_dates": params.min_dates,
                   "drift": any(o.drift_to_deg is not None for o in obs)}
        write_report(tmp / "report.html", tmp, records, summary)
        write_json(tmp / "atlas.json", atlas_document(params, state, records))
        progress.check()
    progress.update(1.0, f"atlas: {len(records)} sources from {len(state['slicks'])} slicks in {len(obs)} scenes")
    gpkg = out / "sources.gpkg"
    return {"out": str(out), "recurrence": str(out / "recurrence.tif"), "sources": f"{gpkg}|layername=sources",
            "ellipses": f"{gpkg}|layername=ellipses", "timeseries": str(out / "timeseries.csv"),
            "report": str(out / "report.html"),
            "charts": {str(r["id"]): str(out / "charts" / f"source_{r['id']}.png") for r in records},
            "n_scenes": len(obs), "n_slicks": len(state["slicks"]), "n_sources": len(records)}


def atlas_document(params, state: dict, records: list[dict]) -> dict:
    """atlas.json: format, params, grid, counts, the sources' summary and the scenes."""
    obs, cand = state["obs"], state["cand"]
    return {
        "format": FORMAT, "version": VERSION, "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "params": dataclasses.asdict(params), "crs": state["crs"], "grid": state["grid"].to_dict(),
        "counts": {"scenes": len(obs), "scenes_with_slicks": sum(1 for o in obs if o.slicks),
                   "dates": len({o.date for o in obs}), "slicks": len(state["slicks"]),
                   "candidates": int(len(cand.xy)), "directed_candidates": int(cand.directed.sum()),
                   "sources": len(records)},
        "sources": records,
        "scenes": [{"scene": o.scene, "source": str(Path(o.source).absolute()), "acq_time": o.acq_time,
                    "date": o.date, "drift_to_deg": o.drift_to_deg, "n_slicks": len(o.slicks),
                    "footprint_km2": round(float(o.footprint.area) / 1e6, 3)} for o in obs],
    }
