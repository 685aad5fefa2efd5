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

Rendering (``webapp.content.render``) reads only the model.
"""

from .build import Built, build_site, build_views

__all__ = ["Built", "build_site", "build_views"]
