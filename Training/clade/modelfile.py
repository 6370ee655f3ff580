"""Model files (docs/model-format.md): one safetensors file holding a generator, its optional style encoder
under `encoder.` with an optional style bank (`style_bank`, codes the encoder gave real pictures, from which
random styles are drawn), and the config as JSON in `__metadata__["clade_paint_config"]`."""
from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Mapping

import torch
from safetensors import SafetensorError, safe_open
from safetensors.torch import save_file

from .config import CONFIG_KEY, ConfigError, ModelConfig
from .networks import ConvEncoder, SPADEGenerator

ENCODER_PREFIX = "encoder."
STYLE_BANK = "style_bank"
DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16}
DTYPE_NAMES = {dtype: name for name, dtype in DTYPES.items()}
SPECTRAL_SUFFIXES = ("_orig", "_u", "_v")
PROBLEMS_SHOWN = 20


class ModelFileError(ValueError):
    """A model file that cannot be read or written; the message names the file and the problem."""


def fold_spectral_norm(state_dict: Mapping[str, torch.Tensor]) -> "OrderedDict[str, torch.Tensor]":
    """Replace every spectral-norm triple (`X_orig`, `X_u`, `X_v`) by the effective weight `X`, computed as
    torch's spectral_norm does in eval mode: X = X_orig / sigma, sigma = u . (W v), W = X_orig as
    [out, -1]. Other entries pass through in order."""
    folded: OrderedDict[str, torch.Tensor] = OrderedDict()
    for name, tensor in state_dict.items():
        if name.endswith(("_u", "_v")):
            if name[:-2] + "_orig" in state_dict:
                continue
        if name.endswith("_orig"):
            base = name[: -len("_orig")]
            missing = [base + s for s in ("_u", "_v") if base + s not in state_dict]
            if missing:
                raise ModelFileError(f"spectral norm of {base}: {name} is there but {missing} are missing")
            u, v = state_dict[base + "_u"], state_dict[base + "_v"]
            matrix = tensor.reshape(tensor.shape[0], -1)
            sigma = torch.dot(u, torch.mv(matrix, v))
            folded[base] = tensor / sigma
        else:
            folded[name] = tensor
    return folded


def _without_batch_counters(state_dict: Mapping[str, torch.Tensor]) -> "OrderedDict[str, torch.Tensor]":
    return OrderedDict((k, v) for k, v in state_dict.items() if not k.endswith("num_batches_tracked"))


def expected_shapes(config: ModelConfig) -> "OrderedDict[str, tuple[int, ...]]":
    """Every tensor a model file of this config holds, with its shape, in file order."""
    with torch.device("meta"):
        generator = SPADEGenerator(config)
        encoder = ConvEncoder(config) if config.use_vae else None
    shapes = OrderedDict((k, tuple(v.shape)) for k, v in _without_batch_counters(generator.state_dict()).items())
    if encoder is not None:
        shapes.update((ENCODER_PREFIX + k, tuple(v.shape)) for k, v in encoder.state_dict().items())
    return shapes


def check_tensors(config: ModelConfig, tensors: Mapping[str, tuple[tuple[int, ...], str]]) -> list[str]:
    """Compare a file's tensors (name -> (shape, dtype name)) with the config; one line per problem:
    missing, extra, wrong shape or unsupported dtype. Empty when the file is complete. Batch-norm
    `num_batches_tracked` counters are ignored (the format drops them). The optional style bank must be
    [K >= 1, z_dim] and needs an encoder (use_vae)."""
    expected = expected_shapes(config)
    tensors = _without_batch_counters(tensors)
    problems = []
    if STYLE_BANK in tensors:
        shape, dtype = tensors[STYLE_BANK]
        if not config.use_vae:
            problems.append(f"extra tensor {STYLE_BANK} {list(shape)} (a style bank needs use_vae)")
        elif len(shape) != 2 or shape[0] < 1 or shape[1] != config.z_dim:
            problems.append(f"tensor {STYLE_BANK} has shape {list(shape)}, the config needs [K >= 1, {config.z_dim}]")
        if dtype not in DTYPES:
            problems.append(f"tensor {STYLE_BANK} has dtype {dtype}, expected one of {list(DTYPES)}")
        tensors = {k: v for k, v in tensors.items() if k != STYLE_BANK}
    problems += [f"missing tensor {name} {list(shape)}" for name, shape in expected.items() if name not in tensors]
    problems += [f"extra tensor {name} {list(tensors[name][0])}" for name in tensors if name not in expected]
    for name, (shape, dtype) in tensors.items():
        if name in expected and tuple(shape) != expected[name]:
            problems.append(f"tensor {name} has shape {list(shape)}, the config needs {list(expected[name])}")
        if dtype not in DTYPES:
            problems.append(f"tensor {name} has dtype {dtype}, expected one of {list(DTYPES)}")
    return problems


