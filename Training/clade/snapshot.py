"""Generator snapshots: the drawing weights of a generator that no model file can hold (per-channel ICPE, an
experiment; docs/model-format.md keeps the published single ICPE channel), so that training runs with it can
be evaluated like model files. A torch file with the config and the generator's state, spectral norm folded
as in a model file; no encoder, no style bank (random styles are then N(0, I))."""
from __future__ import annotations

import os
import pickle
from collections.abc import Mapping

import torch
from torch import nn

from .config import ModelConfig
from .modelfile import ModelFileError, fold_spectral_norm
from .networks import SPADEGenerator

SUFFIX = ".generator.pt"
FORMAT = "clade-paint-generator-snapshot-1"


def is_snapshot(path: str | os.PathLike) -> bool:
    return os.fspath(path).endswith(SUFFIX)


def save(path: str | os.PathLike, config: ModelConfig, generator: nn.Module, icpe_per_channel: bool) -> None:
    """Write `generator` (spectral-normalised or not) atomically: a temporary file renamed over `path`."""
    path = os.fspath(path)
    if not path.endswith(SUFFIX):
        raise ModelFileError(f"{path}: a generator snapshot's name ends in {SUFFIX}")
    state = {"format": FORMAT, "config": config.to_dict(), "icpe_per_channel": icpe_per_channel,
             "generator": fold_spectral_norm(generator.state_dict())}
    temporary = f"{path}.tmp-{os.getpid()}"
    try:
        torch.save(state, temporary)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


def _read(path: str) -> Mapping:
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except (OSError, RuntimeError, pickle.UnpicklingError) as error:
        raise ModelFileError(f"{path}: not a readable generator snapshot ({error})") from None
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        raise ModelFileError(f"{path}: not a generator snapshot (format {FORMAT!r} expected)")
    return state


def read_config(path: str | os.PathLike) -> ModelConfig:
    path = os.fspath(path)
    return ModelConfig.from_dict(_read(path)["config"], source=path)


def load(path: str | os.PathLike) -> tuple[ModelConfig, SPADEGenerator]:
    """(config, generator in eval mode); every tensor must match the generator the config describes."""
    path = os.fspath(path)
    state = _read(path)
    config = ModelConfig.from_dict(state["config"], source=path)
    generator = SPADEGenerator(config, icpe_per_channel=bool(state["icpe_per_channel"]))
    try:
        generator.load_state_dict(state["generator"], strict=True)
    except RuntimeError as error:
        raise ModelFileError(f"{path}: the weights do not fit the config ({error})") from None
    return config, generator.eval()
