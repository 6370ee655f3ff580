"""The training losses of SPADE/CLADE (the training setup of the SPADE and CLADE papers), and those of the OASIS
segmentation discriminator (clade/segmentation_discriminator.py).

PatchGAN outputs come as one list per scale of layer outputs [N, C, h, w], the last being the patch
prediction (see clade/discriminator.py). Segmentation-discriminator outputs are logits [N, classes + 1, H, W]
with the fake class last. Every loss returns a scalar tensor.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F


def hinge_d_loss(real: list[list[torch.Tensor]], fake: list[list[torch.Tensor]]) -> torch.Tensor:
    """Discriminator hinge loss, mean(relu(1 - D(real))) + mean(relu(1 + D(fake))), averaged over scales."""
    terms = [F.relu(1 - r[-1].float()).mean() + F.relu(1 + f[-1].float()).mean()
             for r, f in zip(real, fake, strict=True)]
    return torch.stack(terms).mean()


def hinge_g_loss(fake: list[list[torch.Tensor]]) -> torch.Tensor:
    """Generator hinge loss, -mean(D(fake)), averaged over scales."""
    return torch.stack([-f[-1].float().mean() for f in fake]).mean()


def feature_matching_loss(real: list[list[torch.Tensor]], fake: list[list[torch.Tensor]],
                          weight: float = 10.0) -> torch.Tensor:
    """L1 between the discriminator's intermediate features on fake and (detached) real images, summed over
    layers and scales, times weight / num_D."""
    total = torch.zeros((), device=fake[0][-1].device)
    for r, f in zip(real, fake, strict=True):
        for real_feature, fake_feature in zip(r[:-1], f[:-1], strict=True):
            total = total + F.l1_loss(fake_feature.float(), real_feature.detach().float())
    return total * (weight / len(fake))


def kl_loss(mu: torch.Tensor, logvar: torch.Tensor, weight: float = 0.05) -> torch.Tensor:
    """weight * KL(N(mu, exp(logvar)) || N(0, I)): -0.5 * sum(1 + logvar - mu^2 - exp(logvar)) summed over
    the code [N, z_dim] and averaged over the batch (the reference's batch size 1 makes the two agree)."""
    mu, logvar = mu.float(), logvar.float()
    per_sample = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp(), dim=1)
    return weight * per_sample.mean()


def reconstruction_loss(fake: torch.Tensor, real: torch.Tensor, weight: float) -> torch.Tensor:
    """weight * mean |fake - real| over images [N, 3, H, W] in [-1, 1] (paired data)."""
    return weight * F.l1_loss(fake.float(), real.float())


def class_balance(labels: torch.Tensor, classes: int) -> torch.Tensor:
    """OASIS's per-pixel weights [N, H, W] for labels [N, H, W]: each class present in the batch weighs
    pixels / (present classes * its pixel count), so every present class carries the same total weight and
    small classes (a rock, a path) count as much as the sky."""
    counts = torch.bincount(labels.reshape(-1), minlength=classes).float()
    present = (counts > 0).sum()
    weights = labels.numel() / (present * counts.clamp(min=1))
    return weights[labels]


def segmentation_loss(logits: torch.Tensor, target: torch.Tensor, weights: torch.Tensor | None = None) -> torch.Tensor:
    """Per-pixel cross entropy of logits [N, classes + 1, H, W] against class ids [N, H, W], weighted per pixel
    by `weights` [N, H, W] (class_balance) when given, averaged over pixels."""
    loss = F.cross_entropy(logits.float(), target, reduction="none")
    return (loss * weights).mean() if weights is not None else loss.mean()


def labelmix_mask(labels: torch.Tensor, classes: int) -> torch.Tensor:
    """LabelMix's mask [N, 1, H, W]: every class of each label map [N, H, W] (ids below `classes`) is given to
    the real image (1) or to the generated one (0) at random, so a mixed image has real and fake regions along
    class boundaries."""
    pick = torch.randint(0, 2, (labels.shape[0], classes), device=labels.device)
    return pick.gather(1, labels.reshape(labels.shape[0], -1)).reshape(labels.shape).unsqueeze(1).float()


def labelmix_loss(mixed: torch.Tensor, real: torch.Tensor, fake: torch.Tensor, mask: torch.Tensor,
                  weight: float = 10.0) -> torch.Tensor:
    """weight * mean squared difference between the discriminator's logits on the mixed image and the same
    mix of its logits on the real and the generated image (all [N, classes + 1, H, W]; mask [N, 1, H, W])."""
    target = mask * real.float() + (1 - mask) * fake.float()
    return weight * F.mse_loss(mixed.float(), target)
