"""Shipped models: the catalog (names, the SLICK_SHIPPED_DIR override, clear errors), float16
storage of model dirs, ONNX export from a float16 model, `weights list`."""

from __future__ import annotations

import json
import shutil

import pytest
import tomllib
import torch
from slick_backend.atomic import atomic_dir
from slick_backend.errors import InputError
from slick_backend.models import catalog
from slick_backend.models.modeldir import load_model_dir, save_model_dir
from slick_backend.models.registry import build_from_spec, normalise_spec


@pytest.fixture(autouse=True)
def one_torch_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def test_catalog_resolves_names_and_paths_and_says_when_missing(shipped_dir, tmp_path, monkeypatch):
    monkeypatch.delenv(catalog.ENV, raising=False)
    assert catalog.shipped_dir() == catalog.PACKAGE_DIR
    assert (catalog.PACKAGE_DIR / "README.md").is_file()  # the folder exists (and travels as package data)

    monkeypatch.setenv(catalog.ENV, str(tmp_path / "empty"))
    [entry] = catalog.list_shipped()
    assert (entry["name"], entry["title"], entry["shipped"]) == ("slick-s1-source", "Slick Sentinel-1 source", True)
    assert not entry["present"] and not entry["ready"] and entry["status"] == "not installed"
    with pytest.raises(InputError) as err:
        catalog.resolve_model("slick-s1-source", "--from")
    message = str(err.value)
    assert message.startswith(f"the shipped source model slick-s1-source is not installed in {tmp_path / 'empty' / 'slick-s1-source'}; ")
    assert "pretrain-source" in message and "\n" not in message
    assert catalog.resolve_model(tmp_path / "some-model") == tmp_path / "some-model"  # paths pass through
    assert catalog.resolve_model("./slick-s1-source") == catalog.Path("./slick-s1-source")  # a local folder

    monkeypatch.setenv(catalog.ENV, str(shipped_dir))
    [entry] = catalog.list_shipped(with_cards=True)
    assert entry["ready"] and entry["present"] and entry["status"] == "ready" and "error" not in entry
    assert entry["card"]["weights_dtype"] == "float16" and entry["size_mb"] > 0
    assert catalog.resolve_model("slick-s1-source") == shipped_dir / "slick-s1-source"
    assert catalog.shipped_name_of(shipped_dir / "slick-s1-source") == "slick-s1-source"
    assert catalog.shipped_name_of(tmp_path) is None

    broken = tmp_path / "broken"
    shutil.copytree(shipped_dir, broken)
    weights = broken / "slick-s1-source" / "weights.safetensors"
    data = bytearray(weights.read_bytes())
    data[-5] ^= 0xFF
    weights.write_bytes(bytes(data))
    monkeypatch.setenv(catalog.ENV, str(broken))
    [entry] = catalog.list_shipped()
    assert entry["present"] and not entry["ready"] and entry["status"] == "corrupted" and "SHA-256" in entry["error"]
    with pytest.raises(InputError, match="cannot be loaded"):
        catalog.resolve_model("slick-s1-source")


def test_shipped_models_are_package_data(repo_root):
    data = tomllib.loads((repo_root / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    patterns = data["slick_backend.models"]
    for name in ("weights.safetensors", "model.json", "README.md"):
        assert f"shipped/*/{name}" in patterns


def _tiny(tile: int = 64):
    torch.manual_seed(1)
    spec = normalise_spec("deeplabv3", "resnet18", tile, {"decoder": "plus", "decoder_channels": 128})
    module = build_from_spec(spec).eval()
    card = {"name": "tiny", "arch": "deeplabv3", "backbone": "resnet18", "model": spec, "tile": tile, "pixel_size": 25,
            "bands": 1, "threshold": 0.5}
    return module, card


def test_float16_storage_round_trip_and_onnx_export(tmp_path):
    from safetensors import safe_open
    from slick_backend.predict.onnx_export import ExportParams, run_export_onnx
    from slick_backend.progress import NullProgress

    module, card = _tiny()
    with atomic_dir(tmp_path / "fp32") as tmp:
        save_model_dir(tmp, module, card)
    with atomic_dir(tmp_path / "fp16") as tmp:
        saved = save_model_dir(tmp, module, card, half=True)
    assert saved["weights_dtype"] == "float16"
    assert json.loads((tmp_path / "fp16" / "model.json").read_text())["weights_sha256"] == saved["weights_sha256"]
    with safe_open(str(tmp_path / "fp16" / "weights.safetensors"), "pt") as f:
        dtypes = {f.get_tensor(k).dtype for k in f.keys()}
    assert torch.float16 in dtypes and torch.float32 not in dtypes  # every float tensor stored as float16
    sizes = [(tmp_path / d / "weights.safetensors").stat().st_size for d in ("fp32", "fp16")]
    assert sizes[1] < 0.55 * sizes[0]

    full, half = load_model_dir(tmp_path / "fp32"), load_model_dir(tmp_path / "fp16")
    assert all(p.dtype == torch.float32 for p in half.module.parameters())  # a float32 module
    x = torch.rand(2, 1, 64, 64) * 254 + 1
    x[:, :, :8] = 0
    with torch.no_grad():
        a, b = full.module(x), half.module(x)
    assert float((a - b).abs().max()) < 1e-2
    assert float(b[:, :, :8].abs().max()) == 0.0  # nodata stays exactly 0

    result = run_export_onnx(ExportParams(model=str(tmp_path / "fp16"), out_file=str(tmp_path / "m.onnx")), NullProgress())
    assert result["max_abs_diff"] < 1e-3 and (tmp_path / "m.onnx").stat().st_size > 0


def test_export_onnx_by_shipped_name(shipped_dir, tmp_path, monkeypatch):
    from slick_backend.predict.engines import onnx_card
    from slick_backend.predict.onnx_export import ExportParams, run_export_onnx
    from slick_backend.progress import NullProgress

    monkeypatch.setenv(catalog.ENV, str(shipped_dir))
    result = run_export_onnx(ExportParams(model="slick-s1-source", out_file=str(tmp_path / "s.onnx"), check=False),
                             NullProgress())
    card = onnx_card(result["onnx"])
    assert card["name"] == "slick-s1-source" and card["threshold"] == 0.35  # the card travels in the file
    monkeypatch.setenv(catalog.ENV, str(tmp_path / "none"))
    with pytest.raises(InputError, match="not installed"):
        ExportParams(model="slick-s1-source", out_file=str(tmp_path / "t.onnx")).validate()


def test_weights_list_shows_shipped_models(shipped_dir, tmp_path, monkeypatch, capsys):
    from slick_backend.cli.main import main

    monkeypatch.setenv(catalog.ENV, str(shipped_dir))
    assert main(["--quiet", "weights", "--models-dir", str(tmp_path / "models"), "list"]) == 0
    out = capsys.readouterr().out
    line = next(row for row in out.splitlines() if row.startswith("slick-s1-source"))
    assert "ready" in line and "Slick Sentinel-1 source" in line
    assert "resnet50" in out  # the base weights are still listed
    monkeypatch.setenv(catalog.ENV, str(tmp_path / "none"))
    assert main(["--quiet", "weights", "--models-dir", str(tmp_path / "models"), "list"]) == 0
    out = capsys.readouterr().out
    assert "not installed" in next(row for row in out.splitlines() if row.startswith("slick-s1-source"))
    assert "pretrain-source" in out
