import json

import pytest

from clade.config import PAINTED_CONDITIONING, ConfigError, ModelConfig, official_conditioning

DOC_KEYS = ["format_version", "architecture", "block_norms", "ngf", "num_upsampling_layers", "width", "height",
            "label_nc", "contain_dontcare_label", "use_instance_edges", "use_icpe", "param_free_norm", "use_vae",
            "z_dim", "palette", "class_names", "training_data", "style_presets"]


def cityscapes_like() -> ModelConfig:
    return ModelConfig.create(label_nc=34, ngf=64, width=512, height=256, num_upsampling_layers="more",
                              contain_dontcare_label=True, use_instance_edges=True, use_icpe=True,
                              palette="cityscapes", style_presets={"zero": [0.0] * 256})


def test_json_keys_are_the_documented_ones_and_round_trip():
    config = cityscapes_like()
    data = json.loads(config.to_json())
    # The painter's conditioning conventions are the default and not written; other ones are.
    assert list(data) == DOC_KEYS
    assert ModelConfig.from_json(config.to_json()) == config
    config.conditioning = official_conditioning(0)
    assert list(json.loads(config.to_json())) == DOC_KEYS + ["conditioning"]
    assert ModelConfig.from_json(config.to_json()) == config


def test_derived_sizes():
    config = cityscapes_like()
    assert config.class_count == 35 and config.semantic_nc == 36 and config.upsampling_count == 6
    assert (config.sw, config.sh) == (8, 4)
    assert config.block_names == ["head_0", "G_middle_0", "G_middle_1", "up_0", "up_1", "up_2", "up_3"]
    assert config.block_channels[3] == (1024, 512) and config.output_channels == 64
    most = ModelConfig.create(label_nc=3, ngf=8, width=1024, num_upsampling_layers="most")
    assert most.block_names[-1] == "up_4" and most.output_channels == 4 and most.sw == 8
    assert most.class_names == ["class_0", "class_1", "class_2"]


def test_optional_keys_default():
    data = json.loads(cityscapes_like().to_json())
    del data["training_data"], data["style_presets"]
    config = ModelConfig.from_dict(data)
    assert config.training_data == "" and config.style_presets == {}
    # Files written before the conventions were part of the config keep the painter's rules.
    assert config.conditioning == PAINTED_CONDITIONING


@pytest.mark.parametrize("change, message", [
    ({"format_version": 2}, "'format_version' is 2"),
    ({"architecture": "pix2pix"}, "'architecture' is 'pix2pix'"),
    ({"block_norms": ["clade"] * 6}, "'block_norms' must list one norm per block"),
    ({"block_norms": ["clade"] * 6 + ["spade"]}, "must all be 'clade'"),
    ({"width": 500}, "'width' must be a positive multiple of 2^6 = 64"),
    ({"height": 0}, "'height' must be a positive multiple"),
    ({"ngf": True}, "'ngf' must be int"),
    ({"use_icpe": 1}, "'use_icpe' must be bool"),
    ({"class_names": ["a"]}, "'class_names' must be 35 strings"),
    ({"param_free_norm": "syncbatch"}, "'param_free_norm' is 'syncbatch'"),
    ({"style_presets": {"dusk": [0.0] * 3}}, "entry 'dusk' must be 256 numbers"),
    ({"conditioning": {"edges": "instance"}}, "'conditioning' must be an object with keys"),
    ({"conditioning": {**official_conditioning(0), "edges": "class"}}, "'conditioning' edges is 'class'"),
    ({"conditioning": official_conditioning(35)}, "'conditioning' icpe_ignored_class is 35, expected 'none', "
                                                  "'dontcare' or a class index 0 to 34"),
    ({"conditioning": official_conditioning(True)}, "icpe_ignored_class is True"),
])
def test_validation_names_the_key(change, message):
    data = json.loads(cityscapes_like().to_json())
    data.update(change)
    with pytest.raises(ConfigError, match=message.replace("^", r"\^").replace("(", r"\(")):
        ModelConfig.from_dict(data, source="city.safetensors")


def test_structural_errors_name_the_source():
    data = json.loads(cityscapes_like().to_json())
    with pytest.raises(ConfigError, match=r"city.safetensors: missing config keys \['ngf'\]"):
        ModelConfig.from_dict({k: v for k, v in data.items() if k != "ngf"}, source="city.safetensors")
    with pytest.raises(ConfigError, match=r"unknown config keys \['nfg'\]"):
        ModelConfig.from_dict({**data, "nfg": 3})
    with pytest.raises(ConfigError, match="not valid JSON"):
        ModelConfig.from_json("{", source="x")


def test_icpe_needs_a_clade_block_and_hybrid_needs_norms():
    with pytest.raises(ConfigError, match="'use_icpe' needs at least one CLADE block"):
        ModelConfig.create(architecture="spade", label_nc=3, ngf=4, width=64, use_icpe=True)
    with pytest.raises(ConfigError, match="'block_norms' must be given"):
        ModelConfig.create(architecture="hybrid", label_nc=3, ngf=4, width=64)
    with pytest.raises(ConfigError, match="'ngf' must be even"):
        ModelConfig.create(label_nc=3, ngf=3, width=128, num_upsampling_layers="most")
    hybrid = ModelConfig.create(architecture="hybrid", label_nc=3, ngf=4, width=64,
                                block_norms=["spade"] * 3 + ["clade"] * 4)
    assert hybrid.block_norm("G_middle_1") == "spade" and hybrid.block_norm("up_0") == "clade"
