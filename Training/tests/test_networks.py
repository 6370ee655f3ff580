import pytest
import torch
import torch.nn.functional as F

from clade.config import ModelConfig
from clade.networks import (
    SPADE,
    ClassAffine,
    ConvEncoder,
    SPADEGenerator,
    SPADELight,
    SPADEResnetBlock,
    make_semantic,
)

LAYOUTS = {
    "clade_icpe_edges_vae_batch": dict(label_nc=5, ngf=4, width=64, use_instance_edges=True, use_icpe=True,
                                       use_vae=True, z_dim=16),
    "clade_instance": dict(label_nc=4, ngf=4, width=64, param_free_norm="instance"),
    "spade_edges_batch": dict(architecture="spade", label_nc=3, ngf=2, width=64, use_instance_edges=True),
    "spade_vae_wide": dict(architecture="spade", label_nc=3, ngf=2, width=128, height=64, use_vae=True,
                           z_dim=8, param_free_norm="instance"),
    "clade_more_dontcare": dict(label_nc=3, ngf=4, width=128, height=64, num_upsampling_layers="more",
                                contain_dontcare_label=True, use_instance_edges=True),
    "hybrid_most_icpe": dict(architecture="hybrid", label_nc=3, ngf=2, width=128, num_upsampling_layers="most",
                             use_icpe=True, use_instance_edges=True,
                             block_norms=["spade", "spade", "clade", "clade", "clade", "spade", "clade", "clade"]),
}


