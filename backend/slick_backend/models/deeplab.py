"""DeepLabv3 (and DeepLabv3+) through segmentation-models-pytorch, one SAR band in, one slick logit out.

Decoders: "aspp" is the paper's DeepLabv3 (ASPP head, logits upsampled 8x from output stride 8);
"plus" is DeepLabv3+ (encoder at output stride 16, its ASPP features joined with stride-4 encoder
features before the upsampling): about twice as fast to train on a CPU as stride-8 DeepLabv3 and
sharper on slicks only a few pixels wide. The shipped source model uses it.

Single band: smp builds the first convolution with ``in_channels=1``; ImageNet RGB weights
enter by summing the stem kernel over its three input channels (a grey image then gives the
same activations as the RGB one), which ``adapt_imagenet_state`` does explicitly.
Normalisation: the stretched 0..255 values are centred on ImageNet's grey mean and std
(0.449 / 0.226 of 255) inside the module, so callers never normalise.
"""

from __future__ import annotations

import torch
from torch import nn

BACKBONES = ("resnet18", "resnet34", "resnet50", "resnet101", "mobilenet_v2")
DECODERS = ("aspp", "plus")
GREY_MEAN = 0.449 * 255.0  # 114.5: ImageNet channel means averaged, in the 0..255 domain
GREY_STD = 0.226 * 255.0  # 57.6


class DeepLabCore(nn.Module):
    """smp.DeepLabV3 with its input normalisation; returns logits [B, 1, H, W]."""

    def __init__(self, backbone: str, output_stride: int = 8, decoder_channels: int = 256, bands: int = 1,
                 decoder: str = "aspp"):
        super().__init__()
        import segmentation_models_pytorch as smp

        self.net = (smp.DeepLabV3Plus if decoder == "plus" else smp.DeepLabV3)(
            encoder_name=backbone,
            encoder_weights=None,  # pretrained weights come only from the local models dir
            in_channels=bands,
            classes=1,
            encoder_output_stride=output_stride,
            decoder_channels=decoder_channels,
        )
        self.register_buffer("mean", torch.tensor(GREY_MEAN), persistent=False)
        self.register_buffer("std", torch.tensor(GREY_STD), persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net((x - self.mean) / self.std)


def adapt_imagenet_state(state: dict, encoder: nn.Module) -> dict:
    """Torchvision ImageNet weights -> the 1-band smp encoder's state dict (stem summed over RGB)."""
    own = encoder.state_dict()
    out = {}
    for key, value in state.items():
        if key not in own:
            continue  # the classifier (fc / classifier) is not part of the encoder
        if value.ndim == 4 and own[key].ndim == 4 and value.shape[1] == 3 and own[key].shape[1] == 1:
            value = value.sum(dim=1, keepdim=True)
        if value.shape == own[key].shape:
            out[key] = value
    return out


def load_imagenet(core: DeepLabCore, state: dict) -> int:
    """Load ImageNet encoder weights; returns how many tensors were loaded."""
    adapted = adapt_imagenet_state(state, core.net.encoder)
    core.net.encoder.load_state_dict(adapted, strict=False)
    return len(adapted)