def _report(path: str, problems: list[str]) -> str:
    shown = problems[:PROBLEMS_SHOWN]
    more = len(problems) - len(shown)
    return f"{path}: {len(problems)} problem(s) with the tensors:\n  " + "\n  ".join(shown) + \
        (f"\n  ... and {more} more" if more else "")


def _dtype(dtype: torch.dtype | str) -> torch.dtype:
    if isinstance(dtype, str):
        if dtype.upper() not in DTYPES:
            raise ModelFileError(f"unsupported dtype {dtype!r}, expected one of {list(DTYPES)}")
        return DTYPES[dtype.upper()]
    if dtype not in DTYPE_NAMES:
        raise ModelFileError(f"unsupported dtype {dtype}, expected float32, float16 or bfloat16")
    return dtype


def model_tensors(config: ModelConfig, generator: torch.nn.Module,
                  encoder: torch.nn.Module | None = None) -> "OrderedDict[str, torch.Tensor]":
    """The tensors of a model file in float32: spectral norm folded, batch counters dropped, encoder
    tensors under `encoder.`."""
    tensors = _without_batch_counters(fold_spectral_norm(generator.state_dict()))
    if encoder is not None:
        tensors.update((ENCODER_PREFIX + k, v) for k, v in fold_spectral_norm(encoder.state_dict()).items())
    return OrderedDict((k, v.detach().to("cpu", torch.float32)) for k, v in tensors.items())


def export(path: str | os.PathLike, config: ModelConfig, generator: torch.nn.Module,
           encoder: torch.nn.Module | None = None, dtype: torch.dtype | str = torch.float32,
           style_bank: torch.Tensor | None = None) -> None:
    """Write one model file (safetensors, tensors as F32, F16 or BF16) atomically: a temporary file in the
    same folder, renamed over `path` only when complete. The encoder is required exactly when use_vae;
    `style_bank` [K, z_dim] (optional, needs the encoder) is stored as `style_bank`."""
    path = os.fspath(path)
    config.validate()
    target = _dtype(dtype)
    if config.use_vae and encoder is None:
        raise ModelFileError(f"{path}: the config has use_vae, so the file must carry the style encoder")
    if not config.use_vae and encoder is not None:
        raise ModelFileError(f"{path}: an encoder was given but the config has use_vae false")
    tensors = model_tensors(config, generator, encoder)
    if style_bank is not None:
        tensors[STYLE_BANK] = torch.as_tensor(style_bank).detach().to("cpu", torch.float32)
    problems = check_tensors(config, {k: (tuple(v.shape), "F32") for k, v in tensors.items()})
    if problems:
        raise ModelFileError(_report(path, problems))
    tensors = {k: v.to(target).contiguous() for k, v in tensors.items()}
    temporary = f"{path}.tmp-{os.getpid()}"
    try:
        save_file(tensors, temporary, metadata={CONFIG_KEY: config.to_json()})
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


