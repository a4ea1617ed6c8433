"""Fixtures shared by all backend tests: where the repo and the real Arctic fixtures are."""

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(Path(__file__).parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).parent))  # test helpers next to this file: tinydata.py
ARCTIC = ROOT.parent / "shared" / "data" / "arctic_ew"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def arctic_dir() -> Path:
    if not (ARCTIC / "README.md").exists():
        pytest.fail(f"the real Arctic fixtures are missing: expected them in {ARCTIC}")
    return ARCTIC


SHIPPED_THRESHOLD = 0.35  # the tiny shipped model's card threshold (not 0.5, so its use is visible)


def write_tiny_shipped(root: Path, threshold: float = SHIPPED_THRESHOLD) -> Path:
    """``root/slick-s1-source``: a real DeepLabv3+ ResNet-18 (light decoder) at 64 px, random weights,
    stored as float16 like the shipped model; point SLICK_SHIPPED_DIR at ``root`` to use it."""
    import torch
    from slick_backend.atomic import atomic_dir
    from slick_backend.models.modeldir import save_model_dir
    from slick_backend.models.registry import build_from_spec, normalise_spec

    torch.manual_seed(0)
    spec = normalise_spec("deeplabv3", "resnet18", 64, {"decoder": "plus", "decoder_channels": 128})
    module = build_from_spec(spec).eval()
    card = {"name": "slick-s1-source", "title": "Slick Sentinel-1 source", "arch": "deeplabv3", "backbone": "resnet18",
            "model": spec, "tile": 64, "pixel_size": 25, "bands": 1, "modes": ["EW", "IW"],
            "polarisations": ["HH", "VV"], "threshold": threshold, "init": "base", "random_init": True}
    with atomic_dir(root / "slick-s1-source") as tmp:
        save_model_dir(tmp, module, card, half=True)
    return root


@pytest.fixture(scope="session")
def shipped_dir(tmp_path_factory) -> Path:
    """A folder laid out like models/shipped/ holding a tiny slick-s1-source (see write_tiny_shipped)."""
    return write_tiny_shipped(tmp_path_factory.mktemp("shipped"))


@pytest.fixture(scope="session")
def simulated_ew(tmp_path_factory) -> tuple[list[str], str]:
    """Three simulated 512 px EW scenes (seed 4) and their labels.gpkg: (scene paths, labels path)."""
    import glob

    from slick_backend.jobs import resolve
    from slick_backend.progress import NullProgress

    out = tmp_path_factory.mktemp("sim") / "ew"
    params_cls, simulate = resolve("simulate")
    params = params_cls(out_dir=str(out), mode="EW", scenes=3, seed=4, size=512)
    params.validate()
    simulate(params, NullProgress())
    return sorted(glob.glob(str(out / "*.tif*"))), str(out / "labels.gpkg")
