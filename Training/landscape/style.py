"""The global style of a picture (time of day, season, weather, colour grading) and the light it implies.

A ``Style`` is a small value: three named choices plus continuous parameters. Every class's renderer reads
the same ``Lighting`` derived from it, so one style changes the whole picture coherently. ``STYLE_PRESETS``
names representative styles (the app's style picker gets style codes the encoder computes from renders of a
fixed layout under these).
"""

from dataclasses import asdict, dataclass

import numpy as np

TIMES = ("dawn", "noon", "sunset", "dusk")
SEASONS = ("spring", "summer", "autumn", "winter")
WEATHERS = ("clear", "overcast", "haze", "fog")


@dataclass(frozen=True)
class Style:
    """The style of one picture. ``name`` is ``"time/season/weather"``, e.g. ``"sunset/autumn/clear"``."""

    time: str = "noon"
    season: str = "summer"
    weather: str = "clear"
    sun_x: float = 0.3  # sun across the picture: 0 left edge, 1 right edge; outside [0, 1] = out of frame
    sun_height: float = 0.7  # sun above the horizon as a fraction of the sky height (< 0: set)
    warmth: float = 0.0  # white balance of the grading: -1 cool .. 1 warm
    tint: float = 0.0  # -1 magenta .. 1 green
    saturation: float = 1.0
    contrast: float = 1.0
    exposure: float = 1.0
    vegetation: float = 0.0  # plant colours: -1 dry and yellow .. 1 lush and blue-green
    haze: float = 0.0  # atmosphere on top of the weather's own, 0 .. 1
    cloud_veil: float = 0.0  # thin high cloud over the sky, 0 .. 1
    vignette: float = 0.2
    grain: float = 0.006

    def __post_init__(self):
        for field, allowed in (("time", TIMES), ("season", SEASONS), ("weather", WEATHERS)):
            if getattr(self, field) not in allowed:
                raise ValueError(f"Style.{field} must be one of {allowed}, got {getattr(self, field)!r}")

    @property
    def name(self):
        return f"{self.time}/{self.season}/{self.weather}"

    def to_dict(self):
        d = asdict(self)
        d["name"] = self.name
        return d

    @staticmethod
    def from_dict(d):
        return Style(**{k: v for k, v in d.items() if k != "name"})

    def lighting(self):
        return Lighting.of(self)


_SUN_HEIGHT = {"dawn": (0.03, 0.3), "noon": (0.55, 1.0), "sunset": (0.0, 0.25), "dusk": (-0.15, 0.0)}


def random_style(rng):
    """Draws a style: named choices with their odds, then continuous parameters around each choice."""
    time = TIMES[rng.choice(4, p=[0.2, 0.4, 0.25, 0.15])]
    season = SEASONS[rng.integers(4)]
    weather = WEATHERS[rng.choice(4, p=[0.45, 0.2, 0.2, 0.15])]
    low, high = _SUN_HEIGHT[time]
    warm = {"dawn": 0.2, "noon": 0.0, "sunset": 0.4, "dusk": -0.3}[time]
    return Style(
        time=time,
        season=season,
        weather=weather,
        sun_x=float(rng.uniform(-0.3, 1.3)),
        sun_height=float(rng.uniform(low, high)),
        warmth=float(np.clip(warm + rng.normal(0, 0.25), -1, 1)),
        tint=float(np.clip(rng.normal(0, 0.2), -1, 1)),
        saturation=float(rng.uniform(0.75, 1.3)),
        contrast=float(rng.uniform(0.85, 1.25)),
        exposure=float(rng.uniform(0.85, 1.15)),
        vegetation=float(rng.uniform(-1, 1)),
        haze=float(rng.uniform(0, 0.5) ** 2 * 2),
        cloud_veil=float(rng.uniform(0, 1) ** 2),
        vignette=float(rng.uniform(0.0, 0.45)),
        grain=float(rng.uniform(0.0, 0.015)),
    )


STYLE_PRESETS = {
    "noon": Style("noon", "summer", "clear", sun_x=0.25, sun_height=0.85, vegetation=0.2, cloud_veil=0.1),
    "sunset": Style("sunset", "summer", "clear", sun_x=0.62, sun_height=0.1, warmth=0.45, saturation=1.15,
                    contrast=1.1, vignette=0.3),
    "dawn": Style("dawn", "spring", "haze", sun_x=0.3, sun_height=0.12, warmth=0.15, tint=0.1, haze=0.2,
                  vegetation=0.4),
    "dusk": Style("dusk", "summer", "clear", sun_x=0.7, sun_height=-0.05, warmth=-0.3, vignette=0.35),
    "winter": Style("noon", "winter", "clear", sun_x=0.8, sun_height=0.35, warmth=-0.25, saturation=0.9),
    "autumn": Style("noon", "autumn", "clear", sun_x=0.15, sun_height=0.6, warmth=0.25, saturation=1.15,
                    vegetation=-0.3),
    "spring": Style("noon", "spring", "clear", sun_x=0.5, sun_height=0.8, vegetation=0.6, saturation=1.1),
    "overcast": Style("noon", "summer", "overcast", sun_x=0.5, sun_height=0.7, saturation=0.85,
                      contrast=0.95),
    "fog": Style("dawn", "autumn", "fog", sun_x=0.4, sun_height=0.15, saturation=0.8, vignette=0.25),
}


