"""The content model: one reading of a site's content that intents and pages share.

Split by concern, one set of heuristics:

* ``vocab``: the names the model knows (kinds of collections, roles of fields);
* ``unwrap``: platform shapes (Contentful, Sanity, JSON-LD, Ghost, Strapi,
  WordPress…) read as plain records;
* ``classify``: what a document holds (collections, sections, contact, about);
* ``name``: what each collection is called (intent titles, descriptions, ids);
* ``normalise`` and ``values``: one record as typed fields a person reads;
* ``site``: the site's name, hero and theme;
* ``build``: the model built at connect and laid out in hash fields for
  bounded reads.

* ``layout``: where the built model lives in the session hash (what reading it needs).

Rendering (``webapp.content.render``) reads only the model.

Nothing is imported with the package: a process that only reads stored pages never
loads the heuristics (a cold start pays for what its first request uses).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__all__ = ["Built", "build_site", "build_views"]


def __getattr__(name: str) -> Any:
    """Load ``build`` when one of its names is first asked of the package (PEP 562)."""
    if name in __all__:
        return getattr(import_module(".build", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
