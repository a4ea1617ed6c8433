"""The options that say how a scene is read (prepare, predict, baseline) and where no slick is mapped
(predict, baseline); their dests are the params fields of the same names (cli/params.py)."""

from __future__ import annotations

import argparse

from ..scenes.options import CALIBRATIONS, KINDS

VALUE_KINDS = ["auto", *KINDS]
POLARISATIONS = ["HH", "VV", "HV", "VH"]


def add_scene_options(p: argparse.ArgumentParser, calibration_default: str | None = "none") -> None:
    p.add_argument("--value-kind", default="auto", choices=VALUE_KINDS,
                   help="what the raster values are (default: detected from data type and values)")
    p.add_argument("--polarisation", type=str.upper, choices=POLARISATIONS, metavar="POL",
                   help="band of a Sentinel-1 product (.SAFE / .zip) to read: HH, VV, HV or VH "
                   "(default: the co-polarised HH or VV)")
    default_text = "the model's own (as its training data was read)" if calibration_default is None else calibration_default
    p.add_argument("--calibration", choices=list(CALIBRATIONS), default=calibration_default,
                   help="for a Sentinel-1 product: none (amplitude DN), sigma0, or sigma0-denoised (thermal noise "
                   f"removed with the product's noise annotation; default {default_text})")


def add_mask_options(p: argparse.ArgumentParser) -> None:
    """Where no slick is mapped (predict, baseline)."""
    p.add_argument("--no-land-mask", dest="land_mask", action="store_false",
                   help="map over land too (default: no slick over land: GSHHG coastline plus --land-buffer-km)")
    p.add_argument("--land-buffer-km", type=float, default=1.0, metavar="KM",
                   help="distance from the coastline that is masked with the land (default 1)")
    p.add_argument("--mask", dest="masks", nargs="+", default=[], metavar="FILE",
                   help="areas to mask: polygons in any vector format and CRS, or a raster whose non-zero "
                   "pixels are masked (land, sea ice, platforms)")
