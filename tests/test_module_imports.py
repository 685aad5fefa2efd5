"""One path for making a page: the views, the JSON API and the export import the
page-making module, which imports none of them (read from the modules' own imports)."""

from __future__ import annotations

import ast
from pathlib import Path

WEBAPP = Path(__file__).resolve().parent.parent / "webapp"


def imported(module: str) -> set[str]:
    """The webapp modules a module imports (``from .x import``, ``from . import x``)."""
    tree = ast.parse((WEBAPP / f"{module}.py").read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                names.add(node.module.split(".")[0])
            else:
                names.update(alias.name for alias in node.names)
    return names


def test_the_views_the_api_and_the_export_make_pages_on_one_path():
    for user in ("pages", "api", "export"):
        assert "page_making" in imported(user), user


def test_the_page_making_module_imports_none_of_its_users():
    assert not imported("page_making") & {"pages", "api", "export", "sites", "errors"}
    assert not imported("export") & {"pages", "api", "sites"}


def test_the_views_module_is_the_views():
    assert len((WEBAPP / "pages.py").read_text().splitlines()) <= 500
