"""The multi-scale PatchGAN discriminator of pix2pixHD / SPADE (the training setup of the SPADE and CLADE papers).

Layouts: the input is the semantic map concatenated with an RGB image, [N, semantic_nc + 3, H, W]. Each scale
returns the list of its layer outputs [N, C_k, h_k, w_k]; the last entry is the patch prediction [N, 1, h, w],
the others are the intermediate features used by the feature-matching loss.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils import spectral_norm

LEAKY_SLOPE = 0.2
KERNEL = 4
# (kernel 4, padding 2) as in pix2pixHD: ceil((4 - 1) / 2).
PADDING = 2
INIT_GAIN = 0.02


def _conv(in_channels: int, out_channels: int, stride: int) -> nn.Conv2d:
    """A 4x4 conv with the papers' init (xavier-normal gain 0.02, zero bias), set before spectral norm wraps it."""
    conv = nn.Conv2d(in_channels, out_channels, KERNEL, stride=stride, padding=PADDING)
    nn.init.xavier_normal_(conv.weight, gain=INIT_GAIN)
    nn.init.zeros_(conv.bias)
    return conv


class PatchDiscriminator(nn.Module):
    """One scale: conv(in, ndf, s2) + lrelu, then `layers - 1` convs doubling the width (capped at 512),
    stride 2 except the last, each with spectral norm, instance norm and lrelu, then conv(., 1, s1)."""

    def __init__(self, in_channels: int, ndf: int = 64, layers: int = 4):
        super().__init__()
        stages = [nn.Sequential(_conv(in_channels, ndf, 2),
                                nn.LeakyReLU(LEAKY_SLOPE))]
        width = ndf
        for n in range(1, layers):
            previous, width = width, min(width * 2, 512)
            stride = 1 if n == layers - 1 else 2
            stages.append(nn.Sequential(
                spectral_norm(_conv(previous, width, stride)),
                nn.InstanceNorm2d(width, affine=False),
                nn.LeakyReLU(LEAKY_SLOPE)))
        stages.append(nn.Sequential(_conv(width, 1, 1)))
        self.stages = nn.ModuleList(stages)

    def forward(self, x: torch.Tensor) -> list[torch.Tensor]:
        outputs = []
        for stage in self.stages:
            x = stage(x)
            outputs.append(x)
        return outputs


class MultiscaleDiscriminator(nn.Module):
    """`num_d` PatchGANs on the input downsampled by avg_pool(3, s2, p1, count_include_pad=False) between
    scales. Returns one list of layer outputs per scale, finest scale first."""

    def __init__(self, in_channels: int, ndf: int = 64, num_d: int = 2, layers: int = 4):
        super().__init__()
        if num_d < 1:
            raise ValueError(f"the discriminator needs at least one scale, got num_d={num_d}")
        self.scales = nn.ModuleList(PatchDiscriminator(in_channels, ndf, layers) for _ in range(num_d))

    @property
    def num_d(self) -> int:
        return len(self.scales)

    def forward(self, x: torch.Tensor) -> list[list[torch.Tensor]]:
        results = []
        for i, scale in enumerate(self.scales):
            if i:
                x = F.avg_pool2d(x, 3, stride=2, padding=1, count_include_pad=False)
            results.append(scale(x))
        return results