def _v(*rgb):
    return np.array(rgb, np.float32)


# time -> sun colour, ambient colour, zenith colour, horizon colour, sun glow strength, stars.
_TIME_LIGHT = {
    "noon": (_v(1.0, 0.97, 0.9), _v(0.42, 0.48, 0.6), _v(0.2, 0.42, 0.82), _v(0.68, 0.8, 0.93), 0.25, 0.0),
    "dawn": (_v(1.0, 0.78, 0.6) * 0.85, _v(0.44, 0.4, 0.52), _v(0.34, 0.42, 0.66), _v(0.98, 0.78, 0.62), 0.6,
             0.0),
    "sunset": (_v(1.0, 0.56, 0.28) * 0.95, _v(0.42, 0.3, 0.4), _v(0.18, 0.22, 0.5), _v(1.0, 0.55, 0.27), 0.95,
               0.0),
    "dusk": (_v(0.5, 0.42, 0.62) * 0.22, _v(0.26, 0.3, 0.48), _v(0.03, 0.05, 0.15), _v(0.34, 0.28, 0.45), 0.25,
             1.0),
}


@dataclass(frozen=True)
class Lighting:
    """Light and atmosphere of a picture; colours are float32 RGB in display space (about 0..1).

    ``light`` is the unit vector towards the sun in picture space: x right, y up, z towards the viewer.
    ``sun_row`` is the sun's height as a fraction of the sky (0 = horizon, 1 = top row).
    """

    sun: np.ndarray
    ambient: np.ndarray
    zenith: np.ndarray
    horizon: np.ndarray
    fog: np.ndarray
    fog_density: float
    light: np.ndarray
    sun_x: float
    sun_row: float
    glow: float
    stars: float
    shadow: float
    overcast: float

    @staticmethod
    def of(style):
        sun, ambient, zenith, horizon, glow, stars = _TIME_LIGHT[style.time]
        grey = float(np.mean(horizon)) * 0.55 + 0.3
        fog_density, overcast = 0.45, 0.0
        if style.weather == "overcast":
            level = {"noon": 0.72, "dawn": 0.6, "sunset": 0.55, "dusk": 0.22}[style.time]
            zenith = 0.8 * level * _v(0.82, 0.86, 0.92) + 0.2 * zenith * level
            horizon = level * _v(0.95, 0.96, 0.98) * 0.85 + 0.15 * horizon
            ambient = ambient * 0.5 + level * _v(0.85, 0.88, 0.92) * 0.75
            sun, glow, stars, fog_density, overcast = sun * 0.12, glow * 0.2, 0.0, 0.9, 1.0
        elif style.weather == "haze":
            zenith = 0.6 * zenith + 0.4 * horizon
            ambient = ambient * 1.15
            sun, glow, fog_density = sun * 0.75, glow * 1.3, 1.2
        elif style.weather == "fog":
            fog_col = 0.55 * horizon + 0.45 * grey * _v(0.95, 0.97, 1.0)
            zenith = 0.3 * zenith + 0.7 * fog_col
            horizon = fog_col
            ambient = ambient * 0.7 + 0.35 * fog_col
            sun, glow, stars, fog_density, overcast = sun * 0.3, glow * 0.8, 0.0, 2.6, 0.5
        if style.season == "winter":
            ambient = ambient * _v(0.95, 1.0, 1.1)
            sun = sun * _v(1.0, 0.98, 0.95)
        fog_density += style.haze
        fog = 0.75 * horizon + 0.25 * (zenith * 0.5 + ambient * 0.5)

        sun_row = float(style.sun_height)
        lx = float(np.clip((style.sun_x - 0.5) * 1.8, -1.0, 1.0))
        ly = 0.15 + 0.85 * max(sun_row, 0.0)
        in_frame = 1.0 if 0.0 <= style.sun_x <= 1.0 and sun_row < 0.7 else 0.0
        lz = 0.45 - 0.35 * in_frame
        light = np.array([lx, ly, lz], np.float32)
        light /= np.linalg.norm(light)
        shadow = 0.45 * float(np.clip(np.mean(sun) / 0.8, 0.0, 1.0))
        return Lighting(sun=np.asarray(sun, np.float32), ambient=np.asarray(ambient, np.float32),
                        zenith=np.asarray(zenith, np.float32), horizon=np.asarray(horizon, np.float32),
                        fog=np.asarray(fog, np.float32), fog_density=float(fog_density), light=light,
                        sun_x=float(style.sun_x), sun_row=sun_row, glow=float(glow), stars=float(stars),
                        shadow=shadow, overcast=overcast)

