"""The content model: one reading of a site's content that intents and pages share.

A connected document goes through the stages once, in the order of ``STAGES``;
``build.build_site`` calls them in turn. Each stage imports only earlier stages and the
shared foundations (``vocab``: the names the model knows; ``values``: typed values;
``layout``: where the built model lives in the session hash), never a later stage
(``tests/test_model_stages.py`` reads the imports):

* ``webapp.content.parse``: the bytes as JSON (bounded depth and size);
* ``unwrap``: platform shapes (Contentful, Sanity, JSON-LD, Ghost, Strapi, WordPress…)
  and envelopes read as plain records;
* ``normalise``: one record as typed fields a person reads (an ordered table of rules);
* ``classify``: what a document holds (collections, sections, contact, about);
* ``name``: what each collection is called (intent titles, descriptions, ids);
* ``site``: the site's name, hero and theme;
* ``build``: the model built at connect and laid out in hash fields for bounded reads.

Rendering (``webapp.content.render``) reads only the model.

Nothing is imported with the package: a process that only reads stored pages never
loads the heuristics (a cold start pays for what its first request uses).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__all__ = ["Built", "build_site", "build_views"]

# The stages of reading a document, in order (module names under ``webapp.content``).
STAGES = (
    "parse",
    "model.unwrap",
    "model.normalise",
    "model.classify",
    "model.name",
    "model.site",
    "model.build",
)
# What any stage may import: shared words, values and layout, not heuristics.
FOUNDATIONS = ("text", "paths", "urls", "colors", "model.vocab", "model.values", "model.layout")


def __getattr__(name: str) -> Any:
    """Load ``build`` when one of its names is first asked of the package (PEP 562)."""
    if name in __all__:
        return getattr(import_module(".build", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
