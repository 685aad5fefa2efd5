"""One pass through the content model (issue 19): each stage imports only earlier
stages and the shared foundations, read from the modules' own imports (function-level
imports included), so that a document never goes back and forth between stages."""

from __future__ import annotations

import ast
from pathlib import Path

from webapp.content.model import FOUNDATIONS, STAGES

CONTENT = Path(__file__).resolve().parent.parent / "webapp" / "content"


def content_imports(module: str) -> set[str]:
    """The ``webapp.content`` modules that ``module`` (dotted, under it) imports."""
    path = CONTENT / (module.replace(".", "/") + ".py")
    package = module.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.ImportFrom) or node.level == 0:
            continue
        base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
        if node.level - 1 > len(package):
            continue  # above webapp.content (webapp.defaults, webapp.storage)
        target = [*base, *(node.module.split(".") if node.module else [])]
        if node.module:
            found.add(".".join(target))
        else:
            found.update(".".join([*target, alias.name]) for alias in node.names)
    return found


def test_every_stage_imports_only_earlier_stages_and_foundations():
    for position, stage in enumerate(STAGES):
        allowed = set(STAGES[:position]) | set(FOUNDATIONS)
        later = content_imports(stage) - allowed
        assert not later, f"{stage} imports {sorted(later)}"


def test_foundations_import_no_stage():
    for module in FOUNDATIONS:
        assert not content_imports(module) & set(STAGES), module


def test_the_reader_reads_the_imports():
    # The check itself can fail: build imports the stages before it.
    assert {"model.classify", "model.normalise", "model.unwrap"} <= content_imports("model.build")
    assert "model.vocab" in content_imports("model.normalise")
