"""Convert a public SPADE or CLADE generator checkpoint (`*_net_G.pth`) into a clade-paint model file.

    .venv/bin/python Training/convert.py CHECKPOINT OUT.safetensors
        --dataset ade20k|ade20k-outdoor|cityscapes|coco-stuff [--size WxH] [--upsampling normal|more|most]
        [--ngf N] [--arch clade|spade|hybrid] [--icpe | --no-icpe]
        [--edges | --no-edges] [--encoder NET_E.pth] [--dtype F32|F16|BF16] [--training-data TEXT]
    (without --dataset: --label-nc, --palette and --size are required, --dontcare optional)

The checkpoint is a state dict as NVlabs/SPADE and tzt101/CLADE save it (`torch.save(net.state_dict())`, keys
optionally under `module.`): block convs with spectral norm (`weight_orig`, `weight_u`, `weight_v`, folded here
into `weight` as torch does in eval mode), (synchronized) batch-norm `running_mean` / `running_var` (kept;
`num_batches_tracked` dropped). Everything else is inferred from the tensor shapes and checked against the
data set's conventions and the options: ngf (head_0 / conv_img), the norm of each block (class banks or SPADE
mlps), the class count (bank rows, or the SPADE mlp_shared input), instance edges (inst_conv, or one extra
semantic channel), ICPE (dist_conv), VAE (a Linear fc, whose size fixes the head size), 'most' (up_4).
Any disagreement is an error that names the tensor, what it implies and what the options ask for. With --dataset the
model also carries the official loaders' conditioning conventions (docs/conditioning.md, section 6).
"""
from __future__ import annotations

import argparse
import os
import sys
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass

import torch

from clade.config import UPSAMPLING_COUNTS, ConfigError, ModelConfig, block_names_for, official_conditioning
from clade.modelfile import ModelFileError, export, fold_spectral_norm
from clade.networks import ConvEncoder, SPADEGenerator
from clade.palette import PALETTE_FOLDER, PaletteError, palette_file, read_palette
from clade.pictures import parse_size

DATA_PARALLEL_PREFIX = "module."


class ConversionError(ValueError):
    """A checkpoint that cannot be converted as asked; the message names the file and the problem."""


@dataclass(frozen=True)
class Dataset:
    """A public data set's conventions as the SPADE/CLADE loaders set them (data/<name>_dataset.py)."""
    palette: str
    label_nc: int
    dontcare: bool
    edges: bool
    width: int
    height: int
    upsampling: str
    description: str
    # The class row of raw label value 0, which the official ICPE maps leave out (util/cal_dist_masks.py). ADE20K's
    # loader leaves the raw values as rows (its postprocess does not store the shifted map), so that is row 0 too.
    raw_zero_class: int


DATASETS = {
    "ade20k": Dataset("ade20k", 150, True, False, 256, 256, "normal",
                      "ADE20K (unknown at index 0, then its 150 classes)", 0),
    "ade20k-outdoor": Dataset("ade20k-outdoor", 150, True, False, 256, 256, "normal",
                              "ADE20K-outdoor (the outdoor subset of ADE20K; unknown at index 0, then 150 classes)", 0),
    "cityscapes": Dataset("cityscapes", 35, False, True, 512, 256, "more",
                          "Cityscapes (35 label ids, instance edges, 512x256)", 0),
    "coco-stuff": Dataset("coco-stuff", 182, True, True, 256, 256, "normal",
                          "COCO-Stuff (182 classes + unlabeled at index 182, instance edges)", 0),
}


@dataclass
class Inferred:
    """What the generator's tensors say about its config; None where the shapes do not tell."""
    ngf: int
    block_norms: list[str]
    most: bool
    use_vae: bool
    z_dim: int | None
    head_values: int | None
    semantic_nc: int | None
    class_count: int | None
    edges: bool | None
    use_icpe: bool
    param_free_norm: str


def read_checkpoint(path: str) -> "OrderedDict[str, torch.Tensor]":
    """The state dict of a `*_net_*.pth` file, without a DataParallel `module.` prefix."""
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise ConversionError(f"{path}: no such checkpoint file") from None
    except Exception as error:  # torch.load raises many kinds for files that are not checkpoints
        raise ConversionError(f"{path}: not a readable PyTorch checkpoint ({type(error).__name__}: {error})") from None
    if not isinstance(state, Mapping) or not state or \
            not all(isinstance(k, str) and isinstance(v, torch.Tensor) for k, v in state.items()):
        raise ConversionError(f"{path}: expected a state dict (tensor name -> tensor) as SPADE/CLADE save "
                              f"with torch.save(net.state_dict()), got {type(state).__name__}")
    if all(k.startswith(DATA_PARALLEL_PREFIX) for k in state):
        state = {k[len(DATA_PARALLEL_PREFIX):]: v for k, v in state.items()}
    return OrderedDict(state)


