"""ONNX export of a real tiny model: self-describing file, dynamic batch, parity with PyTorch."""

import numpy as np
import onnx
import pytest
import rasterio
from slick_backend.errors import InputError
from slick_backend.models.modeldir import load_model_dir
from slick_backend.predict.api import PredictParams, run_predict
from slick_backend.predict.engines import OnnxEngine, TorchEngine, onnx_card
from slick_backend.predict.onnx_export import ExportParams, run_export_onnx
from slick_backend.progress import NullProgress


@pytest.fixture
def exported(tiny_onnx):
    return tiny_onnx


def test_onnx_file_describes_itself_and_matches_pytorch(exported, tiny_model):
    card = onnx_card(exported)
    assert card == load_model_dir(tiny_model).card
    model = onnx.load(str(exported))
    dims = model.graph.input[0].type.tensor_type.shape.dim
    assert dims[0].dim_param == "batch" and [d.dim_value for d in dims[1:]] == [1, 64, 64]
    rng = np.random.default_rng(5)
    x = (rng.random((5, 1, 64, 64)) * 254 + 1).astype(np.float32)  # another batch size than exported
    x[1, :, :, :20] = 0
    torch_p = TorchEngine(load_model_dir(tiny_model).module, "cpu")(x)
    onnx_p = OnnxEngine(exported, "cpu")(x)
    assert onnx_p.shape == (5, 1, 64, 64)
    np.testing.assert_allclose(onnx_p, torch_p, atol=1e-3)
    assert (onnx_p[1, :, :, :20] == 0).all()


def test_predict_with_onnx_runtime_agrees_with_pytorch(exported, tiny_model, crop_135, tmp_path):
    common = dict(scene=str(crop_135), overlap=0.0, batch_size=16, device="cpu", min_area_km2=0)
    a = run_predict(PredictParams(out_prefix=str(tmp_path / "torch"), model=str(tiny_model), **common), NullProgress())
    b = run_predict(PredictParams(out_prefix=str(tmp_path / "onnx"), engine="onnx", onnx=str(exported), **common),
                    NullProgress())
    assert b["engine"].startswith("onnxruntime")
    with rasterio.open(a["prob"]) as pa, rasterio.open(b["prob"]) as pb:
        assert pa.transform == pb.transform
        np.testing.assert_allclose(pb.read(1), pa.read(1), atol=1e-3)


def test_export_refuses_bad_targets(tiny_model, tmp_path):
    with pytest.raises(InputError, match=".onnx"):
        run_export_onnx(ExportParams(model=str(tiny_model), out_file=str(tmp_path / "x.bin")), NullProgress())
    with pytest.raises(InputError, match="not a model directory"):
        run_export_onnx(ExportParams(model=str(tmp_path / "nope"), out_file=str(tmp_path / "x.onnx")), NullProgress())
    with pytest.raises(InputError, match="no Slick model card"):
        (tmp_path / "plain.onnx").write_bytes(onnx.helper.make_model(onnx.helper.make_graph([], "g", [], [])).SerializeToString())
        onnx_card(tmp_path / "plain.onnx")