def write_style_bank(path: str | os.PathLike, bank: torch.Tensor, out: str | os.PathLike | None = None) -> None:
    """Write the model file at `path` again with `bank` [K, z_dim] as its style bank (replacing any), to `out`
    (default: `path` itself), atomically. Every other tensor is copied as stored and the metadata is kept, so
    the pictures do not change; the bank takes the dtype of the file's other tensors."""
    path = os.fspath(path)
    out = os.fspath(out) if out is not None else path
    config = read_config(path)
    with safe_open(path, framework="pt") as f:
        metadata = f.metadata()
        tensors = {name: f.get_tensor(name) for name in f.keys() if name != STYLE_BANK}
    dtype = next(iter(tensors.values())).dtype
    tensors[STYLE_BANK] = torch.as_tensor(bank).detach().to("cpu", dtype).contiguous()
    problems = check_tensors(config, {k: (tuple(v.shape), DTYPE_NAMES[v.dtype]) for k, v in tensors.items()})
    if problems:
        raise ModelFileError(_report(path, problems))
    temporary = f"{out}.tmp-{os.getpid()}"
    try:
        save_file(tensors, temporary, metadata=metadata)
        os.replace(temporary, out)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


def read_config(path: str | os.PathLike) -> ModelConfig:
    """The config of a model file, without reading its tensors."""
    path = os.fspath(path)
    try:
        with safe_open(path, framework="pt") as f:
            metadata = f.metadata() or {}
    except (OSError, SafetensorError) as error:
        raise ModelFileError(f"{path}: not a readable safetensors file ({error})") from None
    if CONFIG_KEY not in metadata:
        raise ModelFileError(f"{path}: no '{CONFIG_KEY}' in the safetensors __metadata__; not a clade-paint model")
    try:
        return ModelConfig.from_json(metadata[CONFIG_KEY], source=path)
    except ConfigError as error:
        raise ModelFileError(str(error)) from None


def read_style_bank(path: str | os.PathLike) -> torch.Tensor | None:
    """The style bank of a model file, float32 [K, z_dim], or None when the file has none (random styles are
    then N(0, I)). The file is checked as `load` checks it."""
    path = os.fspath(path)
    config = read_config(path)
    with safe_open(path, framework="pt") as f:
        problems = check_tensors(config, {k: (tuple(f.get_slice(k).get_shape()), f.get_slice(k).get_dtype())
                                          for k in f.keys()})
        if problems:
            raise ModelFileError(_report(path, problems))
        return f.get_tensor(STYLE_BANK).to(torch.float32, copy=True) if STYLE_BANK in f.keys() else None


def load(path: str | os.PathLike) -> tuple[ModelConfig, SPADEGenerator, ConvEncoder | None]:
    """Read a model file: (config, generator, encoder or None), both in eval mode with float32 weights.
    Every tensor is checked against the config first; all problems are reported together, by name."""
    path = os.fspath(path)
    config = read_config(path)
    with safe_open(path, framework="pt") as f:
        headers = {name: f.get_slice(name) for name in f.keys()}
        problems = check_tensors(config, {k: (tuple(h.get_shape()), h.get_dtype()) for k, h in headers.items()})
        if problems:
            raise ModelFileError(_report(path, problems))
        tensors = {name: f.get_tensor(name) for name in _without_batch_counters(headers)}
    # Fresh (aligned) storage: BLAS chooses kernels by alignment, and tensors left in the file's buffer gave
    # results differing in the last bits from the exporting model.
    tensors = {k: v.to(torch.float32, copy=True) for k, v in tensors.items()}
    with torch.device("meta"):
        generator = SPADEGenerator(config)
        encoder = ConvEncoder(config) if config.use_vae else None
    generator_state = {k: v for k, v in tensors.items() if not k.startswith(ENCODER_PREFIX) and k != STYLE_BANK}
    for name in generator.state_dict():
        if name.endswith("num_batches_tracked"):
            generator_state[name] = torch.tensor(0, dtype=torch.long)
    generator.load_state_dict(generator_state, strict=True, assign=True)
    if encoder is not None:
        encoder.load_state_dict({k[len(ENCODER_PREFIX):]: v for k, v in tensors.items()
                                 if k.startswith(ENCODER_PREFIX)}, strict=True, assign=True)
        encoder.eval()
    return config, generator.eval(), encoder
