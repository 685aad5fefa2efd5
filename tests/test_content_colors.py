"""CSS colour parsing and contrast: only real colours come out, always as #rrggbb."""

from __future__ import annotations

import re

import pytest

from webapp.content.colors import (
    DEFAULT_THEME,
    contrast_ratio,
    mix,
    parse_css_color,
    readable_text_on,
)

HEX6 = re.compile(r"^#[0-9a-f]{6}$")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("#FFF", "#ffffff"),
        ("#f00a", "#ff0000"),
        ("#A1B2C3", "#a1b2c3"),
        ("#a1b2c380", "#a1b2c3"),
        ("  #123456  ", "#123456"),
        ("rgb(255, 0, 0)", "#ff0000"),
        ("rgba(0,128,255,0.5)", "#0080ff"),
        ("rgb(100% 0% 50%)", "#ff0080"),
        ("rgb(255 0 0 / 50%)", "#ff0000"),
        ("RGB(300, -5, 20)", "#ff0014"),
        ("hsl(120, 100%, 50%)", "#00ff00"),
        ("hsla(240 100% 50% / 0.3)", "#0000ff"),
        ("hsl(0.5turn 50% 50%)", "#40bfbf"),
        ("hsl(0deg 0% 100%)", "#ffffff"),
        ("red", "#ff0000"),
        ("Teal", "#008080"),
        ("rebeccapurple", "#663399"),
    ],
)
def test_valid_colours_normalise(value, expected):
    assert parse_css_color(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "red;} body{display:none}",
        "red;}</style><script>alert(1)</script>",
        "url(https://evil.example/x.png)",
        "expression(alert(1))",
        "javascript:alert(1)",
        "#12345",
        "#12345g",
        "#" + "a" * 70,
        "rgb(1, 2)",
        "rgb(1, 2, 3, 4, 5)",
        "rgb(a, b, c)",
        "rgb(1, 2, 3",
        "rgb(1,2,3) red",
        "transparent",
        "currentcolor",
        "notacolour",
        "",
        "   ",
        None,
        12,
        ["#fff"],
        {"hex": "#fff"},
    ],
)
def test_anything_else_is_none(value):
    assert parse_css_color(value) is None


def test_over_long_strings_are_refused_even_if_colour_like():
    assert parse_css_color(" " * 70 + "#fff") is None


def test_contrast_ratio_extremes_and_symmetry():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(
        contrast_ratio("#ffffff", "#777777")
    )
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize(
    ("background", "expected"),
    [
        ("#ffffff", "#111111"),
        ("#ffff00", "#111111"),
        ("#000000", "#ffffff"),
        ("#1a1a80", "#ffffff"),
    ],
)
def test_readable_text_on(background, expected):
    assert readable_text_on(background) == expected
    assert HEX6.match(readable_text_on(background))


def test_readable_text_on_takes_the_best_worst_case_over_backgrounds():
    # White reads well on navy but badly on yellow: over both, dark wins.
    assert readable_text_on("#1a1a80") == "#ffffff"
    assert readable_text_on("#1a1a80", "#ffff00") == "#111111"
    assert readable_text_on("#000000", "#1a1a80") == "#ffffff"


def test_readable_text_on_accepts_other_inks():
    assert readable_text_on("#ffffff", dark="#111827") == "#111827"
    assert readable_text_on("#000000", dark="#111827", light="#fafafa") == "#fafafa"


def test_readable_text_on_needs_a_background():
    with pytest.raises(TypeError):
        readable_text_on()


def test_mix_blends_channel_by_channel():
    assert mix("#000000", "#ffffff", 0) == "#000000"
    assert mix("#000000", "#ffffff", 1) == "#ffffff"
    assert mix("#000000", "#ffffff", 0.5) == "#808080"
    assert mix("red", "#0000ff", 0.5) == "#800080"


def test_default_theme_is_hex_and_readable():
    assert set(DEFAULT_THEME) == {"primary", "secondary", "accent", "background", "text"}
    assert all(HEX6.match(colour) for colour in DEFAULT_THEME.values())
    assert contrast_ratio(DEFAULT_THEME["text"], DEFAULT_THEME["background"]) >= 4.5
