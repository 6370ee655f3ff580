"""The model configuration stored under `clade_paint_config` in a model file (docs/model-format.md)."""
from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field

FORMAT_VERSION = 1
ARCHITECTURES = ("clade", "spade", "hybrid")
NORMS = ("clade", "spade")
PARAM_FREE_NORMS = ("batch", "instance")
UPSAMPLING_COUNTS = {"normal": 5, "more": 6, "most": 7}
CONFIG_KEY = "clade_paint_config"
# How edge and ICPE maps are made from data-set maps (docs/conditioning.md, section 6). The painter's rules are the
# default, also for files written before the key existed.
PAINTED_CONDITIONING = {"edges": "class_and_instance", "icpe_objects": "class_and_instance",
                        "icpe_ignored_class": "dontcare", "icpe_map_size": "picture"}
CONDITIONING_CHOICES = {"edges": ("class_and_instance", "instance"), "icpe_objects": ("class_and_instance", "class"),
                        "icpe_map_size": ("picture", "source")}


def official_conditioning(raw_zero_class: int) -> dict:
    """The official SPADE/CLADE loaders' rules: edges from the instance map alone, ICPE objects are class regions
    computed on the label file at its own size, and the class of raw label value 0 is not encoded."""
    return {"edges": "instance", "icpe_objects": "class", "icpe_ignored_class": raw_zero_class,
            "icpe_map_size": "source"}

_BASE_BLOCKS = ("head_0", "G_middle_0", "G_middle_1", "up_0", "up_1", "up_2", "up_3")


class ConfigError(ValueError):
    """A model configuration that breaks docs/model-format.md; the message names the key."""


def block_names_for(num_upsampling_layers: str) -> list[str]:
    """Residual block names in order, as in the public SPADE/CLADE checkpoints."""
    return list(_BASE_BLOCKS) + (["up_4"] if num_upsampling_layers == "most" else [])


# The longest picture side any model draws: a larger picture takes gigabytes while it is drawn.
LARGEST_SIDE = 8192


