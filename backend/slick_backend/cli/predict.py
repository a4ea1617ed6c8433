"""`slick-backend predict --model DIR --scene RASTER --out PREFIX`: a model over a whole scene;
``--scenes A B ... --out DIR``: over many (cli/predict_batch.py)."""

from __future__ import annotations

import json

from .params import params_from_args
from .predict_batch import add_batch_options, check_form, run_batch
from .scene_args import add_mask_options, add_scene_options


def add_parser(subparsers):
    p = subparsers.add_parser(
        "predict",
        help="run a model over a whole scene: probability, mask and slick outlines",
        description=(
            "Run a trained model over a whole Sentinel-1 scene with overlapping windows blended by a "
            "Hann weight (no seams at window edges), in strips so memory does not grow with the scene. "
            "Writes PREFIX_prob.tif (float32 probability 0..1, nodata -1), PREFIX_mask.tif (uint8: 1 = slick, "
            "0 = not, 255 = nodata) and PREFIX_slicks.gpkg (layer 'slicks': outlines with area, perimeter, "
            "centreline length, mean width, shape measures, confidence, distance to coast, scene, time; layer "
            "'centrelines'; every field in docs/outlines.md). Land (the GSHHG coastline + 1 km) and --mask "
            "areas are nodata with no outline (docs/masks.md). Rasters are tiled, deflate-compressed "
            "GeoTIFFs with overviews on the scene's UTM grid at the model's pixel size; an input already in "
            "UTM at that pixel size keeps its exact grid. With --scenes A B ... (files, product folders or "
            "zips, folders, @list.txt) and --out DIR: many scenes, resumable (docs/batch.md)."
        ),
    )
    p.add_argument("--model", default="", metavar="MODEL",
                   help="model dir written by `slick-backend train`, or a shipped model name (slick-s1-source)")
    p.add_argument("--scene", default=None, metavar="SCENE",
                   help="Sentinel-1 scene: any raster `prepare` accepts, or a product (.SAFE folder or .zip)")
    p.add_argument("--out", required=True, metavar="PREFIX",
                   help="output prefix, e.g. out/scene1 (with --scenes: an output folder)")
    add_batch_options(p)
    p.add_argument("--overlap", type=float, default=0.25,
                   help="fraction of the tile shared with the neighbouring window on each side (default 0.25: "
                        "windows every half tile)")
    p.add_argument("--batch-size", type=int, default=8, help="windows per forward pass (default 8)")
    p.add_argument("--tta", action="store_true", help="average the 8 flips and quarter turns (8x slower)")
    p.add_argument("--threshold", type=float, default=None,
                   help="probability threshold of the mask (default: the model card's `threshold`, chosen on "
                        "validation data for shipped models; 0.5 when the card has none)")
    p.add_argument("--engine", choices=["torch", "onnx"], default="torch",
                   help="PyTorch, or ONNX Runtime (CUDA provider when present)")
    p.add_argument("--onnx", metavar="FILE", help="ONNX file from export-onnx (default with --engine onnx: "
                                                  "export the model dir on the fly)")
    p.add_argument("--device", default="auto", help="auto (CUDA when present), cpu, cuda or cuda:N")
    p.add_argument("--format", choices=["gpkg", "shp", "geojson"], default="gpkg", help="outline file format")
    p.add_argument("--simplify-m", type=float, default=None,
                   help="outline simplification tolerance in metres (default half a pixel; 0 = pixel edges)")
    p.add_argument("--min-area-km2", type=float, default=0.01, help="drop outlines smaller than this (default 0.01)")
    add_scene_options(p, calibration_default=None)
    add_mask_options(p)
    p.add_argument("--allow-other-mode", action="store_true",
                   help="run even when the scene's mode or polarisation is not one the model was trained on")
    p.add_argument("--overwrite", action="store_true", help="replace outputs already at this --out prefix")
    p.add_argument("--adapt-bn", action="store_true",
                   help="re-estimate the model's BatchNorm statistics on this scene before predicting (AdaBN: "
                   "unsupervised adaptation to a new region, mode or processing; see docs/models.md)")
    return p


def run(args, progress) -> int:
    from ..predict.api import PredictParams, run_predict

    check_form(args)
    if args.scenes:
        return run_batch(args, progress)
    result = run_predict(params_from_args(PredictParams, args), progress)
    result.pop("params", None)
    print(json.dumps(result, indent=2))
    return 0
