"""`predict --model slick-s1-source`: the shipped model by name, its card's threshold by default."""

import contextlib
import io
import json

import numpy as np
import rasterio
from slick_backend.cli.main import main


def cli_main(*argv) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in argv])
    return code, out.getvalue(), err.getvalue()


def test_predict_by_shipped_name_with_the_card_threshold(crop_135, shipped_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("SLICK_SHIPPED_DIR", str(shipped_dir))
    threshold = json.loads((shipped_dir / "slick-s1-source" / "model.json").read_text())["threshold"]
    assert threshold != 0.5
    code, out, err = cli_main("--quiet", "predict", "--model", "slick-s1-source", "--scene", crop_135,
                              "--out", tmp_path / "a", "--device", "cpu")
    assert code == 0, err
    result = json.loads(out)
    assert result["threshold"] == threshold and result["threshold_from"] == "model card"
    with rasterio.open(result["prob"]) as prob, rasterio.open(result["mask"]) as mask:
        p, m = prob.read(1), mask.read(1)
        assert float(prob.tags()["SLICK_THRESHOLD"]) == threshold
    valid = p != -1
    assert ((p >= threshold) & valid).sum() == (m == 1).sum() > 0
    assert np.array_equal(m[valid] == 1, p[valid] >= threshold)

    code, out, err = cli_main("--quiet", "predict", "--model", "slick-s1-source", "--scene", crop_135,
                              "--out", tmp_path / "b", "--device", "cpu", "--threshold", "0.6")
    assert code == 0, err
    assert json.loads(out)["threshold"] == 0.6 and json.loads(out)["threshold_from"] == "--threshold"

    monkeypatch.setenv("SLICK_SHIPPED_DIR", str(tmp_path / "none"))
    code, out, err = cli_main("--quiet", "predict", "--model", "slick-s1-source", "--scene", crop_135,
                              "--out", tmp_path / "c")
    assert code == 2 and err.count("\n") == 1 and "is not installed in" in err
    assert not list(tmp_path.glob("c_*"))


def test_adapt_bn_reestimates_batchnorm_on_the_scene_first(crop_135, shipped_dir, tmp_path, monkeypatch):
    """--adapt-bn: the same model and scene give other probabilities (BatchNorm statistics measured
    on the scene's windows); it needs a model dir, not only an ONNX file."""
    monkeypatch.setenv("SLICK_SHIPPED_DIR", str(shipped_dir))
    probs = []
    for name, extra in (("plain", []), ("adapted", ["--adapt-bn"]), ("adapted_onnx", ["--adapt-bn", "--engine", "onnx"])):
        code, out, err = cli_main("--quiet", "predict", "--model", "slick-s1-source", "--scene", crop_135,
                                  "--out", tmp_path / name, "--device", "cpu", *extra)
        assert code == 0, err
        with rasterio.open(json.loads(out)["prob"]) as src:
            probs.append(src.read(1))
    plain, adapted, adapted_onnx = probs
    valid = plain != -1
    assert np.abs(plain[valid] - adapted[valid]).max() > 1e-3
    assert np.abs(adapted[valid] - adapted_onnx[valid]).max() < 1e-3  # ONNX exported from the adapted module

    code, out, err = cli_main("--quiet", "predict", "--engine", "onnx", "--onnx", tmp_path / "x.onnx", "--adapt-bn",
                              "--scene", crop_135, "--out", tmp_path / "d")
    assert code == 2 and "--adapt-bn" in err and err.count("\n") == 1