def doc_tensors(c: ModelConfig) -> dict[str, tuple[int, ...]]:
    """The generator tensors listed in docs/model-format.md for a config, written out from the doc's rules."""
    nf = c.ngf
    out: dict[str, tuple[int, ...]] = {}
    if c.use_vae:
        out["fc.weight"] = (16 * nf * c.sh * c.sw, c.z_dim)
        out["fc.bias"] = (16 * nf * c.sh * c.sw,)
    else:
        out["fc.weight"] = (16 * nf, c.semantic_nc, 3, 3)
        out["fc.bias"] = (16 * nf,)
    widths = [16 * nf, 16 * nf, 16 * nf, 16 * nf, 8 * nf, 4 * nf, 2 * nf, nf, nf // 2]
    for i, (block, norm) in enumerate(zip(c.block_names, c.block_norms, strict=True)):
        fin, fout = widths[i], widths[i + 1]
        fmid = min(fin, fout)
        e = 1 if c.use_instance_edges and norm == "clade" else 0
        out[f"{block}.conv_0.weight"] = (fmid, fin + e, 3, 3)
        out[f"{block}.conv_0.bias"] = (fmid,)
        out[f"{block}.conv_1.weight"] = (fout, fmid + e, 3, 3)
        out[f"{block}.conv_1.bias"] = (fout,)
        norms = [("norm_0", fin), ("norm_1", fmid)]
        if fin != fout:
            out[f"{block}.conv_s.weight"] = (fout, fin + e, 1, 1)
            norms.append(("norm_s", fin))
        for n, ch in norms:
            p = f"{block}.{n}"
            if c.param_free_norm == "batch":
                out[f"{p}.param_free_norm.running_mean"] = (ch,)
                out[f"{p}.param_free_norm.running_var"] = (ch,)
            if norm == "clade":
                out[f"{p}.class_specified_affine.weight"] = (c.class_count, ch)
                out[f"{p}.class_specified_affine.bias"] = (c.class_count, ch)
                if c.use_icpe:
                    for conv in ("dist_conv_w", "dist_conv_b"):
                        out[f"{p}.class_specified_affine.{conv}.weight"] = (1, 2, 1, 1)
                        out[f"{p}.class_specified_affine.{conv}.bias"] = (1,)
                if c.use_instance_edges:
                    out[f"{p}.inst_conv.weight"] = (1, 1, 1, 1)
                    out[f"{p}.inst_conv.bias"] = (1,)
            else:
                out[f"{p}.mlp_shared.0.weight"] = (128, c.semantic_nc, 3, 3)
                out[f"{p}.mlp_shared.0.bias"] = (128,)
                for conv in ("mlp_gamma", "mlp_beta"):
                    out[f"{p}.{conv}.weight"] = (ch, 128, 3, 3)
                    out[f"{p}.{conv}.bias"] = (ch,)
    out["conv_img.weight"] = (3, widths[len(c.block_names)], 3, 3)
    out["conv_img.bias"] = (3,)
    return out


def shapes(module: torch.nn.Module) -> dict[str, tuple[int, ...]]:
    return {k: tuple(v.shape) for k, v in module.state_dict().items() if not k.endswith("num_batches_tracked")}


@pytest.mark.parametrize("name", LAYOUTS)
def test_generator_tensors_match_the_model_format(name):
    config = ModelConfig.create(**LAYOUTS[name])
    assert shapes(SPADEGenerator(config)) == doc_tensors(config)


def test_encoder_tensors_match_the_model_format():
    config = ModelConfig.create(**LAYOUTS["clade_icpe_edges_vae_batch"])
    ndf, z = config.ngf, config.z_dim
    widths = [3, ndf, 2 * ndf, 4 * ndf, 8 * ndf, 8 * ndf, 8 * ndf]
    expected = {f"layer{i}.0.weight": (widths[i], widths[i - 1], 3, 3) for i in range(1, 7)}
    expected.update({"fc_mu.weight": (z, 8 * ndf * 16), "fc_mu.bias": (z,),
                     "fc_var.weight": (z, 8 * ndf * 16), "fc_var.bias": (z,)})
    assert shapes(ConvEncoder(config)) == expected


def test_spectral_norm_sits_on_block_and_encoder_convs_only():
    config = ModelConfig.create(**LAYOUTS["clade_icpe_edges_vae_batch"])
    names = set(SPADEGenerator(config, spectral=True).state_dict())
    plain = set(shapes(SPADEGenerator(config)))
    spectral_weights = {k for k in plain if k.split(".")[1] in ("conv_0", "conv_1", "conv_s") and k.endswith("weight")}
    assert len(spectral_weights) == 7 * 2 + 4  # conv_s in up_0..up_3
    for k in spectral_weights:
        base = k[: -len("weight")]
        assert {base + "weight_orig", base + "weight_u", base + "weight_v"} <= names
        assert k not in names
    assert {"fc.weight", "conv_img.weight", "head_0.norm_0.inst_conv.weight"} <= names
    encoder = set(ConvEncoder(config, spectral=True).state_dict())
    assert "layer3.0.weight_orig" in encoder and "fc_mu.weight" in encoder and "fc_mu.weight_orig" not in encoder


@pytest.mark.parametrize("name", LAYOUTS)
def test_forward_shapes_and_features(name):
    torch.manual_seed(0)
    config = ModelConfig.create(**LAYOUTS[name])
    g = SPADEGenerator(config).eval()
    labels = torch.randint(0, config.class_count, (2, config.height, config.width))
    edges = (torch.rand(2, config.height, config.width) > 0.8).float()
    seg = make_semantic(labels, edges, config)
    dist = torch.rand(2, 2, config.height, config.width) * 2 - 1
    z = torch.randn(2, config.z_dim)
    with torch.no_grad():
        image, features = g(seg, dist, z, return_features=True)
    assert image.shape == (2, 3, config.height, config.width)
    assert list(features) == ["fc"] + config.block_names + ["conv_img"]
    assert features["fc"].shape == (2, 16 * config.ngf, config.sh, config.sw)
    extra = 1 if config.num_upsampling_layers != "normal" else 0
    assert features["G_middle_1"].shape[-2:] == (config.sh << (1 + extra), config.sw << (1 + extra))
    for block, (_, fout) in zip(config.block_names, config.block_channels, strict=True):
        assert features[block].shape[1] == fout
    assert features[config.block_names[-1]].shape[-2:] == (config.height, config.width)
    assert torch.equal(image, torch.tanh(features["conv_img"]))


def test_head_conv_reads_the_nearest_downsampled_semantic_map():
    config = ModelConfig.create(**LAYOUTS["clade_instance"])
    g = SPADEGenerator(config).eval()
    seg = make_semantic(torch.randint(0, 4, (1, 64, 64)), None, config)
    _, features = g(seg, return_features=True)
    # Nearest downsampling by 32 keeps source pixel floor(dst * 32).
    expected = g.fc(seg[:, :, ::32, ::32])
    assert torch.equal(features["fc"], expected)


def test_vae_generator_draws_z_when_none_is_given():
    config = ModelConfig.create(**LAYOUTS["spade_vae_wide"])
    g = SPADEGenerator(config).eval()
    seg = make_semantic(torch.zeros(1, 64, 128, dtype=torch.long), None, config)
    torch.manual_seed(3)
    a = g(seg)
    torch.manual_seed(3)
    z = torch.randn(1, config.z_dim)
    assert torch.equal(a, g(seg, z=z))


def test_class_affine_looks_up_the_banks_and_applies_icpe():
    torch.manual_seed(1)
    affine = ClassAffine(classes=3, channels=2, use_icpe=True)
    with torch.no_grad():
        affine.weight.copy_(torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]))
        affine.bias.copy_(torch.tensor([[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]]))
        affine.dist_conv_w.weight.copy_(torch.tensor([0.5, -1.0]).view(1, 2, 1, 1))
        affine.dist_conv_w.bias.fill_(0.25)
        affine.dist_conv_b.weight.copy_(torch.tensor([2.0, 0.0]).view(1, 2, 1, 1))
        affine.dist_conv_b.bias.fill_(-0.5)
    labels = torch.tensor([[[0, 2], [1, 2]]])
    onehot = F.one_hot(labels, 3).permute(0, 3, 1, 2).float()
    x = torch.randn(1, 2, 2, 2)
    dist = torch.rand(1, 2, 4, 4)
    out = affine(x, onehot, dist)
    for r in range(2):
        for c in range(2):
            k = labels[0, r, c]
            ph, pw = dist[0, 0, 2 * r, 2 * c], dist[0, 1, 2 * r, 2 * c]
            sw = 1 + (0.5 * ph - pw + 0.25)
            sb = 1 + (2 * ph - 0.5)
            expected = x[0, :, r, c] * affine.weight[k] * sw + affine.bias[k] * sb
            assert torch.allclose(out[0, :, r, c], expected, atol=1e-6)
    with pytest.raises(ValueError, match="distance map"):
        affine(x, onehot)


