"""Fixtures of the prediction tests: analytic engines, a tiny real model dir, small real scenes."""

import sys
from pathlib import Path

import pytest
import rasterio
from rasterio.windows import Window

sys.path.insert(0, str(Path(__file__).parent))
from predict_helpers import write_raster  # noqa: E402


@pytest.fixture(autouse=True)
def one_torch_thread():
    """2 shared cores: OpenMP spinning across threads makes small models 10x slower.
    Only when torch is already loaded: tests that do not need it should not pay its import."""
    torch = sys.modules.get("torch")
    if torch is None:
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="session")
def crop_135(arctic_dir, tmp_path_factory) -> Path:
    """A 192 x 256 crop of the real sample_135 mosaic (with some of its nodata squares), same grid."""
    src = arctic_dir / "sample_135" / "raw_mosaic.tif"
    out = tmp_path_factory.mktemp("crop") / "S1A_EW_GRDM_1SDH_20190804T152307_crop135.tif"
    with rasterio.open(src) as ds:
        win = Window(192, 192, 256, 192)  # a nodata corner and part of the labelled slick
        arr = ds.read(1, window=win)
        return write_raster(out, arr, ds.window_transform(win), ds.crs, 0)


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory) -> Path:
    """A real smp DeepLabv3-ResNet18 at 64 px (random init), saved through the model-dir API."""
    import torch
    from slick_backend.atomic import atomic_dir
    from slick_backend.models.modeldir import save_model_dir
    from slick_backend.models.registry import build_from_spec, normalise_spec

    torch.manual_seed(0)
    spec = normalise_spec("deeplabv3", "resnet18", 64, {"output_stride": 16, "decoder_channels": 32})
    module = build_from_spec(spec).eval()
    card = {"name": "tiny-r18", "arch": "deeplabv3", "backbone": "resnet18", "model": spec, "tile": 64,
            "pixel_size": 25, "bands": 1, "modes": ["EW"], "polarisations": ["HH"], "threshold": 0.5}
    out = tmp_path_factory.mktemp("models") / "tiny"
    with atomic_dir(out) as tmp:
        save_model_dir(tmp, module, card)
    return out


@pytest.fixture(scope="session")
def tiny_onnx(tiny_model, tmp_path_factory) -> Path:
    """The tiny model exported through the library (its ONNX/PyTorch check included)."""
    from slick_backend.predict.onnx_export import ExportParams, run_export_onnx
    from slick_backend.progress import NullProgress

    out = tmp_path_factory.mktemp("onnx") / "tiny.onnx"
    res = run_export_onnx(ExportParams(model=str(tiny_model), out_file=str(out)), NullProgress())
    assert res["max_abs_diff"] < 1e-3
    return out
