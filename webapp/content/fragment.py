"""A generated page as a fragment for another app's ``<main>`` (the JSON API's pages).

The stored page is a whole document; the fragment is its body, in a wrapper
(``<div class="sp-page">``) with the page's own stylesheet scoped to it (every
rule prefixed with the wrapper), no ``<main>`` of its own, and its links to other
pages (file names, see ``render.FileLinks``) turned into the hash routes of a
single-page frontend: ``#<intent>``, ``#<intent>-page-<n>``, ``#<intent>-detail-<item>``.
Pure functions.
"""

from __future__ import annotations

import re

from .page_files import FILE_LINK, HOME_FILE, page_file, with_file_links

WRAPPER = "sp-page"
# From the first <style> and the first <body only (atomic groups, \A): when no end follows
# the first, none follows a later one, and retrying from each made "<style><style>…" quadratic.
_STYLE = re.compile(r"\A(?>.*?<style>)(.*?)</style>", re.S)
_BODY = re.compile(r"\A(?>.*?<body)[^>]*>(.*)</body>", re.S)
_MAIN = re.compile(r"<(/?)main\b")
_WHOLE_PAGE = (":root", "html", "body")


def hash_route(page_id: str) -> str:
    """The frontend's route for a page a stored page links to (the site's home: ``#``)."""
    return "#" if page_file(page_id) == HOME_FILE else f"#{page_id}"


def _scope_selector(selector: str) -> str:
    selector = selector.strip()
    if selector in _WHOLE_PAGE:
        return f".{WRAPPER}"
    return f".{WRAPPER} {selector}"


def scope_css(css: str) -> str:
    """Prefix every rule of a stylesheet with the wrapper (``@media`` blocks included)."""
    out = []
    position = 0
    while True:
        opening = css.find("{", position)
        if opening < 0:
            break
        head = css[position:opening].strip()
        if head.startswith("@"):
            depth, end = 1, opening + 1
            while depth and end < len(css):
                depth += {"{": 1, "}": -1}.get(css[end], 0)
                end += 1
            out.append(f"{head}{{{scope_css(css[opening + 1 : end - 1])}}}")
            position = end
        else:
            closing = css.find("}", opening)
            closing = len(css) - 1 if closing < 0 else closing
            selectors = ",".join(_scope_selector(s) for s in head.split(","))
            out.append(f"{selectors}{css[opening : closing + 1]}")
            position = closing + 1
    return "".join(out)


def to_fragment(html: str) -> str:
    """A stored generated page as a fragment for a frontend's ``<main>``."""
    html = with_file_links(html)
    style = _STYLE.search(html)
    body = _BODY.search(html)
    inner = body.group(1) if body else html
    inner = _MAIN.sub(r"<\1div", inner)
    inner = FILE_LINK.sub(lambda m: f'{m[1]}{hash_route(m[2])}"', inner)
    css = scope_css(style.group(1)) if style else ""
    return f'<div class="{WRAPPER}"><style>{css}</style>{inner}</div>'
