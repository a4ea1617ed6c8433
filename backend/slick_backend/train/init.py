"""The model a training run starts from: base (ImageNet / Meta SAM weights, or random) or transfer
(a source model dir or a shipped model; the spec is the source's, at the dataset's tile)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import InputError

if TYPE_CHECKING:
    from .api import TrainParams


def check_transfer_options(p: TrainParams, source_card: dict) -> None:
    """Options given explicitly (--arch, --backbone, --decoder, --light) must agree with the source:
    a transfer model is the source's architecture, so base and transfer runs compare like with like."""
    src = source_card.get("model") or {}
    arch, backbone, options = src.get("arch"), src.get("backbone"), dict(src.get("options") or {})
    name = source_card.get("name") or "the source model"
    if p.arch is not None and p.arch != arch:
        raise InputError(f"--arch {p.arch} contradicts the transfer source {name} ({arch}); drop --arch "
                         "(a transfer model takes the source's architecture) or choose another --from")
    if p.backbone is not None and p.backbone != backbone:
        raise InputError(f"--backbone {p.backbone} contradicts the transfer source {name} (backbone {backbone}); "
                         "drop --backbone or choose another --from")
    if arch == "deeplabv3":
        src_decoder = options.get("decoder", "aspp")
        if p.decoder is not None and p.decoder != src_decoder:
            raise InputError(f"--decoder {p.decoder} contradicts the transfer source {name} (decoder {src_decoder}); "
                             "drop --decoder or choose another --from")
        if p.light and int(options.get("decoder_channels", 256)) != 128:
            raise InputError(f"--light contradicts the transfer source {name} ({options.get('decoder_channels', 256)} "
                             "decoder channels); drop --light or choose another --from")


def transfer_spec(p: TrainParams, source_card: dict, tile: int) -> dict:
    """The model spec of a transfer run: the source's (arch, backbone, options) at the dataset's tile."""
    from ..models import registry

    check_transfer_options(p, source_card)
    src = source_card.get("model") or {}
    arch, backbone, options = src.get("arch"), src.get("backbone"), dict(src.get("options") or {})
    options["bands"] = 1  # Slick tiles have one band; a source with more keeps all but its first layer
    return registry.normalise_spec(arch, backbone, tile, options)


def base_spec(p: TrainParams, tile: int) -> dict:
    from ..models import registry

    arch = p.arch or "deeplabv3"
    if arch == "samlora":
        options = {"rank": p.rank}
    elif arch == "deeplabv3":
        options = {"decoder": p.decoder or "aspp", **({"decoder_channels": 128} if p.light else {})}
    else:
        options = {}
    return registry.normalise_spec(arch, p.backbone, tile, options)


def build_initial_model(p: TrainParams, tile: int, progress) -> tuple[object, dict]:
    """The module to train and the init part of the card."""
    from ..models import registry, weights
    from ..models.catalog import shipped_name_of
    from ..models.modeldir import load_state, read_card

    info = {"init": p.init, "base_weights": None, "source_model": None, "random_init": False,
            "allow_random_init": bool(p.allow_random_init)}
    if p.init == "transfer":
        source = p.source_dir()
        src_card, src_state = load_state(source, read_card(source))
        spec = transfer_spec(p, src_card, tile)
        module = registry.build_from_spec(spec)
        summary = registry.load_transfer(module, src_card, src_state)
        shipped = shipped_name_of(source)
        progress.log(f"transfer from {shipped or source}: {spec['arch']} {spec['backbone']} {spec['options']}, "
                     f"{summary['loaded']}/{summary['total']} tensors loaded"
                     + (f", skipped {', '.join(summary['skipped'])}" if summary["skipped"] else ""))
        info["source_model"] = {"path": str(source.resolve()), "name": src_card.get("name"), "shipped": shipped,
                                "sha256": src_card.get("weights_sha256"), "skipped": summary["skipped"]}
        return module, {**info, "model": spec}
    spec = base_spec(p, tile)
    directory = weights.models_dir(p.models_dir)
    name = weights.base_weight_name(spec["arch"], spec["backbone"])
    meta = weights.find_base(name, directory)
    if meta is None:
        if not p.allow_random_init:
            what = f"'{name}' in {directory}" if name else f"(none exist for {spec['backbone']})"
            hint = f"run `slick-backend weights download {name}`, or " if name else ""
            raise InputError(f"no pretrained base weights {what}; {hint}give --allow-random-init to train from random weights")
        progress.log(f"no base weights for {spec['backbone']}: training from random init (--allow-random-init)")
        info["random_init"] = True
        return registry.build_from_spec(spec), {**info, "model": spec}
    module = registry.build_from_spec(spec, weights.load_base_state(meta))
    info["base_weights"] = {"name": name, "file": meta["path"], "sha256": meta["sha256"]}
    return module, {**info, "model": spec}