def test_class_affine_init():
    affine = ClassAffine(classes=7, channels=5, use_icpe=True)
    assert affine.weight.min() >= 0 and affine.weight.max() <= 1 and affine.weight.std() > 0.1
    assert not affine.bias.any()
    assert not affine.dist_conv_w.weight.any() and not affine.dist_conv_b.bias.any()


def test_generator_init_keeps_banks_and_zero_icpe():
    g = SPADEGenerator(ModelConfig.create(**LAYOUTS["clade_icpe_edges_vae_batch"]))
    conv = g.up_0.conv_0
    xavier_std = 0.02 * (2 / (9 * conv.in_channels + 9 * conv.out_channels)) ** 0.5
    assert abs(conv.weight.std().item() / xavier_std - 1) < 0.1 and not conv.bias.any()
    bank = g.up_0.norm_0.class_specified_affine
    assert bank.weight.min() >= 0 and bank.weight.std() > 0.1
    assert not bank.dist_conv_w.weight.any() and not bank.dist_conv_b.weight.any()


def test_spade_light_concatenates_the_edge_feature():
    torch.manual_seed(2)
    norm = SPADELight(channels=3, classes=2, param_free_norm="instance", use_edges=True, use_icpe=False)
    with torch.no_grad():
        norm.inst_conv.weight.fill_(2.0)
        norm.inst_conv.bias.fill_(-1.0)
    labels = torch.randint(0, 2, (1, 8, 8))
    edges = (torch.rand(1, 1, 8, 8) > 0.5).float()
    seg = torch.cat((F.one_hot(labels, 2).permute(0, 3, 1, 2).float(), edges), 1)
    x = torch.randn(1, 3, 4, 4)
    out = norm(x, seg)
    assert out.shape == (1, 4, 4, 4)
    assert torch.equal(out[:, 3:], 2 * edges[:, :, ::2, ::2] - 1)
    xhat = F.instance_norm(x)
    k = labels[:, ::2, ::2]
    gamma = norm.class_specified_affine.weight[k].permute(0, 3, 1, 2)
    assert torch.allclose(out[:, :3], xhat * gamma, atol=1e-6)


