"""Config validation (names the key, before anything runs) and the bootstrap draws / run list."""

import json
import subprocess
import sys

import pytest
from slick_backend.errors import InputError
from slick_backend.experiment.config import load_config
from slick_backend.experiment.grid import build_plan, draw_sets

CONFIG = """
[experiment]
n_values = [2, 4, 6, 8]
draws = 3
seed = 7

[training]
epochs = 1

[[architectures]]
arch = "deeplabv3"
backbone = "resnet18"

[[architectures]]
arch = "deeplabv3"
backbone = "mobilenet_v2"

[[formats]]
tile = 64
pixel_size = 25
data = "target"
source_data = "source"
"""


@pytest.fixture
def config_dir(tmp_path, tiny_target, tiny_source):
    (tmp_path / "target").symlink_to(tiny_target)
    (tmp_path / "source").symlink_to(tiny_source)
    return tmp_path


def write(dir_, text, name="exp.toml"):
    path = dir_ / name
    path.write_text(text)
    return path


def test_plan_is_paired_seeded_and_without_replacement(config_dir):
    cfg = load_config(write(config_dir, CONFIG))
    assert cfg.formats[0].data == str((config_dir / "target").resolve())  # relative to the config file
    plan = build_plan(cfg, config_dir / "out")
    # N = 8 > 6 train scenes: skipped with a note; N = 6 = the whole split: one draw
    assert plan.notes == ["format 64/25: N = 8 skipped, the train split has only 6 scenes"]
    by_n = {}
    for run in plan.runs:
        by_n.setdefault(run["n"], set()).add(run["draw"])
        assert len(run["scenes"]) == len(set(run["scenes"])) == run["n"]  # no repeat inside a draw
        assert all(s.startswith("tgt_train_") for s in run["scenes"])
    assert by_n == {2: {0, 1, 2}, 4: {0, 1, 2}, 6: {0}}
    # 2 archs x (3 + 3 + 1) draws x 2 inits
    assert len(plan.runs) == 2 * 7 * 2 and len({r["id"] for r in plan.runs}) == len(plan.runs)
    # base and transfer twins share scenes and seed; the same draw is shared across architectures
    twins = {}
    for run in plan.runs:
        twins.setdefault((run["n"], run["draw"]), set()).add((tuple(run["scenes"]), run["seed"]))
    assert all(len(v) == 1 for v in twins.values())
    assert len({tuple(r["scenes"]) for r in plan.runs if r["n"] == 2}) == 3  # draws differ
    # a source is pretrained per architecture, and transfer runs point at it
    assert [s["arch"] + s["backbone"] for s in plan.sources] == ["deeplabv3resnet18", "deeplabv3mobilenet_v2"]
    assert all(r["source"] in {s["out"] for s in plan.sources} for r in plan.runs if r["init"] == "transfer")
    assert all(r["source"] is None for r in plan.runs if r["init"] == "base")
    # deterministic
    again = build_plan(load_config(config_dir / "exp.toml"), config_dir / "out")
    assert [r["hash"] for r in again.runs] == [r["hash"] for r in plan.runs]


def test_paper_protocol_one_draw_per_backbone():
    sets = draw_sets([f"s{i}" for i in range(20)], 4, 8, seed=0)
    assert len(sets) == 8 and len({tuple(s) for s in sets}) == 8
    assert draw_sets([f"s{i}" for i in range(3)], 3, 8, seed=0) == [["s0", "s1", "s2"]]
    assert draw_sets(["a"], 2, 8, seed=0) == []


def test_paper_protocol_plan(config_dir):
    cfg = load_config(write(config_dir, CONFIG), ["experiment.protocol=\"paper\""])
    plan = build_plan(cfg, config_dir / "out")
    assert {r["draw"] for r in plan.runs} == {0}
    n2 = {r["backbone"]: tuple(r["scenes"]) for r in plan.runs if r["n"] == 2}
    assert n2["resnet18"] != n2["mobilenet_v2"]  # each backbone its own random draw


@pytest.mark.parametrize(
    "change, message",
    [
        (("draws = 3", "draws = 3\ncolour = 1"), "experiment.colour"),
        (("draws = 3", "draws = 0"), "experiment.draws"),
        (("draws = 3", "draws = \"many\""), "experiment.draws"),
        (("seed = 7", "seed = 7\nprotocol = \"magic\""), "experiment.protocol"),
        (("n_values = [2, 4, 6, 8]", "n_values = [2, 2]"), "experiment.n_values"),
        (("n_values = [2, 4, 6, 8]", "n_values = [0]"), "experiment.n_values"),
        (("tile = 64", "tile = 300"), r"formats\[0\].tile"),
        (("pixel_size = 25", "pixel_size = 20"), r"formats\[0\].pixel_size"),
        (("backbone = \"resnet18\"", "backbone = \"resnet18\"\nlayers = 3"), r"architectures\[0\].layers"),
        (("arch = \"deeplabv3\"", "arch = \"unet\""), r"architectures\[0\].arch"),
        (("[training]", "[trainin]"), "'trainin'"),
        (("epochs = 1", "epochs = 1\nseed = 3"), "training.seed"),
        (("data = \"target\"", "data = \"nowhere\""), r"formats\[0\].data = .*nowhere"),
    ],
)
def test_bad_config_names_the_key(config_dir, change, message):
    path = write(config_dir, CONFIG.replace(*change, 1))
    with pytest.raises(InputError, match=message):
        build_plan(load_config(path), config_dir / "out")


