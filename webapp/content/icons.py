"""Inline SVG icons for intents: our own line drawings, so no page depends on an emoji font.

Intents keep their emoji (``{id, title, description, icon, dataPath}``); pages show
``icon(intent.icon, label)``, which maps the emoji (or a kind name) to one of these
drawings. Every icon is a 24×24 stroke drawing in ``currentColor``: no external
references, no scripts, no links, only paths and shapes written here.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

if TYPE_CHECKING:
    from .model.vocab import Kind

# --------------------------------------------------------------------------
# Glyphs: inner markup of a 24×24 viewBox (drawn with the stroke set on <svg>)

_CALENDAR = '<rect x="3" y="5" width="18" height="16" rx="2"/><path d="M3 10h18M8 3v4M16 3v4"/>'
_DOCUMENT = (
    '<path d="M14 3H6a1 1 0 0 0-1 1v16a1 1 0 0 0 1 1h12a1 1 0 0 0 1-1V8z"/>'
    '<path d="M14 3v5h5M9 13h6M9 17h6"/>'
)
_MICROPHONE = (
    '<rect x="9" y="2" width="6" height="11" rx="3"/>'
    '<path d="M5 10v1a7 7 0 0 0 14 0v-1M12 18v3M8 21h8"/>'
)
_HANDSHAKE = (
    '<path d="M2 9h3v8H2M22 9h-3v8h3M5 10l3-2.5h4M19 10l-3-2.5h-4l-3.5 3.5a1.4 1.4 0 0 0 2 2'
    "l2.5-1.5 5 4M5 16l4 3.5a1.4 1.4 0 0 0 2-.3l.5-.3a1.4 1.4 0 0 0 2 0l.5-.4a1.4 1.4 0 0 0 2-.3"
    'l3-2.5"/>'
)
_CIRCLE = '<circle cx="12" cy="12" r="9"/>'

ICONS: dict[str, str] = {
    # Eating and drinking
    "menu": (
        '<circle cx="13" cy="12" r="3.5"/>'
        '<path d="M3 3v5a2 2 0 0 0 4 0V3M5 3v18M21 3v18M21 3c-1.2 1.2-2 3.5-2 7h2"/>'
    ),
    "drinks": '<path d="M7 3h10v4a5 5 0 0 1-10 0zM7 7h10M12 12v9M8 21h8"/>',
    "recipes": (
        '<path d="M4 11h16v5a5 5 0 0 1-5 5H9a5 5 0 0 1-5-5zM2 12h2M20 12h2"/>'
        '<path d="M9 4c-1 1 1 2 0 4M15 4c-1 1 1 2 0 4"/>'
    ),
    # Places to live and stay
    "homes": '<path d="M3 11l9-8 9 8"/><path d="M5 9.5V21h14V9.5M10 21v-6h4v6"/>',
    "rooms": (
        '<path d="M3 5v15M21 20v-5a4 4 0 0 0-4-4H10v4M3 15h18"/>'
        '<rect x="5" y="10" width="3" height="3" rx="1"/>'
    ),
    "agents": ('<circle cx="8" cy="15" r="4"/><path d="M11 12l9-9M16 7l3 3M14 9l2 2"/>'),
    # Work shown and written
    "portfolio": (
        '<path d="M12 3a9 9 0 1 0 0 18c1.2 0 1.8-.8 1.8-1.7 0-1.3-1.3-1.6-1.3-2.8 0-.9.8-1.5'
        ' 1.7-1.5H16a5 5 0 0 0 5-5c0-3.9-4-7-9-7z"/>'
        '<circle cx="7.5" cy="11.5" r=".6"/><circle cx="9.5" cy="7.5" r=".6"/>'
        '<circle cx="14.5" cy="7.5" r=".6"/><circle cx="17" cy="11" r=".6"/>'
    ),
    "blog": '<path d="M4 20h4L19 9l-4-4L4 16zM13 7l4 4M13 20h7"/>',
    "news": (
        '<path d="M4 4h13v14a2 2 0 0 0 2 2H6a2 2 0 0 1-2-2zM17 9h3v9a2 2 0 0 1-2 2"/>'
        '<path d="M7 8h7M7 12h7M7 16h4"/>'
    ),
    "publications": (
        '<path d="M2 5h6a4 4 0 0 1 4 4v11a3 3 0 0 0-3-3H2z"/>'
        '<path d="M22 5h-6a4 4 0 0 0-4 4v11a3 3 0 0 1 3-3h7z"/>'
    ),
    "guides": (
        '<path d="M5 19V5a2 2 0 0 1 2-2h12v14H7a2 2 0 0 0-2 2 2 2 0 0 0 2 2h12v-4"/>'
        '<path d="M9 7h6"/>'
    ),
    "courses": (
        '<rect x="3" y="4" width="4" height="16" rx="1"/><rect x="8" y="4" width="4" height="16"'
        ' rx="1"/><path d="M14 5.5l3.9-1 4 15.4-3.9 1z"/>'
    ),
    "pages": _DOCUMENT,
    "section": _DOCUMENT,
    "links": (
        '<path d="M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1"/>'
        '<path d="M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1"/>'
    ),
    # People
    "team": (
        '<circle cx="9" cy="8" r="3.5"/><path d="M2 20a7 7 0 0 1 14 0"/>'
        '<path d="M16 4.5a3.5 3.5 0 0 1 0 7M18 13.5a7 7 0 0 1 4 6.5"/>'
    ),
    "speakers": _MICROPHONE,
    "talks": _MICROPHONE,
    "sponsors": _HANDSHAKE,
    "partners": _HANDSHAKE,
    "classes": (
        '<circle cx="12" cy="5" r="2"/><path d="M7 15l1-4 4-2 4 2 1 4"/>'
        '<path d="M4 18c2.5-2 5-3 8-3s5.5 1 8 3c-2.5 1.5-5 2-8 2s-5.5-.5-8-2z"/>'
    ),
    # Time
    "schedule": _CALENDAR + '<path d="M7 14h10M7 17h6"/>',
    "events": _CALENDAR + '<rect x="13" y="13" width="4" height="4" rx=".5"/>',
    "hours": _CIRCLE + '<path d="M12 7v5h4"/>',
    # Business
    "services": (
        '<path d="M14.5 3.5a5 5 0 0 0-5.2 6.7L3.5 16a2.1 2.1 0 0 0 3 3l5.8-5.8a5 5 0 0 0'
        ' 6.7-5.2l-3 3-3-1-1-3z"/>'
    ),
    "products": '<path d="M5 8h14l-1 13H6zM9 10V7a3 3 0 0 1 6 0v3"/>',
    "jobs": (
        '<rect x="3" y="7" width="18" height="13" rx="2"/>'
        '<path d="M9 7V5a1 1 0 0 1 1-1h4a1 1 0 0 1 1 1v2M3 13h18"/>'
    ),
    "plans": '<rect x="2" y="5" width="20" height="14" rx="2"/><path d="M2 10h20M6 15h4"/>',
    "offers": (
        '<rect x="3" y="8" width="18" height="4" rx="1"/>'
        '<path d="M5 12v9h14v-9M12 8v13M12 8C10 4 7 4 7 6s3 2 5 2zM12 8c2-4 5-4 5-2s-3 2-5 2z"/>'
    ),
    "reviews": '<path d="M21 12a8 8 0 0 1-11.5 7.2L4 20.5l1.3-4.8A8 8 0 1 1 21 12z"/>',
    "faq": _CIRCLE + '<path d="M9.5 9.5a2.5 2.5 0 1 1 3.5 2.3c-.7.3-1 .9-1 1.7v.5M12 17h.01"/>',
    "features": (
        '<path d="M11 3l1.8 5.2L18 10l-5.2 1.8L11 17l-1.8-5.2L4 10l5.2-1.8z"/>'
        '<path d="M19 15v4M17 17h4"/>'
    ),
    "experience": '<path d="M3 3v18h18M7 15l4-4 3 3 6-6M16 8h4v4"/>',
    "education": ('<path d="M2 9l10-5 10 5-10 5zM6 11v5c0 1.5 3 3 6 3s6-1.5 6-3v-5M22 9v6"/>'),
    "awards": (
        '<path d="M7 4h10v5a5 5 0 0 1-10 0zM7 6H4v1a3 3 0 0 0 3 3M17 6h3v1a3 3 0 0 1-3 3"/>'
        '<path d="M12 14v7M8 21h8"/>'
    ),
    "skills": (
        '<path d="M12 3a6 6 0 0 0-4 10.5c.7.7 1 1.5 1 2.5v1h6v-1c0-1 .3-1.8 1-2.5'
        'A6 6 0 0 0 12 3z"/>'
        '<path d="M9 20h6"/>'
    ),
    # Places and travel
    "locations": (
        '<path d="M12 21s-7-6.2-7-11a7 7 0 0 1 14 0c0 4.8-7 11-7 11z"/><circle cx="12" cy="10"'
        ' r="2.5"/>'
    ),
    "areas": '<path d="M3 6l6-3 6 3 6-3v15l-6 3-6-3-6 3zM9 3v15M15 6v15"/>',
    "destinations": (
        '<path d="M12 2c1 0 1.5 1 1.5 2.5V9l7.5 5v2l-7.5-2.5V18l2.5 2v1.5L12 20.5l-3.5 1V20'
        'l2.5-2v-4.5L3 16v-2l7.5-5V4.5C10.5 3 11 2 12 2z"/>'
    ),
    "pets": (
        '<circle cx="6.5" cy="10" r="1.8"/><circle cx="10" cy="6" r="1.8"/>'
        '<circle cx="14.5" cy="6" r="1.8"/><circle cx="18" cy="10" r="1.8"/>'
        '<path d="M7.5 17.5c0-3 2.2-5.5 4.7-5.5s4.6 2.5 4.6 5.5c0 1.7-1.3 2.5-2.6 2.5-1 0-1.3-.6'
        '-2-.6s-1.1.6-2.1.6c-1.3 0-2.6-.8-2.6-2.5z"/>'
    ),
    "vehicles": (
        '<path d="M5 17H3v-4.5l3-1L8 8h7l3 3.5 3 .5V17h-2M9 17h6M7 11.5h11"/>'
        '<circle cx="7" cy="17" r="2"/><circle cx="17" cy="17" r="2"/>'
    ),
    "compass": _CIRCLE + '<path d="M15.5 8.5l-2 5-5 2 2-5z"/>',
    # Media
    "gallery": (
        '<rect x="3" y="4" width="18" height="16" rx="2"/><circle cx="9" cy="10" r="2"/>'
        '<path d="M4 19l6-6 4 4 2-2 4 4"/>'
    ),
    "videos": (
        '<rect x="3" y="10" width="18" height="11" rx="1"/>'
        '<path d="M3 10l17-4.5-1-3.5L2 6.5zM7 5.4l2.5 3.1M12 4.1l2.5 3.1"/>'
    ),
    "podcast": (
        '<path d="M4 15v-3a8 8 0 0 1 16 0v3"/>'
        '<rect x="3" y="14" width="4" height="7" rx="1.5"/>'
        '<rect x="17" y="14" width="4" height="7" rx="1.5"/>'
    ),
    # Not collections
    "contact": (
        '<path d="M5 3h4l2 5-2.5 1.5a11 11 0 0 0 6 6L16 13l5 2v4a2 2 0 0 1-2 2A16 16 0 0 1 3 5'
        'a2 2 0 0 1 2-2z"/>'
    ),
    "about": _CIRCLE + '<path d="M12 11v5M12 8h.01"/>',
    "items": (
        '<path d="M3 6a1 1 0 0 1 1-1h5l2 2h9a1 1 0 0 1 1 1v11a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1z"/>'
    ),
}
# Kinds drawn as another kind is: a stay as a room, posts as the blog, code as a portfolio.
ICONS.update(
    stays=ICONS["rooms"],
    discussions=ICONS["blog"],
    repositories=ICONS["portfolio"],
    books=ICONS["courses"],
    tracks=ICONS["podcast"],
    shows=ICONS["podcast"],
    questions=ICONS["faq"],
    places=ICONS["locations"],
    campgrounds=ICONS["locations"],
    episodes=ICONS["videos"],
    help=ICONS["faq"],
    routes=ICONS["compass"],
    chargers=ICONS["locations"],
    films=ICONS["videos"],
    species=ICONS["gallery"],
    datasets=ICONS["publications"],
    hire=ICONS["agents"],
    campaigns=ICONS["offers"],
    animals=ICONS["pets"],
)
FALLBACK = "items"

# --------------------------------------------------------------------------
# From an intent's emoji to an icon

_VARIANTS = re.compile("[\ufe0e\ufe0f]")  # text/emoji presentation selectors


def _key(text: str) -> str:
    return _VARIANTS.sub("", text).strip()


def kinds() -> list[Kind]:
    """Every kind vocab defines: the collection table, then the intents that are not one."""
    from .model import vocab  # the model's names load with the first icon drawn

    table = list(vocab.KIND_BY_NAME.values())
    others = [value for value in vars(vocab).values() if isinstance(value, vocab.Kind)]
    return table + [kind for kind in others if kind not in table]


# Emoji an intent can carry that no kind owns (build.py's "more" and "everything").
EXTRA_EMOJI = {"🧭": "compass"}


@cache
def emoji_to_name() -> dict[str, str]:
    """Each emoji a kind (or EXTRA_EMOJI) carries, without variant selectors: its icon's name."""
    found: dict[str, str] = {}
    for kind in kinds():
        found.setdefault(_key(kind.emoji), kind.name if kind.name in ICONS else FALLBACK)
    for emoji, name in EXTRA_EMOJI.items():
        found.setdefault(_key(emoji), name)
    return found


