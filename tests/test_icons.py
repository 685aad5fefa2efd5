"""Inline SVG icons: every emoji an intent can carry has a drawing, safe and accessible."""

from __future__ import annotations

import ast
import json
import re
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

import jinja2
import pytest
from flask import Flask, render_template_string

from webapp.content import icons
from webapp.content.model import build, vocab
from webapp.content.model.build import build_site
from webapp.demos import DEMOS, load_demo

SVG = ""  # inline SVG in HTML: no namespace declared
GENERIC_EMOJI = {vocab.GENERIC.emoji}  # "Browse all items": the fallback is its icon


def parse(markup: str) -> ET.Element:
    """Parse our own markup as XML (it declares no DTD or entities, so nothing expands)."""
    return ET.fromstring(markup)  # noqa: S314


def emoji_literals(module) -> set[str]:
    """Short string constants of a module's source that hold a pictograph."""
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and 0 < len(node.value) <= 4
        and any(unicodedata.category(c) == "So" or c == "ℹ" for c in node.value)
    }


def intent_emoji() -> set[str]:
    """Every emoji a kind defines or build.py writes literally."""
    found = {kind.emoji for kind in icons.kinds()} | emoji_literals(build)
    assert "🧭" in found and vocab.CONTACT.emoji in found and vocab.ABOUT.emoji in found
    return found


def test_every_kind_and_build_emoji_has_its_own_icon():
    assert emoji_literals(vocab) <= {kind.emoji for kind in icons.kinds()}
    for emoji in intent_emoji():
        name = icons.icon_name(emoji)
        assert name in icons.ICONS
        if emoji not in GENERIC_EMOJI:
            assert name != icons.FALLBACK, emoji


def test_every_kind_name_is_an_icon():
    for kind in icons.kinds():
        assert kind.name in icons.ICONS, kind.name
        assert icons.icon_name(kind.name) == kind.name
        assert icons.ICONS[icons.icon_name(kind.emoji)] == icons.ICONS[kind.name], kind.name


@pytest.mark.parametrize("demo", sorted(DEMOS))
def test_demo_intents_get_specific_icons(demo):
    for intent in build_site(json.loads(load_demo(demo))).intents:
        if intent["icon"] not in GENERIC_EMOJI:
            assert icons.icon_name(intent["icon"]) != icons.FALLBACK, intent


def test_lookup_tolerates_variation_selectors_and_junk():
    assert icons.icon_name("🍽️") == icons.icon_name("🍽") == "menu"
    assert icons.icon_name("ℹ") == icons.icon_name("ℹ️") == "about"
    assert icons.icon_name(" Menu ") == "menu"
    for junk in (None, "", "🦄", "not-an-icon", 42, "<script>"):
        assert icons.icon_name(junk) == icons.FALLBACK


@pytest.mark.parametrize("name", sorted(icons.ICONS))
def test_markup_is_well_formed_and_self_contained(name):
    for label in (None, name):
        root = parse(str(icons.svg(name, label=label, size=48)))
        assert root.tag == f"{SVG}svg"
        assert root.get("viewBox") == "0 0 24 24"
        assert root.get("width") == root.get("height") == "48"
        assert root.get("stroke") == "currentColor" and root.get("fill") == "none"
        shapes = [child for child in root if child.tag != f"{SVG}title"]
        assert shapes, name
        for element in root.iter():
            local = element.tag.removeprefix(SVG)
            assert local in {"svg", "title", "path", "circle", "rect", "line", "polyline"}
            for attribute, value in element.attrib.items():
                assert "href" not in attribute and not attribute.startswith("on"), attribute
                assert "url(" not in value and "javascript" not in value.lower()


def test_glyphs_hold_no_links_scripts_or_handlers():
    for name, markup in icons.ICONS.items():
        assert not re.search(r"href|script|\son\w+\s*=|url\(|<style|<foreignObject", markup, re.I)
        parse(f'<svg xmlns="http://www.w3.org/2000/svg">{markup}</svg>')  # parses
        assert name == name.lower()


def test_decorative_icon_is_hidden():
    root = parse(str(icons.svg("🍷")))
    assert root.get("aria-hidden") == "true" and root.get("focusable") == "false"
    assert root.get("role") is None and root.get("aria-label") is None
    assert root.find(f"{SVG}title") is None
    for blank in ("", "   "):
        assert 'aria-hidden="true"' in icons.svg("🍷", label=blank)


def test_labelled_icon_is_a_named_image():
    root = parse(str(icons.svg("📞", label="Contact us")))
    assert root.get("role") == "img" and root.get("aria-label") == "Contact us"
    assert root[0].tag == f"{SVG}title" and root[0].text == "Contact us"
    assert root.get("aria-hidden") is None


@pytest.mark.parametrize(
    "label",
    [
        "<script>x</script>",
        '"><script>alert(1)</script>',
        "a' onload='alert(1)",
        "Tom & Jerry </title><script>x</script>",
        "nul\x00 and \x1b escape \ufffe",
    ],
)
def test_hostile_labels_are_escaped(label):
    markup = str(icons.svg("🍽️", label=label))
    assert "<script" not in markup.lower() and "onload='" not in markup
    root = parse(markup)  # still one well-formed element
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == root.get("aria-label")
    assert "<script" not in str(icons.svg("x", css_class='"><script>x</script>'))


def test_size_is_a_number():
    assert 'width="32"' in icons.svg("menu", size="32")
    with pytest.raises(ValueError):
        icons.svg("menu", size='24" onload="x')


def test_jinja_globals_on_app_and_render_environment():
    app = Flask(__name__)
    icons.init_app(app)
    with app.app_context():
        out = render_template_string("{{ icon(i, label=t) }}", i="🏠", t="<b>Homes</b>")
    assert out.startswith("<svg") and 'data-icon="homes"' in out and "<b>" not in out
    env = jinja2.Environment(autoescape=True)
    icons.register(env)
    out = env.from_string("{{ icon(i) }}").render(i="🕒")
    assert out.startswith("<svg") and 'data-icon="hours"' in out


def test_every_kind_name_is_defined_once():
    """A second row with a kind's name would silently replace the first (and its icon)."""
    from webapp.content.model.vocab import _KIND_TABLE

    names = [kind.name for _words, kind in _KIND_TABLE]
    assert len(names) == len(set(names))