def effective_tensors(state: Mapping[str, torch.Tensor], path: str) -> "OrderedDict[str, torch.Tensor]":
    """Spectral norm folded, batch counters dropped, float32."""
    try:
        folded = fold_spectral_norm(state)
    except ModelFileError as error:
        raise ConversionError(f"{path}: {error}") from None
    return OrderedDict((k, v.to(torch.float32)) for k, v in folded.items() if not k.endswith("num_batches_tracked"))


def infer(tensors: Mapping[str, torch.Tensor], path: str) -> Inferred:
    """Read the architecture off the tensor shapes (see the module doc)."""
    def need(name: str) -> torch.Tensor:
        if name not in tensors:
            raise ConversionError(f"{path}: no tensor {name}; not a SPADE/CLADE generator state dict "
                                  f"(a discriminator or encoder file? convert the *_net_G.pth)")
        return tensors[name]

    head = need("head_0.conv_0.weight")
    if head.shape[0] % 16:
        raise ConversionError(f"{path}: head_0.conv_0.weight has {head.shape[0]} output channels, "
                              f"not 16 * ngf")
    ngf = head.shape[0] // 16
    most = "up_4.conv_0.weight" in tensors
    norms = []
    class_counts, semantic_ncs, inst_convs, dist_convs = {}, {}, {}, {}
    for block in block_names_for("most" if most else "normal"):
        prefix = f"{block}.norm_0."
        if prefix + "class_specified_affine.weight" in tensors:
            norms.append("clade")
            class_counts[block] = tensors[prefix + "class_specified_affine.weight"].shape[0]
            inst_convs[block] = prefix + "inst_conv.weight" in tensors
            dist_convs[block] = prefix + "class_specified_affine.dist_conv_w.weight" in tensors
        elif prefix + "mlp_shared.0.weight" in tensors:
            norms.append("spade")
            semantic_ncs[block] = tensors[prefix + "mlp_shared.0.weight"].shape[1]
        else:
            raise ConversionError(f"{path}: block {block} has neither a CLADE class bank "
                                  f"({prefix}class_specified_affine.weight) nor SPADE mlps "
                                  f"({prefix}mlp_shared.0.weight)")

    def agreed(values: dict, what: str):
        distinct = sorted(set(values.values()))
        if len(distinct) > 1:
            raise ConversionError(f"{path}: the blocks disagree on {what}: {values}")
        return distinct[0] if distinct else None

    class_count = agreed(class_counts, "the class-bank rows")
    semantic_nc = agreed(semantic_ncs, "the SPADE semantic channels")
    edges = agreed(inst_convs, "instance edges (inst_conv)")
    use_icpe = bool(agreed(dist_convs, "ICPE (dist_conv)"))
    fc = need("fc.weight")
    use_vae = fc.dim() == 2
    if not use_vae:
        if semantic_nc is not None and fc.shape[1] != semantic_nc:
            raise ConversionError(f"{path}: fc.weight reads {fc.shape[1]} semantic channels, the SPADE norms "
                                  f"{semantic_nc}")
        semantic_nc = fc.shape[1]
    if class_count is not None and semantic_nc is not None:
        extra = semantic_nc - class_count
        if extra not in (0, 1) or (edges is not None and extra != int(edges)):
            raise ConversionError(f"{path}: {semantic_nc} semantic channels do not fit {class_count} class-bank "
                                  f"rows{'' if edges is None else ' with' + ('' if edges else 'out') + ' inst_conv'}")
        edges = bool(extra)
    output_channels = need("conv_img.weight").shape[1]
    expected_output = ngf // 2 if most else ngf
    if output_channels != expected_output:
        raise ConversionError(f"{path}: conv_img.weight reads {output_channels} channels; ngf {ngf} "
                              f"(from head_0) needs {expected_output}")
    return Inferred(ngf=ngf, block_norms=norms, most=most, use_vae=use_vae,
                    z_dim=fc.shape[1] if use_vae else None, head_values=fc.shape[0] if use_vae else None,
                    semantic_nc=semantic_nc, class_count=class_count, edges=edges, use_icpe=use_icpe,
                    param_free_norm="batch" if "head_0.norm_0.param_free_norm.running_mean" in tensors else "instance")


def palette_names(palette: str, folder: str = PALETTE_FOLDER) -> list[str]:
    """The class names of `Palettes/<palette>.gpl`, in class order."""
    try:
        _, entries = read_palette(palette_file(palette, folder))
    except PaletteError as error:
        raise ConversionError(str(error)) from None
    return [name for name, _ in entries]