def icon_name(emoji_or_name: str | None) -> str:
    """Map an intent's emoji (with or without U+FE0F) or a kind name to an icon name."""
    if not isinstance(emoji_or_name, str):
        return FALLBACK
    key = _key(emoji_or_name)
    named = emoji_to_name().get(key)
    if named is not None:
        return named
    return key.lower() if key.lower() in ICONS else FALLBACK


# --------------------------------------------------------------------------
# Markup

# Characters XML forbids (C0 controls but tab/newline/return, surrogates, U+FFFE/F).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def svg(
    emoji_or_name: str | None,
    label: str | None = None,
    size: int = 24,
    css_class: str = "icon",
) -> Markup:
    """Return an inline ``<svg>`` for an intent's icon.

    With a label (plain text, escaped here) the icon is an image named by it
    (``role="img"``, ``aria-label`` and ``<title>``); without one it is decorative
    and hidden from assistive technology.
    """
    size = max(1, min(int(size), 512))
    name = icon_name(emoji_or_name)
    text = " ".join(_NOT_XML.sub("", str(label)).split())[:200] if label is not None else ""
    attrs = (
        # No xmlns: inline SVG in HTML needs none (and pages name no URL but content's).
        f'viewBox="0 0 24 24" width="{size}" height="{size}"'
        f' class="{escape(str(css_class))}" data-icon="{name}" fill="none" stroke="currentColor"'
        ' stroke-width="2" stroke-linecap="round" stroke-linejoin="round"'
    )
    if text:
        label_text = escape(text)
        head = f'<svg {attrs} role="img" aria-label="{label_text}"><title>{label_text}</title>'
    else:
        head = f'<svg {attrs} aria-hidden="true" focusable="false">'
    # Safe: the glyphs are constants above; the label and class are escaped.
    return Markup(head + ICONS[name] + "</svg>")  # noqa: S704


def register(env) -> None:
    """Make ``icon(...)`` available to a Jinja environment (the generated pages' own)."""
    env.globals["icon"] = svg


def init_app(app) -> None:
    """Make ``icon(...)`` available to the app's templates."""
    app.add_template_global(svg, "icon")
