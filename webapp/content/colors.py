"""Parse CSS colours from site content and reason about their contrast.

Only values that parse completely as one CSS colour come out, always as a
normalised ``#rrggbb``: that is what makes it safe to drop a site's colour into
an inline stylesheet (``red;}</style><script>`` parses as nothing, so it never
reaches a page).
"""

from __future__ import annotations

import colorsys
import re

import webcolors

# Longer strings are not colours; refusing them early keeps the regexes cheap.
MAX_COLOR_LENGTH = 64

_HEX = re.compile(r"#([0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})")
_NAME = re.compile(r"[a-z]{3,30}")
# Every pattern here runs in linear time on any text (tests/test_regex_linear.py), though
# parse_css_color only gives them strings of MAX_COLOR_LENGTH characters.
# The arguments without the spaces around them: words with spaces between (possessive, so
# that a run of spaces is not shared out between the \s* and a lazy [^()]*? in every way).
_FUNCTION = re.compile(r"(rgba?|hsla?)\(\s*+([^()\s]*+(?:\s++[^()\s]++)*+)\s*+\)")
# One way only to read a number ("12" is not "1" then "2"; \d+\.?\d* had them all).
_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?"
_NUMBER_RE = re.compile(_NUMBER)
# Used whole (fullmatch): \A spares a search from retrying each digit of a run without "%".
_PERCENT_RE = re.compile(r"\A" + _NUMBER + "%")
_HUE_RE = re.compile(r"(" + _NUMBER + r")(deg|grad|rad|turn)?")
# Bounded like the strings it reads: "x x a/a/a/…/a y" made the split at each "/" rescan the
# rest of the word.
_ARG = rf"\S{{1,{MAX_COLOR_LENGTH}}}"
_SPACE_ARGS = re.compile(rf"^({_ARG})\s+({_ARG})\s+({_ARG})(?:\s*/\s*({_ARG}))?$")

# CSS Color 4 added this name; webcolors' CSS3 table predates it.
_EXTRA_NAMES = {"rebeccapurple": "#663399"}


def parse_css_color(value: object) -> str | None:
    """Return ``value`` as a lowercase ``#rrggbb`` if it is one CSS colour, else ``None``.

    Accepts hex (``#rgb``, ``#rgba``, ``#rrggbb``, ``#rrggbbaa``), ``rgb()``,
    ``rgba()``, ``hsl()``, ``hsla()`` (comma or space syntax) and CSS named
    colours. Alpha is dropped: pages paint on an opaque background.
    """
    if not isinstance(value, str) or len(value) > MAX_COLOR_LENGTH:
        return None
    text = value.strip().lower()
    if not text:
        return None
    match = _HEX.fullmatch(text)
    if match:
        return _expand_hex(match.group(1))
    match = _FUNCTION.fullmatch(text)
    if match:
        return _parse_function(match.group(1), match.group(2))
    if _NAME.fullmatch(text):
        if text in _EXTRA_NAMES:
            return _EXTRA_NAMES[text]
        try:
            return webcolors.name_to_hex(text).lower()
        except ValueError:
            return None
    return None


def _expand_hex(digits: str) -> str:
    """Turn 3/4/6/8 hex digits into ``#rrggbb``, dropping any alpha."""
    if len(digits) in (3, 4):
        digits = "".join(ch * 2 for ch in digits[:3])
    return "#" + digits[:6]


def _split_args(args: str) -> list[str] | None:
    """Split function arguments written with commas or with spaces (and ``/ alpha``)."""
    if "," in args:
        parts = [part.strip() for part in args.split(",")]
        if len(parts) not in (3, 4) or any(not part for part in parts):
            return None
        return parts
    match = _SPACE_ARGS.match(args)
    if not match:
        return None
    return [part for part in match.groups() if part is not None]


def _alpha_ok(parts: list[str]) -> bool:
    """Tell whether the optional fourth argument is a valid alpha value."""
    if len(parts) == 3:
        return True
    alpha = parts[3]
    return bool(_PERCENT_RE.fullmatch(alpha) or _NUMBER_RE.fullmatch(alpha))


def _channel(part: str) -> int | None:
    """Parse one rgb() channel (number 0-255 or percentage), clamped like browsers do."""
    if _PERCENT_RE.fullmatch(part):
        number = float(part[:-1]) * 255 / 100
    elif _NUMBER_RE.fullmatch(part):
        number = float(part)
    else:
        return None
    return int(round(min(255.0, max(0.0, number))))


