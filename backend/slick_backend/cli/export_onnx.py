"""`slick-backend export-onnx --model DIR --out FILE`: a self-describing ONNX model."""

from __future__ import annotations

import json

from .params import params_from_args


def add_parser(subparsers):
    p = subparsers.add_parser(
        "export-onnx",
        help="export a model dir to ONNX (dynamic batch, model card in the metadata)",
        description=(
            "Export a model dir to one ONNX file: input 'image' float32 [batch, 1, tile, tile] of stretched "
            "values 0..255 (0 = nodata), output 'probability' of the same shape; normalisation and sigmoid "
            "are inside the graph. The batch is dynamic; the model card (model.json) is stored in the file's "
            "metadata under 'slick_model_card', so `predict --engine onnx --onnx FILE` needs nothing else. "
            "After export, ONNX Runtime is compared with PyTorch on a random batch."
        ),
    )
    p.add_argument("--model", required=True, metavar="MODEL",
                   help="model dir written by `slick-backend train`, or a shipped model name (slick-s1-source)")
    p.add_argument("--out", required=True, metavar="FILE", help="ONNX file to write (ends in .onnx)")
    p.add_argument("--opset", type=int, default=17, help="ONNX opset (default 17)")
    p.add_argument("--no-check", action="store_true", help="skip the ONNX Runtime vs PyTorch comparison")
    return p


def run(args, progress) -> int:
    from ..predict.onnx_export import ExportParams, run_export_onnx

    params = params_from_args(ExportParams, args, check=not args.no_check)
    result = run_export_onnx(params, progress)
    result.pop("params", None)
    print(json.dumps(result, indent=2))
    return 0
