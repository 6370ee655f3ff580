import json
import os
import struct

import pytest
import torch
from safetensors import safe_open
from safetensors.torch import save_file

from clade.config import ModelConfig
from clade.modelfile import (
    STYLE_BANK,
    ModelFileError,
    check_tensors,
    expected_shapes,
    export,
    fold_spectral_norm,
    load,
    read_config,
    read_style_bank,
    write_style_bank,
)
from clade.networks import ConvEncoder, SPADEGenerator, make_semantic

VAE = dict(label_nc=4, ngf=4, width=64, use_instance_edges=True, use_icpe=True, use_vae=True, z_dim=8)
PLAIN = dict(architecture="spade", label_nc=3, ngf=2, width=64, param_free_norm="instance")


def trained_like(config: ModelConfig, seed: int = 0):
    """Spectral-norm modules whose u, v, running statistics and ICPE convs have moved off their init."""
    torch.manual_seed(seed)
    generator = SPADEGenerator(config, spectral=True)
    encoder = ConvEncoder(config, spectral=True) if config.use_vae else None
    with torch.no_grad():
        for name, p in generator.named_parameters():
            if "dist_conv" in name or "inst_conv" in name:
                p.normal_(0, 0.5)
    inputs = example_inputs(config, seed)
    generator.train()
    for _ in range(3):
        generator(*inputs)
        if encoder is not None:
            encoder(torch.rand(2, 3, 50, 60) * 2 - 1)
    return generator.eval(), (encoder.eval() if encoder is not None else None)


def example_inputs(config: ModelConfig, seed: int):
    g = torch.Generator().manual_seed(seed)
    labels = torch.randint(0, config.class_count, (2, config.height, config.width), generator=g)
    edges = (torch.rand(2, config.height, config.width, generator=g) > 0.7).float()
    dist = torch.rand(2, 2, config.height, config.width, generator=g) * 2 - 1
    z = torch.randn(2, config.z_dim, generator=g)
    return make_semantic(labels, edges, config), dist, z


def test_fold_spectral_norm_matches_torch_in_eval():
    torch.manual_seed(1)
    conv = torch.nn.utils.spectral_norm(torch.nn.Conv2d(3, 5, 3))
    conv.train()
    for _ in range(4):
        conv(torch.randn(1, 3, 8, 8))
    conv.eval()
    conv(torch.randn(1, 3, 8, 8))
    folded = fold_spectral_norm(conv.state_dict())
    assert set(folded) == {"weight", "bias"}
    assert torch.equal(folded["weight"], conv.weight)
    matrix = conv.weight_orig.reshape(5, -1)
    sigma = conv.weight_u @ matrix @ conv.weight_v
    assert torch.allclose(folded["weight"], conv.weight_orig / sigma)
    assert not torch.allclose(folded["weight"], conv.weight_orig, atol=1e-3)


def test_fold_reports_a_broken_triple():
    with pytest.raises(ModelFileError, match=r"conv\.weight_orig is there but \['conv\.weight_v'\]"):
        fold_spectral_norm({"conv.weight_orig": torch.ones(2, 2), "conv.weight_u": torch.ones(2)})


@pytest.mark.parametrize("dtype, stored, tolerance", [(torch.float32, torch.float32, 0.0),
                                                     ("F16", torch.float16, 2e-2),
                                                     (torch.bfloat16, torch.bfloat16, 1e-1)])
