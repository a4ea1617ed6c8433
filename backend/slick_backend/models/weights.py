"""Pretrained base weights in a local models directory, verified by SHA-256, never unpickled at use.

Models dir: ``--models-dir``, else ``$SLICK_MODELS_DIR``, else ``~/.cache/slick/models``.
Each usable entry is ``<name>.safetensors`` plus ``<name>.safetensors.json`` (its SHA-256
and where it came from). Training and the SAM worker only ever read those two files.

Upstream files are pickles (torchvision ``.pth``, Meta's SAM ``.pth``). They are turned
into safetensors ONCE by ``slick-backend weights download`` / ``weights convert``, which
check the upstream file's SHA-256 first (Meta: the full published digest; torchvision: the
digest prefix in the file name, torchvision's own convention) and only then read it with
``torch.load(weights_only=True)`` (tensors only, no code). Nothing else calls torch.load.
"""

from __future__ import annotations

import json
import os
import shutil
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from ..atomic import atomic_file
from ..errors import InputError
from .modeldir import sha256_file


@dataclass(frozen=True)
class WeightSpec:
    name: str  # models-dir entry name, e.g. "resnet50" or "sam_vit_b"
    url: str
    upstream_file: str
    upstream_sha256: str  # full digest, or a prefix where only that is published
    size_mb: int
    description: str


_TV = "https://download.pytorch.org/models/"
_SAM = "https://dl.fbaipublicfiles.com/segment_anything/"
KNOWN: dict[str, WeightSpec] = {
    s.name: s
    for s in (
        WeightSpec("resnet18", _TV + "resnet18-f37072fd.pth", "resnet18-f37072fd.pth", "f37072fd", 45, "ImageNet ResNet-18 (torchvision V1)"),
        WeightSpec("resnet34", _TV + "resnet34-b627a593.pth", "resnet34-b627a593.pth", "b627a593", 84, "ImageNet ResNet-34 (torchvision V1)"),
        WeightSpec("resnet50", _TV + "resnet50-0676ba61.pth", "resnet50-0676ba61.pth", "0676ba61", 98, "ImageNet ResNet-50 (torchvision V1)"),
        WeightSpec("resnet101", _TV + "resnet101-63fe2227.pth", "resnet101-63fe2227.pth", "63fe2227", 171, "ImageNet ResNet-101 (torchvision V1)"),
        WeightSpec("mobilenet_v2", _TV + "mobilenet_v2-b0353104.pth", "mobilenet_v2-b0353104.pth", "b0353104", 14, "ImageNet MobileNetV2 (torchvision V1)"),
        WeightSpec("sam_vit_b", _SAM + "sam_vit_b_01ec64.pth", "sam_vit_b_01ec64.pth",
                   "ec2df62732614e57411cdcf32a23ffdf28910380d03139ee0f4fcbe91eb8c912", 375, "Meta SAM ViT-B"),
        WeightSpec("sam_vit_l", _SAM + "sam_vit_l_0b3195.pth", "sam_vit_l_0b3195.pth",
                   "3adcc4315b642a4d2101128f611684e8734c41232a17c648ed1693702a49a622", 1250, "Meta SAM ViT-L"),
        WeightSpec("sam_vit_h", _SAM + "sam_vit_h_4b8939.pth", "sam_vit_h_4b8939.pth",
                   "a7bf3b02f3ebf1267aba913ff637d9a2d5c33d3173bb679e46d9f338c26f262e", 2560, "Meta SAM ViT-H"),
    )
}


def base_weight_name(arch: str, backbone: str) -> str | None:
    """The models-dir entry a base init needs, or None where no pretrained weights exist."""
    if arch == "deeplabv3":
        return backbone if backbone in KNOWN else None
    name = f"sam_{backbone}"
    return name if name in KNOWN else None


def models_dir(explicit: str | os.PathLike | None = None) -> Path:
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get("SLICK_MODELS_DIR")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "slick" / "models"


def entry_paths(name: str, directory: Path) -> tuple[Path, Path]:
    weights = directory / f"{name}.safetensors"
    return weights, weights.with_name(weights.name + ".json")


def verify(name: str, directory: Path) -> dict:
    """Check a models-dir entry; returns its metadata (with "path"). InputError when unusable."""
    weights, meta_path = entry_paths(name, directory)
    if not weights.is_file():
        raise InputError(
            f"{weights}: base weights '{name}' not found; run `slick-backend weights download {name} "
            f"--models-dir {directory}` (or give --allow-random-init to train from random weights)"
        )
    if not meta_path.is_file():
        raise InputError(f"{meta_path}: missing checksum record; re-create it with `slick-backend weights convert`")
    try:
        meta = json.loads(meta_path.read_text())
    except ValueError:
        raise InputError(f"{meta_path}: unreadable checksum record; re-create it with `slick-backend weights convert`") from None
    digest = sha256_file(weights)
    if digest != meta.get("sha256"):
        raise InputError(
            f"{weights}: SHA-256 {digest[:12]}... differs from the recorded {str(meta.get('sha256'))[:12]}...; "
            f"the file is corrupted, download it again with `slick-backend weights download {name}`"
        )
    return {**meta, "name": name, "path": str(weights)}


