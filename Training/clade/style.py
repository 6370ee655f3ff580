"""Seeded random style codes, the Python twin of Swift's `StyleCode.random(seed:count:)` and
`StyleCode.random(seed:bank:)` (docs/conditioning.md section 5): SplitMix64 uniforms; Box-Muller in float64
with Python's `math` (the same libm as the Swift side), values rounded once to float32; or, for a model with a
style bank, the bank row a seed picks."""
from __future__ import annotations

import math

import numpy as np

MASK64 = (1 << 64) - 1


class SplitMix64:
    """The SplitMix64 generator: 64-bit state, one output per call of `next()`."""

    def __init__(self, seed: int):
        if not 0 <= seed <= MASK64:
            raise ValueError(f"style seed must be an unsigned 64-bit integer, got {seed}")
        self.state = seed

    def next(self) -> int:
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)

    def uniform(self) -> float:
        """A float64 in [0, 1) from the top 53 bits."""
        return (self.next() >> 11) * 2.0 ** -53


def random_style(seed: int, count: int) -> np.ndarray:
    """A style code of `count` standard-normal values (float32 [count]) determined by `seed`."""
    if count < 0:
        raise ValueError(f"style code length must not be negative, got {count}")
    generator = SplitMix64(seed)
    values: list[float] = []
    while len(values) < count:
        a, b = generator.uniform(), generator.uniform()
        radius = math.sqrt(-2.0 * math.log(1.0 - a))
        angle = 2.0 * math.pi * b
        values += [radius * math.cos(angle), radius * math.sin(angle)]
    return np.array(values[:count], dtype=np.float64).astype(np.float32)


def bank_style(seed: int, bank: np.ndarray) -> np.ndarray:
    """The row of a style bank [K, z_dim] that `seed` picks: `floor(u * K)` for the first SplitMix64 uniform u
    of the seed (exact in float64, so both sides pick the same row). Returns float32 [z_dim]."""
    bank = np.asarray(bank, dtype=np.float32)
    if bank.ndim != 2 or bank.shape[0] < 1:
        raise ValueError(f"a style bank must be [K, z_dim] with K >= 1, got shape {list(bank.shape)}")
    return bank[int(SplitMix64(seed).uniform() * bank.shape[0])].copy()


def sample_style(seed: int, z_dim: int, bank: np.ndarray | None = None) -> np.ndarray:
    """The random style of `seed` for a model: a row of its style bank when it has one (codes the encoder gave
    real renders), else `random_style(seed, z_dim)` (N(0, I))."""
    if bank is None:
        return random_style(seed, z_dim)
    if np.shape(bank)[-1] != z_dim:
        raise ValueError(f"the style bank holds codes of {np.shape(bank)[-1]} values; z_dim is {z_dim}")
    return bank_style(seed, bank)