def test_export_load_round_trip(tmp_path, dtype, stored, tolerance):
    config = ModelConfig.create(**VAE)
    generator, encoder = trained_like(config)
    path = tmp_path / "model.safetensors"
    export(path, config, generator, encoder, dtype=dtype)
    assert [p.name for p in tmp_path.iterdir()] == ["model.safetensors"]
    loaded_config, loaded, loaded_encoder = load(path)
    assert loaded_config == config and not loaded.training and not loaded_encoder.training
    seg, dist, z = example_inputs(config, 5)
    image = torch.rand(1, 3, 40, 70) * 2 - 1
    with torch.no_grad():
        if tolerance == 0.0:
            assert torch.equal(generator(seg, dist, z), loaded(seg, dist, z))
            assert torch.equal(encoder(image)[0], loaded_encoder(image)[0])
        else:
            assert (generator(seg, dist, z) - loaded(seg, dist, z)).abs().max() < tolerance
            # The loaded model is the rounded weights, exactly.
            name = "up_1.conv_0.weight"
            rounded = fold_spectral_norm(generator.state_dict())[name].to(stored)
            assert torch.equal(loaded.state_dict()[name], rounded.float())
    with safe_open(path, framework="pt") as f:
        names = list(f.keys())
        meta = f.metadata()
        assert {f.get_tensor(n).dtype for n in names} == {stored}
    assert set(names) == set(expected_shapes(config))
    assert not any(n.endswith(("num_batches_tracked", "_orig", "_u", "_v")) for n in names)
    assert "encoder.layer6.0.weight" in names and "encoder.fc_var.bias" in names
    assert json.loads(meta["clade_paint_config"]) == config.to_dict()


def test_load_gives_a_strict_generator(tmp_path):
    config = ModelConfig.create(**PLAIN)
    generator, _ = trained_like(config)
    path = tmp_path / "plain.safetensors"
    export(path, config, generator)
    _, loaded, encoder = load(path)
    assert encoder is None
    reference = SPADEGenerator(config)
    reference.load_state_dict(loaded.state_dict(), strict=True)
    seg, _, _ = example_inputs(config, 2)
    with torch.no_grad():
        assert torch.equal(generator(seg), loaded(seg))


def write_tensors(path, config, tensors):
    save_file(tensors, str(path), metadata={"clade_paint_config": config.to_json()})


def test_load_reports_missing_extra_and_misshaped_by_name(tmp_path):
    config = ModelConfig.create(**PLAIN)
    tensors = {k: torch.zeros(v) for k, v in expected_shapes(config).items()}
    del tensors["up_2.norm_s.mlp_beta.bias"]
    tensors["up_2.conv_1.weight"] = torch.zeros(3, 3, 3, 3)
    tensors["up_2.norm_0.param_free_norm.running_mean"] = torch.zeros(4)
    path = tmp_path / "broken.safetensors"
    write_tensors(path, config, tensors)
    with pytest.raises(ModelFileError) as error:
        load(path)
    message = str(error.value)
    assert message.startswith(f"{path}: 3 problem(s)")
    assert "missing tensor up_2.norm_s.mlp_beta.bias [8]" in message
    assert "extra tensor up_2.norm_0.param_free_norm.running_mean [4]" in message
    assert "tensor up_2.conv_1.weight has shape [3, 3, 3, 3], the config needs [4, 4, 3, 3]" in message


def test_load_rejects_other_dtypes_and_foreign_files(tmp_path):
    config = ModelConfig.create(**PLAIN)
    tensors = {k: torch.zeros(v) for k, v in expected_shapes(config).items()}
    tensors["conv_img.bias"] = torch.zeros(3, dtype=torch.float64)
    path = tmp_path / "f64.safetensors"
    write_tensors(path, config, tensors)
    with pytest.raises(ModelFileError, match=r"tensor conv_img\.bias has dtype F64, expected one of"):
        load(path)
    bare = tmp_path / "bare.safetensors"
    save_file({"x": torch.zeros(1)}, str(bare))
    with pytest.raises(ModelFileError, match=r"no 'clade_paint_config'.*not a clade-paint model"):
        read_config(bare)
    junk = tmp_path / "junk.safetensors"
    junk.write_bytes(struct.pack("<Q", 5) + b"{oops")
    with pytest.raises(ModelFileError, match="not a readable safetensors file"):
        load(junk)
    bad = tmp_path / "bad.safetensors"
    save_file({"x": torch.zeros(1)}, str(bad), metadata={"clade_paint_config": '{"format_version": 1}'})
    with pytest.raises(ModelFileError, match=f"{bad}: missing config keys"):
        read_config(bad)


