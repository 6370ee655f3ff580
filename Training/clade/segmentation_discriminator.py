"""The segmentation-based discriminator of OASIS (Sushko et al., "You Only Need Adversarial Supervision for
Semantic Image Synthesis", ICLR 2021).

Instead of judging patches real or fake, the discriminator segments the image: for every pixel it predicts one
of the N semantic classes or an extra "fake" class (index N), so its real-image target is the label map itself
and the generator is rewarded for pictures whose every region reads as its class. It needs no semantic input and
no pretrained network. Layouts: image [B, 3, H, W] in [-1, 1] -> logits [B, N + 1, H, W].

The network is a U-Net of residual blocks with spectral norm: `depth` blocks that halve the resolution (widths
ndf, 2 ndf, 4 ndf, ... capped at 8 ndf), then `depth` blocks that double it, each reading the matching encoder
output beside its input (skip connections), and a 1x1 conv to the N + 1 logits.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils import spectral_norm

LEAKY_SLOPE = 0.2


class ResidualBlock(nn.Module):
    """OASIS's residual_block_D: dx = conv2(lrelu(conv1(lrelu(x)))) (no activation before conv1 in the first
    block), resampled by `direction` (-1 halves with average pooling after the convs, +1 doubles with nearest
    upsampling before them), plus a shortcut resampled the same way through a learned 1x1 conv where the width
    changes."""

    def __init__(self, fin: int, fout: int, direction: int, first: bool = False):
        super().__init__()
        self.direction, self.first = direction, first
        middle = fout
        self.conv1 = spectral_norm(nn.Conv2d(fin, middle, 3, padding=1))
        self.conv2 = spectral_norm(nn.Conv2d(middle, fout, 3, padding=1))
        self.shortcut = spectral_norm(nn.Conv2d(fin, fout, 1)) if fin != fout else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.direction > 0:
            x = F.interpolate(x, scale_factor=2, mode="nearest")
        dx = self.conv1(x if self.first else F.leaky_relu(x, LEAKY_SLOPE))
        dx = self.conv2(F.leaky_relu(dx, LEAKY_SLOPE))
        skip = self.shortcut(x) if self.shortcut is not None else x
        if self.direction < 0:
            dx, skip = F.avg_pool2d(dx, 2), F.avg_pool2d(skip, 2)
        return skip + dx


class SegmentationDiscriminator(nn.Module):
    """Per-pixel (N + 1)-class segmenter used as the discriminator; index `classes` is "fake"."""

    def __init__(self, classes: int, ndf: int = 64, depth: int = 4):
        super().__init__()
        if depth < 1:
            raise ValueError(f"the segmentation discriminator needs at least one resolution step, got {depth}")
        self.classes = classes
        widths = [ndf * min(2 ** i, 8) for i in range(depth)]
        self.down = nn.ModuleList(ResidualBlock(3 if i == 0 else widths[i - 1], widths[i], -1, first=i == 0)
                                  for i in range(depth))
        # Up block k reads the previous up output beside the down output of the same resolution (the deepest
        # one has no partner and reads the bottleneck alone).
        ups = []
        for i in reversed(range(depth)):
            fin = widths[i] if i == depth - 1 else 2 * widths[i]
            ups.append(ResidualBlock(fin, widths[i - 1] if i else widths[0], +1))
        self.up = nn.ModuleList(ups)
        self.head = nn.Conv2d(widths[0], classes + 1, 1)

    @property
    def fake_class(self) -> int:
        return self.classes

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        factor = 2 ** len(self.down)
        if image.dim() != 4 or image.shape[1] != 3 or image.shape[2] % factor or image.shape[3] % factor:
            raise ValueError(f"the segmentation discriminator needs [B, 3, H, W] with H and W multiples of "
                             f"{factor}, got {list(image.shape)}")
        skips = []
        x = image
        for block in self.down:
            x = block(x)
            skips.append(x)
        x = self.up[0](skips[-1])
        for block, skip in zip(self.up[1:], reversed(skips[:-1]), strict=True):
            x = block(torch.cat((x, skip), 1))
        return self.head(F.leaky_relu(x, LEAKY_SLOPE))