@dataclass
class ModelConfig:
    """One generator (and optional style encoder); field names are the JSON keys of the model file."""

    format_version: int
    architecture: str
    block_norms: list[str]
    ngf: int
    num_upsampling_layers: str
    width: int
    height: int
    label_nc: int
    contain_dontcare_label: bool
    use_instance_edges: bool
    use_icpe: bool
    param_free_norm: str
    use_vae: bool
    z_dim: int
    palette: str
    class_names: list[str]
    training_data: str = ""
    style_presets: dict[str, list[float]] = field(default_factory=dict)
    conditioning: dict = field(default_factory=lambda: dict(PAINTED_CONDITIONING))

    def __post_init__(self) -> None:
        self.validate()

    # Derived sizes ------------------------------------------------------------------------------

    @property
    def class_count(self) -> int:
        """Rows of every class bank: the data set's classes plus dontcare."""
        return self.label_nc + (1 if self.contain_dontcare_label else 0)

    @property
    def semantic_nc(self) -> int:
        """Channels of the semantic input: one-hot classes plus the edge channel."""
        return self.class_count + (1 if self.use_instance_edges else 0)

    @property
    def upsampling_count(self) -> int:
        """Number of x2 upsamplings: 5, 6 or 7."""
        return UPSAMPLING_COUNTS[self.num_upsampling_layers]

    @property
    def sw(self) -> int:
        """Width of the head feature map."""
        return self.width >> self.upsampling_count

    @property
    def sh(self) -> int:
        """Height of the head feature map."""
        return self.height >> self.upsampling_count

    @property
    def block_names(self) -> list[str]:
        return block_names_for(self.num_upsampling_layers)

    @property
    def block_channels(self) -> list[tuple[int, int]]:
        """(fin, fout) of each residual block, in the order of `block_names`."""
        n = self.ngf
        channels = [(16 * n, 16 * n)] * 3 + [(16 * n, 8 * n), (8 * n, 4 * n), (4 * n, 2 * n), (2 * n, n)]
        if self.num_upsampling_layers == "most":
            channels.append((n, n // 2))
        return channels

    @property
    def output_channels(self) -> int:
        """Channels entering conv_img: ngf, or ngf / 2 after `up_4`."""
        return self.block_channels[-1][1]

    # Picture sizes (the rule of docs/model-format.md, "Picture sizes"; ModelConfig.sizeProblem in Swift) ---------

    @property
    def reduction_factors(self) -> list[int]:
        """The factors 1, 2, 4 ... by which a model with a style encoder draws a smaller picture: the powers of two
        that divide the head map, whose fc(z) map the generator then average-pools by the factor."""
        factors = [1]
        while self.sh % (factors[-1] * 2) == 0 and self.sw % (factors[-1] * 2) == 0:
            factors.append(factors[-1] * 2)
        return factors

    def size_problem(self, width: int, height: int) -> str | None:
        """Why the generator cannot draw a width x height picture, or None when it can: a model with a style
        encoder draws its own size divided by one of its `reduction_factors`; other models any positive multiple
        of 2^upsampling_count; no side longer than LARGEST_SIDE."""
        if width > LARGEST_SIDE or height > LARGEST_SIDE:
            return (f"a {width}x{height} picture: at most {LARGEST_SIDE}x{LARGEST_SIDE} pixels (a picture that "
                    f"large takes gigabytes while it is drawn)")
        if self.use_vae:
            if any(width * f == self.width and height * f == self.height for f in self.reduction_factors):
                return None
            sizes = ", ".join(f"{self.width // f}x{self.height // f}" for f in self.reduction_factors)
            return (f"a {width}x{height} picture: this model starts from a style code (use_vae), so it draws only "
                    f"{sizes} (its own size divided by a power of two that divides the head map "
                    f"{self.sw}x{self.sh})")
        step = 1 << self.upsampling_count
        if width < step or height < step or width % step or height % step:
            return (f"a {width}x{height} picture: width and height must be positive multiples of {step} for this "
                    f"model ({self.upsampling_count} upsamplings)")
        return None

    def block_norm(self, block: str) -> str:
        """The normalisation (`clade` or `spade`) of a residual block, by name."""
        return self.block_norms[self.block_names.index(block)]

    # Validation ---------------------------------------------------------------------------------

    def validate(self) -> None:
        """Raise ConfigError naming the first key that breaks the format."""
        def fail(key: str, problem: str) -> None:
            raise ConfigError(f"{CONFIG_KEY}: '{key}' {problem}")

        def check_type(key: str, kind: type) -> None:
            value = getattr(self, key)
            # bool is an int subclass in Python; the format keeps them apart.
            if (kind is int and isinstance(value, bool)) or not isinstance(value, kind):
                fail(key, f"must be {kind.__name__}, got {type(value).__name__} {value!r}")

        for f in dataclasses.fields(self):
            kind = {"int": int, "str": str, "bool": bool}.get(str(f.type))
            if kind is not None:
                check_type(f.name, kind)
        if self.format_version != FORMAT_VERSION:
            fail("format_version", f"is {self.format_version}, this code reads version {FORMAT_VERSION}")
        if self.architecture not in ARCHITECTURES:
            fail("architecture", f"is {self.architecture!r}, expected one of {ARCHITECTURES}")
        if self.num_upsampling_layers not in UPSAMPLING_COUNTS:
            fail("num_upsampling_layers", f"is {self.num_upsampling_layers!r}, expected one of "
                 f"{tuple(UPSAMPLING_COUNTS)}")
        if self.param_free_norm not in PARAM_FREE_NORMS:
            fail("param_free_norm", f"is {self.param_free_norm!r}, expected one of {PARAM_FREE_NORMS}")
        names = self.block_names
        if not isinstance(self.block_norms, list) or len(self.block_norms) != len(names):
            fail("block_norms", f"must list one norm per block {names}, got {self.block_norms!r}")
        for block, norm in zip(names, self.block_norms, strict=True):
            if norm not in NORMS:
                fail("block_norms", f"gives {norm!r} for {block}, expected one of {NORMS}")
        if self.architecture != "hybrid" and any(n != self.architecture for n in self.block_norms):
            fail("block_norms", f"must all be {self.architecture!r} for that architecture "
                 f"(use 'hybrid' to mix), got {self.block_norms}")
        if self.use_icpe and "clade" not in self.block_norms:
            fail("use_icpe", "needs at least one CLADE block (ICPE lives in the CLADE class affine)")
        if self.ngf < 1:
            fail("ngf", f"must be positive, got {self.ngf}")
        if self.num_upsampling_layers == "most" and self.ngf % 2:
            fail("ngf", f"must be even with 'most' (up_4 has ngf / 2 channels), got {self.ngf}")
        step = 1 << self.upsampling_count
        for key in ("width", "height"):
            size = getattr(self, key)
            if size < step or size % step:
                fail(key, f"must be a positive multiple of 2^{self.upsampling_count} = {step} "
                     f"for '{self.num_upsampling_layers}', got {size}")
        if self.label_nc < 1:
            fail("label_nc", f"must be positive, got {self.label_nc}")
        if self.z_dim < 1:
            fail("z_dim", f"must be positive, got {self.z_dim}")
        if not isinstance(self.class_names, list) or len(self.class_names) != self.class_count \
                or not all(isinstance(n, str) for n in self.class_names):
            fail("class_names", f"must be {self.class_count} strings (label_nc + dontcare), "
                 f"got {self.class_names!r}")
        if not isinstance(self.style_presets, dict):
            fail("style_presets", f"must be an object of name -> style code, got {self.style_presets!r}")
        for name, code in self.style_presets.items():
            if not isinstance(code, list) or len(code) != self.z_dim \
                    or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in code):
                fail("style_presets", f"entry {name!r} must be {self.z_dim} numbers (z_dim)")
        self._validate_conditioning(fail)

    def _validate_conditioning(self, fail) -> None:
        conditioning = self.conditioning
        if not isinstance(conditioning, dict) or set(conditioning) != set(PAINTED_CONDITIONING):
            fail("conditioning", f"must be an object with keys {sorted(PAINTED_CONDITIONING)}, got {conditioning!r}")
        for key, choices in CONDITIONING_CHOICES.items():
            if conditioning[key] not in choices:
                fail("conditioning", f"{key} is {conditioning[key]!r}, expected one of {choices}")
        ignored = conditioning["icpe_ignored_class"]
        if isinstance(ignored, bool) or not (ignored in ("none", "dontcare") or
                                             (isinstance(ignored, int) and 0 <= ignored < self.class_count)):
            fail("conditioning", f"icpe_ignored_class is {ignored!r}, expected 'none', 'dontcare' or a class index "
                 f"0 to {self.class_count - 1}")

    # JSON ---------------------------------------------------------------------------------------

    def to_dict(self) -> dict:
        data = dataclasses.asdict(self)
        # The painter's conventions are the default: files that use them stay as they were before the key existed.
        if data["conditioning"] == PAINTED_CONDITIONING:
            del data["conditioning"]
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), separators=(",", ":"))

    @classmethod
    def from_dict(cls, data: dict, source: str = CONFIG_KEY) -> "ModelConfig":
        """Build from a decoded JSON object; `source` names the file in error messages."""
        if not isinstance(data, dict):
            raise ConfigError(f"{source}: the config must be a JSON object, got {type(data).__name__}")
        known = {f.name for f in dataclasses.fields(cls)}
        optional = {"training_data", "style_presets", "conditioning"}
        unknown = sorted(set(data) - known)
        missing = sorted(known - optional - set(data))
        if unknown:
            raise ConfigError(f"{source}: unknown config keys {unknown}")
        if missing:
            raise ConfigError(f"{source}: missing config keys {missing}")
        try:
            return cls(**data)
        except ConfigError as error:
            raise ConfigError(f"{source}: {error}") from None

    @classmethod
    def from_json(cls, text: str, source: str = CONFIG_KEY) -> "ModelConfig":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise ConfigError(f"{source}: the config is not valid JSON ({error})") from None
        return cls.from_dict(data, source)

    # Construction -------------------------------------------------------------------------------

    @classmethod
    def create(cls, *, architecture: str = "clade", label_nc: int, ngf: int = 64,
               width: int = 256, height: int | None = None, num_upsampling_layers: str = "normal",
               contain_dontcare_label: bool = False, use_instance_edges: bool = False,
               use_icpe: bool = False, param_free_norm: str = "batch", use_vae: bool = False,
               z_dim: int = 256, palette: str = "", class_names: list[str] | None = None,
               block_norms: list[str] | None = None, training_data: str = "",
               style_presets: dict[str, list[float]] | None = None,
               conditioning: dict | None = None) -> "ModelConfig":
        """A config with the usual defaults: square output, one norm for every block unless `block_norms`
        is given (required for `hybrid`), class names `class_<i>` (+ `dontcare`) unless given."""
        if block_norms is None:
            if architecture == "hybrid":
                raise ConfigError(f"{CONFIG_KEY}: 'block_norms' must be given for a hybrid architecture")
            block_norms = [architecture] * len(block_names_for(num_upsampling_layers))
        if class_names is None:
            class_names = [f"class_{i}" for i in range(label_nc)] + (["dontcare"] if contain_dontcare_label else [])
        return cls(format_version=FORMAT_VERSION, architecture=architecture, block_norms=list(block_norms),
                   ngf=ngf, num_upsampling_layers=num_upsampling_layers, width=width,
                   height=width if height is None else height, label_nc=label_nc,
                   contain_dontcare_label=contain_dontcare_label, use_instance_edges=use_instance_edges,
                   use_icpe=use_icpe, param_free_norm=param_free_norm, use_vae=use_vae, z_dim=z_dim,
                   palette=palette, class_names=list(class_names), training_data=training_data,
                   style_presets=dict(style_presets or {}),
                   conditioning=dict(conditioning or PAINTED_CONDITIONING))