def test_export_refuses_mismatches_and_leaves_no_file(tmp_path):
    config = ModelConfig.create(**VAE)
    generator, encoder = trained_like(config)
    path = tmp_path / "m.safetensors"
    with pytest.raises(ModelFileError, match="must carry the style encoder"):
        export(path, config, generator)
    other = ModelConfig.create(**{**VAE, "label_nc": 5})
    with pytest.raises(ModelFileError, match=r"class_specified_affine\.weight has shape"):
        export(path, other, generator, encoder)
    with pytest.raises(ModelFileError, match="unsupported dtype"):
        export(path, config, generator, encoder, dtype="F64")
    assert list(tmp_path.iterdir()) == []


def test_export_replaces_atomically(tmp_path):
    config = ModelConfig.create(**PLAIN)
    generator, _ = trained_like(config)
    path = tmp_path / "m.safetensors"
    path.write_bytes(b"old")
    export(path, config, generator, dtype="BF16")
    assert read_config(path) == config and os.listdir(tmp_path) == ["m.safetensors"]


def test_check_tensors_is_empty_for_a_complete_set():
    config = ModelConfig.create(**VAE)
    shapes = expected_shapes(config)
    assert check_tensors(config, {k: (v, "BF16") for k, v in shapes.items()}) == []
    assert len([k for k in shapes if k.startswith("encoder.")]) == 10


def test_load_ignores_batch_counters(tmp_path):
    config = ModelConfig.create(label_nc=3, ngf=2, width=64)
    generator, _ = trained_like(config)
    path = tmp_path / "counters.safetensors"
    tensors = {k: v.contiguous() for k, v in fold_spectral_norm(generator.state_dict()).items()}
    assert "up_0.norm_s.param_free_norm.num_batches_tracked" in tensors
    write_tensors(path, config, tensors)
    _, loaded, _ = load(path)
    seg, _, _ = example_inputs(config, 4)
    with torch.no_grad():
        assert torch.equal(generator(seg), loaded(seg))


def test_style_bank_round_trip_and_rewrite(tmp_path):
    config = ModelConfig.create(**VAE)
    generator, encoder = trained_like(config)
    path = tmp_path / "model.safetensors"
    export(path, config, generator, encoder, dtype="F16")
    assert read_style_bank(path) is None
    bank = torch.randn(5, config.z_dim)
    write_style_bank(path, bank, tmp_path / "banked.safetensors")
    assert read_style_bank(path) is None, "the source file stays as it was"
    stored = read_style_bank(tmp_path / "banked.safetensors")
    assert torch.equal(stored, bank.half().float()), "the bank takes the file's dtype"
    with safe_open(path, framework="pt") as a, safe_open(tmp_path / "banked.safetensors", framework="pt") as b:
        assert a.metadata() == b.metadata()
        assert set(b.keys()) == set(a.keys()) | {STYLE_BANK}
        assert all(torch.equal(a.get_tensor(k), b.get_tensor(k)) for k in a.keys())
    _, loaded, _ = load(tmp_path / "banked.safetensors")
    seg, dist, z = example_inputs(config, 1)
    _, original, _ = load(path)
    with torch.no_grad():
        assert torch.equal(loaded(seg, dist, z), original(seg, dist, z))
    export(path, config, generator, encoder, style_bank=bank)
    assert torch.equal(read_style_bank(path), bank)


def test_style_bank_problems_are_named():
    config = ModelConfig.create(**VAE)
    shapes = {k: (v, "F32") for k, v in expected_shapes(config).items()}
    assert check_tensors(config, {**shapes, STYLE_BANK: ((3, config.z_dim), "F32")}) == []
    assert check_tensors(config, {**shapes, STYLE_BANK: ((3, 5), "F32")}) == [
        f"tensor style_bank has shape [3, 5], the config needs [K >= 1, {config.z_dim}]"]
    assert check_tensors(config, {**shapes, STYLE_BANK: ((0, config.z_dim), "I8")}) == [
        f"tensor style_bank has shape [0, {config.z_dim}], the config needs [K >= 1, {config.z_dim}]",
        "tensor style_bank has dtype I8, expected one of ['F32', 'F16', 'BF16']"]
    plain = ModelConfig.create(**PLAIN)
    plain_shapes = {k: (v, "F32") for k, v in expected_shapes(plain).items()}
    assert check_tensors(plain, {**plain_shapes, STYLE_BANK: ((3, 8), "F32")}) == [
        "extra tensor style_bank [3, 8] (a style bank needs use_vae)"]