def find_base(name: str | None, directory: Path) -> dict | None:
    """Verified metadata of a base entry, None if absent; a corrupted one is an error, not absent."""
    if name is None:
        return None
    weights, _ = entry_paths(name, directory)
    return verify(name, directory) if weights.exists() else None


def load_base_state(meta: dict) -> dict:
    from safetensors.torch import load_file

    return load_file(meta["path"])


def list_entries(directory: Path) -> list[dict]:
    rows = []
    for name, spec in KNOWN.items():
        weights, _ = entry_paths(name, directory)
        status = "missing"
        if weights.exists():
            try:
                verify(name, directory)
                status = "ok"
            except InputError:
                status = "CORRUPTED"
        rows.append({"name": name, "status": status, "description": spec.description, "size_mb": spec.size_mb, "url": spec.url})
    return rows


def _match_upstream(digest: str) -> WeightSpec | None:
    for spec in KNOWN.values():
        if digest == spec.upstream_sha256 or (len(spec.upstream_sha256) < 64 and digest.startswith(spec.upstream_sha256)):
            return spec
    return None


def convert(source: str | os.PathLike, directory: Path, name: str | None = None) -> dict:
    """Turn a verified upstream .pth (or a .safetensors) into a models-dir entry."""
    import torch
    from safetensors.torch import load_file, save_file

    source = Path(source)
    if not source.is_file():
        raise InputError(f"{source}: no such file; give the downloaded weights file")
    digest = sha256_file(source)
    if source.suffix == ".safetensors":
        if name is None:
            raise InputError(f"{source}: a .safetensors file needs --name (one of {', '.join(KNOWN)})")
        try:
            state = load_file(str(source))
        except Exception as exc:
            raise InputError(f"{source}: not a valid safetensors file ({exc})") from None
        spec, verified = KNOWN.get(name), "user-supplied safetensors (no upstream digest to check)"
    else:
        spec = _match_upstream(digest)
        if spec is None or (name and name != spec.name):
            raise InputError(
                f"{source}: SHA-256 {digest[:16]}... matches no known upstream weights file"
                f"{' for ' + name if name else ''}; download it again from its official URL "
                "(`slick-backend weights list` shows them)"
            )
        name, verified = spec.name, f"upstream SHA-256 checked against {spec.upstream_sha256[:16]}..."
        # Safe: the digest matched a published checkpoint, and weights_only refuses any code.
        raw = torch.load(str(source), map_location="cpu", weights_only=True)
        raw = raw.get("state_dict", raw.get("model", raw)) if isinstance(raw, dict) else raw
        state = {k: v.contiguous() for k, v in raw.items() if isinstance(v, torch.Tensor)}
    if name not in KNOWN:
        raise InputError(f"--name {name}: unknown weights; use one of {', '.join(KNOWN)}")
    directory.mkdir(parents=True, exist_ok=True)
    weights, meta_path = entry_paths(name, directory)
    with atomic_file(weights) as tmp:
        save_file(state, str(tmp))
        sha = sha256_file(tmp)
    meta = {"name": name, "sha256": sha, "source_file": source.name, "source_sha256": digest,
            "verified": verified, "url": spec.url if spec else None, "tensors": len(state)}
    with atomic_file(meta_path) as tmp:
        tmp.write_text(json.dumps(meta, indent=2) + "\n")
    return {**meta, "path": str(weights)}


def download(name: str, directory: Path, progress) -> dict:
    """Download an upstream file with progress, verify it, convert it, drop the pickle."""
    if name not in KNOWN:
        raise InputError(f"{name}: unknown weights; use one of {', '.join(KNOWN)}")
    spec = KNOWN[name]
    directory.mkdir(parents=True, exist_ok=True)
    part = directory / (spec.upstream_file + ".partial")
    try:
        with urllib.request.urlopen(spec.url, timeout=30) as resp, open(part, "wb") as out:
            total = int(resp.headers.get("Content-Length") or 0) or spec.size_mb * 1_000_000
            done = 0
            while block := resp.read(1 << 20):
                out.write(block)
                done += len(block)
                progress.update(min(0.95, done / total), f"downloading {spec.upstream_file}: {done / 1e6:.0f} / {total / 1e6:.0f} MB")
                progress.check()
    except (urllib.error.URLError, OSError, TimeoutError) as exc:
        part.unlink(missing_ok=True)
        raise InputError(
            f"{spec.url}: download failed ({getattr(exc, 'reason', exc)}); check the network, or fetch the file "
            f"elsewhere and run `slick-backend weights convert FILE --models-dir {directory}`"
        ) from None
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    upstream = directory / spec.upstream_file
    shutil.move(part, upstream)
    try:
        progress.update(0.97, f"verifying and converting {spec.upstream_file}")
        return convert(upstream, directory, name)
    finally:
        upstream.unlink(missing_ok=True)

