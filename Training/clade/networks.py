"""The reference SPADE/CLADE generator and style encoder, with the public module names of NVlabs/SPADE and
tzt101/CLADE so that state dicts (after spectral-norm folding) are the tensors of docs/model-format.md.

Layouts: feature maps are [N, C, H, W]; the semantic input `seg` is the one-hot map [N, semantic_nc, H, W]
(class channels first, the edge channel last when the model uses instance edges); the ICPE distance map
`dist` is [N, 2, H, W] with channels [h, w]; style codes z are [N, z_dim]; images are [N, 3, H, W] in [-1, 1].
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils import spectral_norm as apply_spectral_norm

from .config import ModelConfig

SPADE_HIDDEN = 128
LEAKY_SLOPE = 0.2
INIT_GAIN = 0.02
ENCODER_INPUT_SIZE = 256


def make_param_free_norm(kind: str, channels: int) -> nn.Module:
    """Normalisation without learned affine: batch norm with running statistics, or instance norm."""
    if kind == "batch":
        return nn.BatchNorm2d(channels, affine=False)
    if kind == "instance":
        return nn.InstanceNorm2d(channels, affine=False)
    raise ValueError(f"unknown param-free norm {kind!r}, expected 'batch' or 'instance'")


def nearest_resize(x: torch.Tensor, size: tuple[int, int]) -> torch.Tensor:
    """PyTorch nearest resizing (source index floor(dst * in / out)), a no-op at the same size."""
    if tuple(x.shape[-2:]) == tuple(size):
        return x
    return F.interpolate(x, size=size, mode="nearest")


class SPADE(nn.Module):
    """SPADE normalisation: out = xhat * (1 + gamma(seg)) + beta(seg), gamma/beta from a small conv net
    on the nearest-resized semantic map [N, semantic_nc, H, W]."""

    def __init__(self, channels: int, semantic_nc: int, param_free_norm: str):
        super().__init__()
        self.param_free_norm = make_param_free_norm(param_free_norm, channels)
        self.mlp_shared = nn.Sequential(nn.Conv2d(semantic_nc, SPADE_HIDDEN, 3, padding=1), nn.ReLU())
        self.mlp_gamma = nn.Conv2d(SPADE_HIDDEN, channels, 3, padding=1)
        self.mlp_beta = nn.Conv2d(SPADE_HIDDEN, channels, 3, padding=1)

    def forward(self, x: torch.Tensor, seg: torch.Tensor, dist: torch.Tensor | None = None) -> torch.Tensor:
        normalized = self.param_free_norm(x)
        actv = self.mlp_shared(nearest_resize(seg, x.shape[-2:]))
        return normalized * (1 + self.mlp_gamma(actv)) + self.mlp_beta(actv)


class ClassAffine(nn.Module):
    """CLADE's class-adaptive affine: per-pixel gamma/beta looked up in the class banks `weight` and `bias`
    [classes, C]; with ICPE both are scaled by (1 + conv1x1(distance map)) (`dist_conv_w`, `dist_conv_b`).
    The published ICPE conv has one output channel shared by all C; `icpe_per_channel` gives each channel its
    own (a training experiment: the model file format holds the single channel only)."""

    def __init__(self, classes: int, channels: int, use_icpe: bool, icpe_per_channel: bool = False):
        super().__init__()
        self.use_icpe = use_icpe
        self.weight = nn.Parameter(torch.empty(classes, channels))
        self.bias = nn.Parameter(torch.empty(classes, channels))
        if use_icpe:
            outputs = channels if icpe_per_channel else 1
            self.dist_conv_w = nn.Conv2d(2, outputs, 1)
            self.dist_conv_b = nn.Conv2d(2, outputs, 1)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """The published init: weight bank U(0, 1), bias bank 0, ICPE convs 0 (training starts at CLADE)."""
        nn.init.uniform_(self.weight)
        nn.init.zeros_(self.bias)
        if self.use_icpe:
            for conv in (self.dist_conv_w, self.dist_conv_b):
                nn.init.zeros_(conv.weight)
                nn.init.zeros_(conv.bias)

    def forward(self, x: torch.Tensor, classes_onehot: torch.Tensor,
                dist: torch.Tensor | None = None) -> torch.Tensor:
        """x [N, C, h, w]; classes_onehot [N, classes, h, w] (already at x's size); dist [N, 2, H, W]."""
        class_map = classes_onehot.argmax(1)
        gamma = F.embedding(class_map, self.weight).permute(0, 3, 1, 2)
        beta = F.embedding(class_map, self.bias).permute(0, 3, 1, 2)
        if self.use_icpe:
            if dist is None:
                raise ValueError("this CLADE layer uses ICPE: a distance map [N, 2, H, W] is required")
            position = nearest_resize(dist, x.shape[-2:])
            gamma = gamma * (1 + self.dist_conv_w(position))
            beta = beta * (1 + self.dist_conv_b(position))
        return x * gamma + beta


class SPADELight(nn.Module):
    """CLADE normalisation. With instance edges the edge channel (last channel of seg) bypasses the class
    lookup, goes through `inst_conv` (1x1) and is concatenated, so the output has C + 1 channels."""

    def __init__(self, channels: int, classes: int, param_free_norm: str, use_edges: bool, use_icpe: bool,
                 icpe_per_channel: bool = False):
        super().__init__()
        self.use_edges = use_edges
        self.param_free_norm = make_param_free_norm(param_free_norm, channels)
        self.class_specified_affine = ClassAffine(classes, channels, use_icpe, icpe_per_channel)
        if use_edges:
            self.inst_conv = nn.Conv2d(1, 1, 1)

    def forward(self, x: torch.Tensor, seg: torch.Tensor, dist: torch.Tensor | None = None) -> torch.Tensor:
        normalized = self.param_free_norm(x)
        seg = nearest_resize(seg, x.shape[-2:])
        if self.use_edges:
            edges, seg = seg[:, -1:], seg[:, :-1]
        out = self.class_specified_affine(normalized, seg, dist)
        if self.use_edges:
            out = torch.cat((out, self.inst_conv(edges)), dim=1)
        return out


class SPADEResnetBlock(nn.Module):
    """Residual block: dx = conv_1(lrelu(norm_1(conv_0(lrelu(norm_0(x)))))), out = shortcut(x) + dx, with a
    learned shortcut conv_s(norm_s(x)) when fin != fout. `norm` is this block's kind ('clade' or 'spade');
    CLADE blocks with edges feed one extra (edge-feature) channel into each conv."""

    def __init__(self, fin: int, fout: int, config: ModelConfig, norm: str, icpe_per_channel: bool = False):
        super().__init__()
        self.learned_shortcut = fin != fout
        fmiddle = min(fin, fout)
        extra = 1 if norm == "clade" and config.use_instance_edges else 0
        self.conv_0 = nn.Conv2d(fin + extra, fmiddle, 3, padding=1)
        self.conv_1 = nn.Conv2d(fmiddle + extra, fout, 3, padding=1)
        if self.learned_shortcut:
            self.conv_s = nn.Conv2d(fin + extra, fout, 1, bias=False)

        def make_norm(channels: int) -> nn.Module:
            if norm == "spade":
                return SPADE(channels, config.semantic_nc, config.param_free_norm)
            if norm == "clade":
                return SPADELight(channels, config.class_count, config.param_free_norm,
                                  config.use_instance_edges, config.use_icpe, icpe_per_channel)
            raise ValueError(f"unknown block norm {norm!r}, expected 'clade' or 'spade'")

        self.norm_0 = make_norm(fin)
        self.norm_1 = make_norm(fmiddle)
        if self.learned_shortcut:
            self.norm_s = make_norm(fin)

    def convs(self) -> list[str]:
        """Names of this block's convolutions (the ones that carry spectral norm in training)."""
        return ["conv_0", "conv_1"] + (["conv_s"] if self.learned_shortcut else [])

    def forward(self, x: torch.Tensor, seg: torch.Tensor, dist: torch.Tensor | None = None) -> torch.Tensor:
        x_s = self.conv_s(self.norm_s(x, seg, dist)) if self.learned_shortcut else x
        dx = self.conv_0(F.leaky_relu(self.norm_0(x, seg, dist), LEAKY_SLOPE))
        dx = self.conv_1(F.leaky_relu(self.norm_1(dx, seg, dist), LEAKY_SLOPE))
        return x_s + dx


def init_weights(module: nn.Module, gain: float = INIT_GAIN) -> None:
    """The papers' init: xavier-normal (gain 0.02) conv/linear weights, zero biases; class banks and ICPE
    convs keep their own init (banks U(0, 1), ICPE 0)."""
    for m in module.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.xavier_normal_(m.weight, gain=gain)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
    for m in module.modules():
        if isinstance(m, ClassAffine):
            m.reset_parameters()


class SPADEGenerator(nn.Module):
    """The SPADE/CLADE generator. Head: `fc` (Linear from z with use_vae, else a 3x3 conv on the semantic
    map nearest-downsampled to sh x sw), then residual blocks with nearest x2 upsampling in between,
    `conv_img` on lrelu, tanh. With `spectral=True` the block convs carry spectral norm (for training);
    `icpe_per_channel` gives every CLADE channel its own ICPE weights (see ClassAffine)."""

    def __init__(self, config: ModelConfig, spectral: bool = False, icpe_per_channel: bool = False):
        super().__init__()
        if icpe_per_channel and not config.use_icpe:
            raise ValueError("per-channel ICPE needs a config with use_icpe")
        self.config = config
        nf = config.ngf
        if config.use_vae:
            self.fc = nn.Linear(config.z_dim, 16 * nf * config.sh * config.sw)
        else:
            self.fc = nn.Conv2d(config.semantic_nc, 16 * nf, 3, padding=1)
        for name, (fin, fout), norm in zip(config.block_names, config.block_channels, config.block_norms, strict=True):
            self.add_module(name, SPADEResnetBlock(fin, fout, config, norm, icpe_per_channel))
        self.conv_img = nn.Conv2d(config.output_channels, 3, 3, padding=1)
        init_weights(self)
        if spectral:
            for name in config.block_names:
                block = getattr(self, name)
                for conv in block.convs():
                    apply_spectral_norm(getattr(block, conv))

    def upsample_before(self) -> dict[str, bool]:
        """Whether a nearest x2 upsampling precedes each block ('more'/'most' add one before G_middle_1)."""
        extra_middle = self.config.num_upsampling_layers in ("more", "most")
        return {name: name != "head_0" and (name != "G_middle_1" or extra_middle)
                for name in self.config.block_names}

    def forward(self, seg: torch.Tensor, dist: torch.Tensor | None = None, z: torch.Tensor | None = None,
                return_features: bool = False):
        """seg [N, semantic_nc, H, W], dist [N, 2, H, W] (ICPE models), z [N, z_dim] (use_vae; drawn from
        N(0, I) when None). H x W is a size the model draws (`ModelConfig.size_problem`): with use_vae the model's
        size reduced by 2^k, the fc map then average-pooled by 2^k, so the same z draws the same picture at a
        smaller scale; without, any multiple of 2^upsampling_count, the head reading the map nearest-resized to
        H x W / 2^upsampling_count. Returns the image [N, 3, H, W], and with `return_features` also a dict of
        every stage's output: "fc" [N, 16ngf, H / 2^n, W / 2^n], each block name, "conv_img" (before tanh)."""
        config = self.config
        if seg.dim() != 4 or seg.shape[1] != config.semantic_nc:
            raise ValueError(f"semantic map must be [N, {config.semantic_nc}, H, W] with H x W a size the model "
                             f"draws, got {list(seg.shape)}")
        size = tuple(seg.shape[2:])
        problem = config.size_problem(size[1], size[0])
        if problem is not None:
            raise ValueError(problem)
        if config.use_icpe and (dist is None or tuple(dist.shape) != (seg.shape[0], 2) + size):
            raise ValueError(f"ICPE model: distance map must be [N, 2, {size[0]}, {size[1]}], "
                             f"got {None if dist is None else list(dist.shape)}")
        features: dict[str, torch.Tensor] = {}
        if config.use_vae:
            if z is None:
                z = torch.randn(seg.shape[0], config.z_dim, dtype=seg.dtype, device=seg.device)
            x = self.fc(z).view(-1, 16 * config.ngf, config.sh, config.sw)
            factor = config.height // size[0]
            if factor > 1:
                x = F.avg_pool2d(x, factor)
        else:
            step = 1 << config.upsampling_count
            x = self.fc(nearest_resize(seg, (size[0] // step, size[1] // step)))
        features["fc"] = x
        for name, upsample in self.upsample_before().items():
            if upsample:
                x = F.interpolate(x, scale_factor=2, mode="nearest")
            x = getattr(self, name)(x, seg, dist)
            features[name] = x
        x = self.conv_img(F.leaky_relu(x, LEAKY_SLOPE))
        features["conv_img"] = x
        image = torch.tanh(x)
        return (image, features) if return_features else image


class ConvEncoder(nn.Module):
    """Style encoder: image [N, 3, h, w] in [-1, 1] -> (mu, logvar), each [N, z_dim]. The image is resized
    bilinearly to 256x256, then six stride-2 3x3 convs (no bias) with instance norm and lrelu give
    [N, 8ndf, 4, 4]; `fc_mu` and `fc_var` read the flattened map. ndf = ngf."""

    def __init__(self, config: ModelConfig, spectral: bool = False):
        super().__init__()
        ndf = config.ngf
        widths = [3, ndf, 2 * ndf, 4 * ndf, 8 * ndf, 8 * ndf, 8 * ndf]
        for i in range(6):
            conv = nn.Conv2d(widths[i], widths[i + 1], 3, stride=2, padding=1, bias=False)
            self.add_module(f"layer{i + 1}", nn.Sequential(conv, nn.InstanceNorm2d(widths[i + 1], affine=False)))
        size = ENCODER_INPUT_SIZE >> 6
        self.fc_mu = nn.Linear(8 * ndf * size * size, config.z_dim)
        self.fc_var = nn.Linear(8 * ndf * size * size, config.z_dim)
        init_weights(self)
        if spectral:
            for i in range(6):
                apply_spectral_norm(getattr(self, f"layer{i + 1}")[0])

    def forward(self, image: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        if image.dim() != 4 or image.shape[1] != 3:
            raise ValueError(f"style image must be [N, 3, h, w], got {list(image.shape)}")
        x = image
        if tuple(x.shape[-2:]) != (ENCODER_INPUT_SIZE, ENCODER_INPUT_SIZE):
            x = F.interpolate(x, size=(ENCODER_INPUT_SIZE, ENCODER_INPUT_SIZE), mode="bilinear",
                              align_corners=False)
        for i in range(6):
            if i:
                x = F.leaky_relu(x, LEAKY_SLOPE)
            x = getattr(self, f"layer{i + 1}")(x)
        x = F.leaky_relu(x, LEAKY_SLOPE).flatten(1)
        return self.fc_mu(x), self.fc_var(x)


def reparameterize(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """z = mu + eps * exp(0.5 * logvar), eps ~ N(0, I)."""
    return mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)


def make_semantic(labels: torch.Tensor, edges: torch.Tensor | None, config: ModelConfig) -> torch.Tensor:
    """The generator's semantic input [N, semantic_nc, H, W] (float32) from a label map [N, H, W] of class
    ids in [0, class_count) and, for edge models, an edge map [N, H, W] or [N, 1, H, W] of 0/1."""
    if labels.dim() != 3:
        raise ValueError(f"label map must be [N, H, W], got {list(labels.shape)}")
    if labels.dtype.is_floating_point:
        raise ValueError(f"label map must hold integer class ids, got {labels.dtype}")
    classes = config.class_count
    if labels.numel():
        low, high = int(labels.min()), int(labels.max())
        if low < 0 or high >= classes:
            raise ValueError(f"label map holds class ids {low}..{high}, the model has {classes} classes "
                             f"(0..{classes - 1})")
    onehot = F.one_hot(labels.long(), classes).permute(0, 3, 1, 2).to(torch.float32)
    if not config.use_instance_edges:
        return onehot
    if edges is None:
        raise ValueError("this model uses instance edges: an edge map is required")
    if edges.dim() == 3:
        edges = edges.unsqueeze(1)
    if tuple(edges.shape) != (labels.shape[0], 1) + tuple(labels.shape[1:]):
        raise ValueError(f"edge map must be [N, 1, H, W] matching the label map {list(labels.shape)}, "
                         f"got {list(edges.shape)}")
    return torch.cat((onehot, edges.to(torch.float32)), dim=1)