def test_spade_uses_one_plus_gamma():
    torch.manual_seed(4)
    norm = SPADE(channels=2, semantic_nc=3, param_free_norm="batch").eval()
    seg = torch.rand(1, 3, 8, 8)
    x = torch.randn(1, 2, 4, 4)
    actv = norm.mlp_shared(seg[:, :, ::2, ::2])
    expected = x / (1 + 1e-5) ** 0.5 * (1 + norm.mlp_gamma(actv)) + norm.mlp_beta(actv)
    assert torch.allclose(norm(x, seg), expected, atol=1e-6)


def test_block_shortcut_and_edge_channels():
    config = ModelConfig.create(**LAYOUTS["clade_more_dontcare"])
    block = SPADEResnetBlock(8, 4, config, "clade")
    assert block.convs() == ["conv_0", "conv_1", "conv_s"]
    assert block.conv_0.in_channels == 9 and block.conv_1.in_channels == 5 and block.conv_s.in_channels == 9
    same = SPADEResnetBlock(4, 4, config, "spade")
    assert same.convs() == ["conv_0", "conv_1"] and same.conv_0.in_channels == 4
    same.eval()
    seg = make_semantic(torch.zeros(1, 8, 8, dtype=torch.long), torch.zeros(1, 8, 8), config)
    x = torch.randn(1, 4, 8, 8)
    dx = same.conv_1(F.leaky_relu(same.norm_1(same.conv_0(F.leaky_relu(same.norm_0(x, seg), 0.2)), seg), 0.2))
    assert torch.allclose(same(x, seg), x + dx, atol=1e-6)


def test_encoder_resizes_to_256_bilinearly():
    torch.manual_seed(5)
    config = ModelConfig.create(**LAYOUTS["spade_vae_wide"])
    encoder = ConvEncoder(config).eval()
    image = torch.rand(1, 3, 100, 70) * 2 - 1
    resized = F.interpolate(image, size=(256, 256), mode="bilinear", align_corners=False)
    mu, logvar = encoder(image)
    mu2, logvar2 = encoder(resized)
    assert mu.shape == (1, config.z_dim) and torch.equal(mu, mu2) and torch.equal(logvar, logvar2)


def test_make_semantic_layout_and_errors():
    config = ModelConfig.create(label_nc=3, ngf=4, width=64, contain_dontcare_label=True, use_instance_edges=True)
    labels = torch.tensor([[[0, 3], [2, 1]]])
    edges = torch.tensor([[[1.0, 0.0], [0.0, 1.0]]])
    seg = make_semantic(labels, edges, config)
    assert seg.shape == (1, 5, 2, 2) and seg.dtype == torch.float32
    assert torch.equal(seg[0, :4].argmax(0), labels[0]) and torch.equal(seg[0, 4], edges[0])
    with pytest.raises(ValueError, match=r"class ids 0\.\.4, the model has 4 classes"):
        make_semantic(torch.tensor([[[0, 4]]]), torch.zeros(1, 1, 2), config)
    with pytest.raises(ValueError, match="edge map is required"):
        make_semantic(labels, None, config)
    with pytest.raises(ValueError, match=r"label map must be \[N, H, W\]"):
        make_semantic(labels[0], edges, config)