def _fraction(part: str) -> float | None:
    """Parse an hsl() saturation or lightness (percentage, or bare number per CSS 4)."""
    raw = part[:-1] if part.endswith("%") else part
    if not _NUMBER_RE.fullmatch(raw):
        return None
    return min(1.0, max(0.0, float(raw) / 100))


def _hue(part: str) -> float | None:
    """Parse an hsl() hue in degrees (``deg``, ``grad``, ``rad`` and ``turn`` allowed)."""
    match = _HUE_RE.fullmatch(part)
    if not match:
        return None
    number, unit = float(match.group(1)), match.group(2)
    degrees = {
        None: number,
        "deg": number,
        "grad": number * 0.9,
        "rad": number * 57.29577951308232,
        "turn": number * 360,
    }[unit]
    return (degrees % 360) / 360


def _parse_function(name: str, args: str) -> str | None:
    """Parse the inside of ``rgb()``/``rgba()``/``hsl()``/``hsla()``."""
    parts = _split_args(args)
    if parts is None or not _alpha_ok(parts):
        return None
    if name.startswith("rgb"):
        channels = [_channel(part) for part in parts[:3]]
        if any(channel is None for channel in channels):
            return None
        return "#" + "".join(f"{channel:02x}" for channel in channels)
    hue = _hue(parts[0])
    saturation, lightness = _fraction(parts[1]), _fraction(parts[2])
    if hue is None or saturation is None or lightness is None:
        return None
    red, green, blue = colorsys.hls_to_rgb(hue, lightness, saturation)
    return "#" + "".join(f"{int(round(c * 255)):02x}" for c in (red, green, blue))


def _relative_luminance(hex_color: str) -> float:
    """Compute the WCAG 2 relative luminance of a ``#rrggbb`` colour."""
    normalised = parse_css_color(hex_color)
    if normalised is None:
        raise ValueError(f"not a colour: {hex_color!r}")
    values = []
    for start in (1, 3, 5):
        channel = int(normalised[start : start + 2], 16) / 255
        if channel <= 0.03928:
            values.append(channel / 12.92)
        else:
            values.append(((channel + 0.055) / 1.055) ** 2.4)
    red, green, blue = values
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(hex1: str, hex2: str) -> float:
    """Return the WCAG contrast ratio (1 to 21) between two colours."""
    lum1, lum2 = _relative_luminance(hex1), _relative_luminance(hex2)
    lighter, darker = max(lum1, lum2), min(lum1, lum2)
    return (lighter + 0.05) / (darker + 0.05)


DARK_TEXT = "#111111"
LIGHT_TEXT = "#ffffff"

# The palette used wherever a site's theme lacks a colour: both the theme read
# from content (extract) and the colours a generated page paints with (generate).
DEFAULT_THEME = {
    "primary": "#2563eb",
    "secondary": "#0f766e",
    "accent": "#f59e0b",
    "background": "#ffffff",
    "text": "#1f2937",
}


def readable_text_on(*backgrounds: str, dark: str = DARK_TEXT, light: str = LIGHT_TEXT) -> str:
    """Return ``dark`` or ``light``, whichever reads better on every one of ``backgrounds``.

    Each candidate is scored by its worst contrast over the backgrounds (text
    in a header may sit on either end of a gradient); on a tie, ``dark`` wins.
    """
    if not backgrounds:
        raise TypeError("readable_text_on() needs at least one background")
    dark_score = min(contrast_ratio(dark, background) for background in backgrounds)
    light_score = min(contrast_ratio(light, background) for background in backgrounds)
    return dark if dark_score >= light_score else light


def mix(hex1: str, hex2: str, weight: float) -> str:
    """Blend two ``#rrggbb`` colours: ``weight`` 0 gives ``hex1``, 1 gives ``hex2``."""
    a, b = parse_css_color(hex1), parse_css_color(hex2)
    if a is None or b is None:
        raise ValueError("mix() needs two colours")
    channels = []
    for start in (1, 3, 5):
        x, y = int(a[start : start + 2], 16), int(b[start : start + 2], 16)
        channels.append(int(round(x + (y - x) * weight)))
    return "#" + "".join(f"{channel:02x}" for channel in channels)