def test_missing_source_model_is_named(config_dir):
    text = CONFIG.replace('backbone = "resnet18"', 'backbone = "resnet18"\nsource = "models/gone"')
    with pytest.raises(InputError, match=r"architectures\[0\].source = .*models/gone: source model not found"):
        build_plan(load_config(write(config_dir, text)), config_dir / "out")
    no_pretrain = CONFIG.replace('source_data = "source"\n', "")
    with pytest.raises(InputError, match=r"architectures\[0\].*no source model.*source_data"):
        build_plan(load_config(write(config_dir, no_pretrain)), config_dir / "out")
    # base-only experiments need no source at all
    plan = build_plan(load_config(write(config_dir, no_pretrain), ['experiment.inits=["base"]']), config_dir / "o")
    assert {r["init"] for r in plan.runs} == {"base"} and not plan.sources


def test_cli_refuses_bad_config_before_running(config_dir, tmp_path):
    path = write(config_dir, CONFIG.replace("draws = 3", "draws = 3\nbogus = true"))
    out = tmp_path / "never"
    proc = subprocess.run([sys.executable, "-m", "slick_backend", "experiment", "--config", str(path),
                           "--out", str(out)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "experiment.bogus" in proc.stderr and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert not out.exists()


def test_set_overrides_are_typed_and_relative_to_cwd(config_dir, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cfg = load_config(write(config_dir, CONFIG), ["experiment.draws=5", "formats.0.data=elsewhere",
                                                  'architectures.1.backbone="resnet34"'])
    assert cfg.draws == 5 and cfg.architectures[1].backbone == "resnet34"
    assert cfg.formats[0].data == str(tmp_path / "elsewhere")
    with pytest.raises(InputError, match="--set formats.3.data"):
        load_config(config_dir / "exp.toml", ["formats.3.data=x"])
    json.dumps(cfg.training)  # plain JSON-able values


def test_run_hashes_follow_dataset_and_source_contents(tmp_path, tiny_target, tiny_source):
    """A dataset prepared again at the same path (or a source model retrained) must not reuse
    records made from the old one: the hashes follow the manifest and the source weights."""
    import shutil

    shutil.copytree(tiny_target, tmp_path / "target", symlinks=True)
    (tmp_path / "source").symlink_to(tiny_source)
    config = write(tmp_path, CONFIG.replace("n_values = [2, 4, 6, 8]", "n_values = [2]"))
    before = build_plan(load_config(config), tmp_path / "out")
    manifest = tmp_path / "target" / "manifest.json"
    data = json.loads(manifest.read_text())
    data["params"]["note"] = "prepared again"
    manifest.write_text(json.dumps(data))
    after = build_plan(load_config(config), tmp_path / "out")
    assert all(a["hash"] != b["hash"] for a, b in zip(after.runs, before.runs, strict=True))
    assert [s["hash"] for s in after.sources] == [s["hash"] for s in before.sources]  # its IW data is unchanged

    # transfer runs follow their source; base runs do not care
    fake = tmp_path / "ext_source"
    fake.mkdir()
    card = {"format": "slick-model", "model": {"arch": "deeplabv3", "backbone": "resnet18"}}
    (fake / "model.json").write_text(json.dumps({**card, "weights_sha256": "a" * 64}))
    text = config.read_text().replace('source_data = "source"\n', "") + '\n'
    text = text.replace('backbone = "resnet18"\n', 'backbone = "resnet18"\nsource = "ext_source"\n')
    text = text.replace('backbone = "mobilenet_v2"\n', 'backbone = "mobilenet_v2"\nsource = "ext_source"\n')
    one = build_plan(load_config(write(tmp_path, text, "ext.toml")), tmp_path / "out2")
    (fake / "model.json").write_text(json.dumps({**card, "weights_sha256": "b" * 64}))
    two = build_plan(load_config(tmp_path / "ext.toml"), tmp_path / "out2")
    for a, b in zip(one.runs, two.runs, strict=True):
        assert (a["hash"] != b["hash"]) == (a["init"] == "transfer"), a["id"]
