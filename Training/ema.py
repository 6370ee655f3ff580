"""An exponential moving average of the generator's weights (Karras et al., Yazici et al. "The unusual
effectiveness of averaging in GAN training"): the averaged weights draw steadier pictures than the live ones,
which oscillate with the adversarial game.

After each optimiser step: average <- beta * average + (1 - beta) * live, with the warm-up ramp
beta = min(decay, (1 + n) / (10 + n)) after n updates, so early on (and right after training starts from other
weights) the average follows the live weights instead of holding on to where they started.

Buffers are copied, not averaged: spectral norm's power-iteration vectors and the batch-norm running statistics.
Those statistics belong to the live weights; `recompute_batch_norm` measures them again for the averaged weights
before export.
"""
from __future__ import annotations

import torch
from torch import nn


class GeneratorAverage:
    """The averaged copy `model` of a generator, updated from the live one by `update`."""

    def __init__(self, model: nn.Module, decay: float, updates: int = 0):
        if not 0.0 < decay < 1.0:
            raise ValueError(f"the averaging decay must lie in (0, 1), got {decay}")
        self.model = model.requires_grad_(False)
        self.decay, self.updates = decay, updates

    def beta(self) -> float:
        """The weight of the old average in the next update."""
        return min(self.decay, (1 + self.updates) / (10 + self.updates))

    @torch.no_grad()
    def update(self, live: nn.Module) -> None:
        averaged = list(self.model.parameters())
        torch._foreach_lerp_(averaged, [p.detach() for p in live.parameters()], 1.0 - self.beta())
        for mine, theirs in zip(self.model.buffers(), live.buffers(), strict=True):
            mine.copy_(theirs)
        self.updates += 1

    @torch.no_grad()
    def recompute_batch_norm(self, forward, batches: int) -> None:
        """Measures the batch-norm running statistics of the averaged weights afresh: resets them, runs
        `forward(model)` (one generator pass on a training batch) `batches` times in training mode with a
        cumulative average (momentum None), and leaves the model in eval mode."""
        norms = [m for m in self.model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
        momenta = [m.momentum for m in norms]
        for m in norms:
            m.reset_running_stats()
            m.momentum = None
        self.model.train()
        for _ in range(batches):
            forward(self.model)
        for m, momentum in zip(norms, momenta, strict=True):
            m.momentum = momentum
        self.model.eval()

    def state_dict(self) -> dict:
        return {"model": self.model.state_dict(), "updates": self.updates, "decay": self.decay}

    def load_state_dict(self, state: dict) -> None:
        self.model.load_state_dict(state["model"])
        self.updates = state["updates"]
