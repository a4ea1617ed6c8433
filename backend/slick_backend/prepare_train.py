"""`prepare-train`: the plugin's Train button as one job. Prepare a dataset from the scenes and
labels, train a model on it and, when asked, adapt the prompt model to the same labels. It sits
above dataset/, train/ and prompt/ (it uses all three; none of them uses it).
"""

from __future__ import annotations

import dataclasses
import logging
import math
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError
from .train.api import TrainParams, run_train

log = logging.getLogger(__name__)


@dataclass
class PrepareTrainParams:
    """One job for the plugin's Train button: prepare a dataset, then train on it.

    ``prepare`` is the prepare step's own params (PrepareParams, typed); ``train`` holds the
    train step's options, typed: every TrainParams field but ``data`` (the dataset being
    prepared). Being typed, both are in the server's JSON schema and checked field by field;
    ``validate()`` checks the train options too, so bad ones fail before the prepare step runs.
    Plain dicts are accepted (library use) and turned into the typed objects.
    """

    from .dataset.prepare import PrepareParams as Prepare  # noqa: I001 - the nested type, kept on the class

    # TrainParams without ``data``, field for field (so the two cannot drift apart)
    Train = dataclasses.make_dataclass("Train", [
        (f.name, f.type, field() if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
         else field(default=f.default) if f.default is not dataclasses.MISSING else field(default_factory=f.default_factory))
        for f in dataclasses.fields(TrainParams) if f.name != "data"])
    Train.__module__, Train.__qualname__ = __module__, "PrepareTrainParams.Train"
    Train.__doc__ = "The train step's options: TrainParams without data (the dataset the prepare step writes)."

    # the backbone a base run uses when none is given (models.registry.DEFAULT_BACKBONE; that module imports torch)
    DEFAULT_BACKBONE = {"deeplabv3": "resnet50", "samlora": "vit_b", "samsvd": "vit_b"}

    prepare: PrepareTrainParams.Prepare
    train: PrepareTrainParams.Train
    # also adapt the prompt model (slick-s1-prompt) to the same labels, into this dir (finetune-prompt)
    prompt_out_dir: str | None = None
    prompt_steps: int = 150  # its training steps (about 1.5 s each on a 2-core CPU)

    def __post_init__(self) -> None:
        self.prepare = self._typed(self.Prepare, self.prepare, "prepare")
        self.train = self._typed(self.Train, self.train, "train")

    @staticmethod
    def _typed(cls, value, where: str):
        if isinstance(value, cls):
            return value
        if not isinstance(value, dict):
            raise InputError(f"{where}: give the {where} options as an object")
        names = {f.name for f in dataclasses.fields(cls)}
        bad = sorted(set(value) - names)
        if bad:
            raise InputError(f"{where}: unknown field(s) {', '.join(bad)}; allowed: {', '.join(sorted(names))}")
        try:
            return cls(**value)
        except TypeError as exc:
            raise InputError(f"{where}: {exc}") from None

    def train_params(self) -> TrainParams:
        """The train step's TrainParams, on the dataset the prepare step writes."""
        return TrainParams(data=self.prepare.out_dir, **dataclasses.asdict(self.train))

    def _build(self):
        """(PrepareParams, train options as a dict): kept for callers of the untyped version."""
        return self.prepare, dataclasses.asdict(self.train)

    def validate(self) -> None:
        """Everything both steps can check before any work: the prepare params, then every train
        option (against a stand-in for the dataset that does not exist yet) and the base weights."""
        import tempfile

        self.prepare.validate()
        params = self.train_params()
        out, data = Path(params.out_dir).resolve(), Path(self.prepare.out_dir).resolve()
        if Path(params.out_dir).exists() and not params.overwrite:
            raise InputError(f"{params.out_dir}: a model already exists there; choose another model dir or set "
                             "train.overwrite to replace it")
        if out == data:
            raise InputError(f"{params.out_dir}: the model dir (train.out_dir) must differ from the dataset dir (prepare.out_dir)")
        if params.checkpoint and Path(params.checkpoint).resolve() in (out, data):
            raise InputError(f"{params.checkpoint}: the checkpoint dir must differ from the model and dataset dirs")
        with tempfile.TemporaryDirectory(prefix="slick-validate-") as stand_in:
            (Path(stand_in) / "manifest.json").write_text("{}")
            dataclasses.replace(params, data=stand_in).validate()
            if self.prompt_out_dir:
                self.prompt_params(data=stand_in).validate()
                if Path(self.prompt_out_dir).resolve() in (out, data):
                    raise InputError(f"{self.prompt_out_dir}: the prompt model needs a dir of its own, not the model's or the dataset's")
                works_at = self._prompt_pixel_size()
                if not math.isclose(float(self.prepare.pixel_size), works_at, rel_tol=0.01):
                    raise InputError(f"the prompt model works at {works_at:g} m, not {float(self.prepare.pixel_size):g} m: "
                                     f"prepare at {works_at:g} m to adapt it too, or leave prompt_out_dir out")
        self._check_base_weights(params)

    def prompt_params(self, data: str | None = None):
        """The third step's FinetunePromptParams (the shipped prompt model -> ``prompt_out_dir``)."""
        from .prompt.finetune import FinetunePromptParams

        return FinetunePromptParams(data=data or self.prepare.out_dir, out_dir=str(self.prompt_out_dir), steps=self.prompt_steps,
                                    val_every=max(1, self.prompt_steps // 3), name=Path(str(self.prompt_out_dir)).name,
                                    overwrite=self.train.overwrite, device=self.train.device)

    def _prompt_pixel_size(self) -> float:
        from .prompt.store import read_prompt_card

        return float(read_prompt_card(self.prompt_params().source_dir()).get("pixel_size") or 25.0)

    def _check_base_weights(self, params: TrainParams) -> None:
        """Base init without random init needs the pretrained weights: say so now, not after the
        prepare step (the train step would stop with the same message)."""
        if params.init != "base" or params.allow_random_init:
            return
        from .models import weights

        arch = params.arch or "deeplabv3"
        backbone = params.backbone or self.DEFAULT_BACKBONE.get(arch, "")
        name = weights.base_weight_name(arch, backbone)
        directory = weights.models_dir(params.models_dir)
        if name is not None and weights.entry_paths(name, directory)[0].exists():
            return
        what = f"'{name}' in {directory}" if name else f"(none exist for {backbone})"
        hint = f"run `slick-backend weights download {name}`, or " if name else ""
        raise InputError(f"no pretrained base weights {what}; {hint}give --allow-random-init to train from random weights")


def run_prepare_train(params: PrepareTrainParams, progress) -> dict:
    from .dataset.prepare import run_prepare

    params.validate()
    steps = 3 if params.prompt_out_dir else 2
    progress.log(f"step 1 of {steps}: prepare the dataset")
    prepared = run_prepare(params.prepare, progress.sub(0.0, 0.3))
    progress.log(f"step 2 of {steps}: train")
    result = run_train(params.train_params(), progress.sub(0.3, 0.85 if params.prompt_out_dir else 1.0))
    if params.prompt_out_dir:
        from .prompt.finetune import run_finetune_prompt

        progress.log("step 3 of 3: adapt the prompt model to the same labels")
        try:
            prompt = run_finetune_prompt(params.prompt_params(), progress.sub(0.85, 1.0))
            result = {**result, "prompt_model_dir": prompt["prompt_model_dir"], "prompt": prompt}
        except InputError as exc:  # e.g. no slick big enough to prompt: the trained model stands on its own
            progress.log(f"the prompt model was not adapted: {exc}")
            result = {**result, "prompt_error": str(exc)}
    return {"dataset_dir": str(Path(params.prepare.out_dir).resolve()), "prepare": prepared, **result}