def test_generator_rejects_wrong_inputs():
    config = ModelConfig.create(**LAYOUTS["clade_icpe_edges_vae_batch"])
    g = SPADEGenerator(config)
    seg = torch.zeros(1, config.semantic_nc, 64, 64)
    with pytest.raises(ValueError, match="distance map"):
        g(seg)
    with pytest.raises(ValueError, match=r"a 64x32 picture: this model starts from a style code .* 64x64, 32x32 "):
        g(torch.zeros(1, config.semantic_nc, 32, 64), torch.zeros(1, 2, 32, 64))
    with pytest.raises(ValueError, match=r"semantic map must be \[N, 6, H, W\]"):
        g(torch.zeros(1, 3, 64, 64), torch.zeros(1, 2, 64, 64))
    with pytest.raises(ValueError, match=r"distance map must be \[N, 2, 32, 32\]"):
        g(torch.zeros(1, config.semantic_nc, 32, 32), torch.zeros(1, 2, 64, 64))


def test_reduction_factors_divide_the_head_map():
    wide = ModelConfig.create(**LAYOUTS["spade_vae_wide"])  # 128x64, head 4x2
    assert wide.reduction_factors == [1, 2]
    assert wide.size_problem(128, 64) is None and wide.size_problem(64, 32) is None
    for height, width in [(16, 32), (32, 128), (48, 96), (0, 0), (128, 256)]:
        assert "draws only 128x64, 64x32 " in wide.size_problem(width, height)
    assert ModelConfig.create(label_nc=2, ngf=2, width=256).reduction_factors == [1, 2, 4, 8]


def test_models_without_style_encoder_draw_any_multiple_of_two_to_the_n():
    plain = ModelConfig.create(label_nc=2, ngf=2, width=64)  # 5 upsamplings: multiples of 32
    for width, height in [(64, 64), (32, 32), (96, 32), (32, 8192), (8192, 8192)]:
        assert plain.size_problem(width, height) is None
    assert "positive multiples of 32" in plain.size_problem(48, 64)
    assert "positive multiples of 32" in plain.size_problem(0, 64)
    assert "at most 8192x8192" in plain.size_problem(8224, 32)
    torch.manual_seed(3)
    g = SPADEGenerator(plain).eval()
    with torch.no_grad():
        assert g(torch.zeros(1, plain.semantic_nc, 32, 96)).shape == (1, 3, 32, 96)
        with pytest.raises(ValueError, match="a 48x64 picture: width and height must be positive multiples of 32"):
            g(torch.zeros(1, plain.semantic_nc, 64, 48))


def test_reduced_scale_average_pools_the_fc_map():
    torch.manual_seed(1)
    config = ModelConfig.create(**LAYOUTS["clade_icpe_edges_vae_batch"])  # 64x64, head 2x2
    g = SPADEGenerator(config).eval()
    labels = torch.randint(0, config.class_count, (1, 32, 32))
    seg = make_semantic(labels, (torch.rand(1, 32, 32) > 0.8).float(), config)
    dist = torch.rand(1, 2, 32, 32) * 2 - 1
    z = torch.randn(1, config.z_dim)
    with torch.no_grad():
        image, features = g(seg, dist, z, return_features=True)
        full = g.fc(z).view(1, 16 * config.ngf, 2, 2)
    assert image.shape == (1, 3, 32, 32)
    assert features["fc"].shape == (1, 16 * config.ngf, 1, 1)
    assert torch.allclose(features["fc"][0, :, 0, 0], full[0].mean((1, 2)), atol=1e-6)
    assert features[config.block_names[-1]].shape[-2:] == (32, 32)


def test_reduced_scale_without_style_encoder_reads_the_smaller_map():
    config = ModelConfig.create(label_nc=4, ngf=4, width=128, height=64, param_free_norm="instance")
    g = SPADEGenerator(config).eval()
    seg = make_semantic(torch.randint(0, 4, (1, 32, 64)), None, config)
    with torch.no_grad():
        image, features = g(seg, return_features=True)
    assert image.shape == (1, 3, 32, 64)
    assert torch.equal(features["fc"], g.fc(seg[:, :, ::32, ::32]))