def resolve_config(inferred: Inferred, args: argparse.Namespace, path: str) -> ModelConfig:
    """The model config: the data set's conventions and the options, each checked against the shapes."""
    def mismatch(problem: str) -> ConversionError:
        return ConversionError(f"{path}: {problem}")

    dataset = DATASETS.get(args.dataset) if args.dataset else None
    label_nc = args.label_nc if args.label_nc is not None else dataset.label_nc if dataset else None
    dontcare = args.dontcare if args.dontcare is not None else dataset.dontcare if dataset else False
    palette = args.palette or (dataset.palette if dataset else None)
    size = args.size or ((dataset.width, dataset.height) if dataset else None)
    if label_nc is None or palette is None or size is None:
        raise ConversionError("without --dataset, give --label-nc, --palette and --size")
    what = f"--dataset {args.dataset}" if dataset else "the options"
    class_count = label_nc + int(dontcare)

    if inferred.class_count is not None and inferred.class_count != class_count:
        raise mismatch(f"the class banks have {inferred.class_count} rows, {what} needs {class_count} "
                       f"(label_nc {label_nc}{' + dontcare' if dontcare else ''}); wrong --dataset?")
    edges = inferred.edges
    if edges is None:
        edges = inferred.semantic_nc - class_count
        if edges not in (0, 1):
            raise mismatch(f"the generator reads {inferred.semantic_nc} semantic channels, {what} has "
                           f"{class_count} classes (+1 with instance edges); wrong --dataset?")
        edges = bool(edges)
    wanted_edges = args.edges if args.edges is not None else dataset.edges if dataset else edges
    if edges != wanted_edges:
        source = "--edges/--no-edges" if args.edges is not None else f"--dataset {args.dataset}"
        raise mismatch(f"the checkpoint {'uses' if edges else 'has no'} instance edges, {source} says "
                       f"{'with' if wanted_edges else 'without'} (pass --{'' if edges else 'no-'}edges if the model "
                       f"was trained so)")
    if args.ngf is not None and args.ngf != inferred.ngf:
        raise mismatch(f"head_0.conv_0.weight gives ngf {inferred.ngf}, --ngf says {args.ngf}")
    if args.icpe is not None and args.icpe != inferred.use_icpe:
        raise mismatch(f"the checkpoint {'has' if inferred.use_icpe else 'has no'} ICPE convs "
                       f"(class_specified_affine.dist_conv_w), --{'' if args.icpe else 'no-'}icpe says otherwise")
    kinds = set(inferred.block_norms)
    architecture = kinds.pop() if len(kinds) == 1 else "hybrid"
    if args.arch is not None and args.arch != architecture:
        raise mismatch(f"the blocks' norms are {inferred.block_norms} ({architecture}), --arch says {args.arch}")

    upsampling = args.upsampling or ("most" if inferred.most else dataset.upsampling if dataset else "normal")
    if inferred.most != (upsampling == "most"):
        raise mismatch(f"the checkpoint {'has' if inferred.most else 'has no'} up_4 block, which means "
                       f"num_upsampling_layers {'most' if inferred.most else 'normal or more'}, not {upsampling!r}")
    width, height = size
    if inferred.use_vae:
        n = UPSAMPLING_COUNTS[upsampling]
        head = inferred.head_values // (16 * inferred.ngf)
        if head * 16 * inferred.ngf != inferred.head_values or head != (width >> n) * (height >> n):
            raise mismatch(f"fc.weight gives a head of {inferred.head_values} values = 16 * ngf {inferred.ngf} * "
                           f"{inferred.head_values / (16 * inferred.ngf):g} cells, but {width}x{height} with "
                           f"'{upsampling}' needs {(width >> n)}x{(height >> n)}; check --size and --upsampling")
    names = palette_names(palette, args.palette_folder)
    if len(names) != class_count:
        raise mismatch(f"palette '{palette}' has {len(names)} colours, the model {class_count} classes")
    training_data = args.training_data or (
        f"converted from {os.path.basename(path)}" + (f": public {dataset.description} generator" if dataset else ""))
    try:
        return ModelConfig.create(
            architecture=architecture, block_norms=inferred.block_norms, label_nc=label_nc, ngf=inferred.ngf,
            width=width, height=height, num_upsampling_layers=upsampling, contain_dontcare_label=dontcare,
            use_instance_edges=edges, use_icpe=inferred.use_icpe, param_free_norm=inferred.param_free_norm,
            use_vae=inferred.use_vae, z_dim=inferred.z_dim or 256, palette=palette, class_names=names,
            training_data=training_data,
            conditioning=official_conditioning(dataset.raw_zero_class) if dataset else None)
    except ConfigError as error:
        raise mismatch(f"the options give no valid model: {error}") from None


def load_module(module: torch.nn.Module, tensors: Mapping[str, torch.Tensor], what: str, path: str) -> None:
    """Load `tensors` into `module` (built on the meta device), every tensor used and every shape right."""
    expected = {k: tuple(v.shape) for k, v in module.state_dict().items() if not k.endswith("num_batches_tracked")}
    problems = [f"missing tensor {k} {list(s)}" for k, s in expected.items() if k not in tensors]
    problems += [f"unexpected tensor {k} {list(v.shape)}" for k, v in tensors.items() if k not in expected]
    problems += [f"tensor {k} has shape {list(v.shape)}, the {what} needs {list(expected[k])}"
                 for k, v in tensors.items() if k in expected and tuple(v.shape) != expected[k]]
    if problems:
        raise ConversionError(f"{path}: the {what} does not fit the inferred config:\n  " + "\n  ".join(problems[:20]))
    state = dict(tensors)
    for name in module.state_dict():
        if name.endswith("num_batches_tracked"):
            state[name] = torch.tensor(0, dtype=torch.long)
    module.load_state_dict(state, strict=True, assign=True)


def convert(checkpoint: str, output: str, args: argparse.Namespace) -> ModelConfig:
    """Convert `checkpoint` (and `args.encoder` for VAE generators) into the model file `output`."""
    tensors = effective_tensors(read_checkpoint(checkpoint), checkpoint)
    config = resolve_config(infer(tensors, checkpoint), args, checkpoint)
    with torch.device("meta"):
        generator = SPADEGenerator(config)
        encoder = ConvEncoder(config) if config.use_vae else None
    load_module(generator, tensors, "generator", checkpoint)
    if config.use_vae:
        if not args.encoder:
            raise ConversionError(f"{checkpoint}: a VAE generator (fc is Linear): give its style encoder "
                                  f"checkpoint (*_net_E.pth) with --encoder")
        load_module(encoder, effective_tensors(read_checkpoint(args.encoder), args.encoder), "encoder", args.encoder)
    elif args.encoder:
        raise ConversionError(f"{checkpoint}: the generator has no style input (fc is a conv), so --encoder "
                              f"{args.encoder} has no use")
    try:
        export(output, config, generator.eval(), None if encoder is None else encoder.eval(), dtype=args.dtype)
    except (ModelFileError, OSError) as error:
        raise ConversionError(str(error)) from None
    return config


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkpoint", help="the generator checkpoint, e.g. checkpoints/ade20k/best_net_G.pth")
    parser.add_argument("output", help="the model file to write (.safetensors)")
    parser.add_argument("--dataset", choices=sorted(DATASETS),
                        help="the data set the model was trained on: sets palette, classes, dontcare, edges, size")
    parser.add_argument("--size", type=parse_size, help="output WIDTHxHEIGHT (default: the data set's)")
    parser.add_argument("--upsampling", choices=tuple(UPSAMPLING_COUNTS),
                        help="num_upsampling_layers (default: the data set's; 'most' when up_4 exists)")
    parser.add_argument("--ngf", type=int, help="expected generator width (checked)")
    parser.add_argument("--arch", choices=("clade", "spade", "hybrid"), help="expected architecture (checked)")
    parser.add_argument("--icpe", action=argparse.BooleanOptionalAction, help="expect ICPE or not (checked)")
    parser.add_argument("--edges", action=argparse.BooleanOptionalAction,
                        help="instance edges (default: the data set's; checked)")
    parser.add_argument("--label-nc", type=int, help="classes without dontcare (default: the data set's)")
    parser.add_argument("--dontcare", action=argparse.BooleanOptionalAction,
                        help="one more class at index label_nc (default: the data set's)")
    parser.add_argument("--palette", help="palette name in Palettes/ (default: the data set's)")
    parser.add_argument("--palette-folder", default=PALETTE_FOLDER, help="where palettes are (default: %(default)s)")
    parser.add_argument("--encoder", help="the style encoder checkpoint (*_net_E.pth) of a VAE generator")
    parser.add_argument("--dtype", default="F32", choices=("F32", "F16", "BF16"), help="tensor type in the file")
    parser.add_argument("--training-data", default="", help="free text for the model's training_data")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        config = convert(args.checkpoint, args.output, args)
    except ConversionError as error:
        print(f"convert: {error}", file=sys.stderr)
        return 1
    print(f"{args.output}: {config.architecture} ({', '.join(config.block_norms)}), ngf {config.ngf}, "
          f"{config.width}x{config.height} '{config.num_upsampling_layers}', {config.class_count} classes "
          f"(palette {config.palette}), edges {config.use_instance_edges}, ICPE {config.use_icpe}, "
          f"VAE {config.use_vae}, {config.param_free_norm} norm, conditioning {config.conditioning}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
