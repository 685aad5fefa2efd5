"""Print the size of every AI prompt for the bundled demos (no network, no key needed).

For each demo: the characters of the intents call (system prompt, user message, tool
schema) and of each intent page's call, with tokens estimated at 4 characters each, so
that an operator can judge what AI planning costs (docs/ai.md).

    .venv/bin/python bench/prompt_sizes.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from webapp.ai import intents as intent_plans  # noqa: E402
from webapp.ai import pages as page_plans  # noqa: E402
from webapp.content.model.build import build_site  # noqa: E402
from webapp.content.model.layout import MODEL_FIELD, chunk_field, data_field, decode  # noqa: E402
from webapp.content.parse import parse_content  # noqa: E402
from webapp.demos import DEMOS, load_demo  # noqa: E402


def size(system: str, prompt: str, tool: dict) -> tuple[int, int, int]:
    return len(system), len(prompt), len(json.dumps(tool, separators=(",", ":")))


def main() -> None:
    print(f"prompt versions: {intent_plans.PROMPT_VERSION}, {page_plans.PROMPT_VERSION}")
    print(
        "| demo | document | intents call: system + user + tool = total (≈ tokens) "
        "| intent pages | one page, characters | all pages (≈ tokens) |"
    )
    print("|---|---:|---|---:|---:|---:|")
    for name in DEMOS:
        raw = load_demo(name)
        built = build_site(parse_content(raw))
        site_name = built.meta.get("site_name", "")
        system, user, tool = size(
            intent_plans.SYSTEM,
            intent_plans.prompt(site_name, intent_plans.summarise(built.intents, built.fields)),
            intent_plans.TOOL,
        )
        views = (decode(built.fields[MODEL_FIELD]) or {}).get("views", {})
        pages = []
        for intent in built.intents:
            view = views.get(intent["id"], {})
            collection = view.get("role") == "collection"
            records = decode(built.fields.get(chunk_field(intent["id"], 1), b"[]"))
            data = decode(built.fields.get(data_field(intent["id"]), b"null"))
            summary = page_plans.summarise(
                intent, view, records if collection else None, data, built.intents
            )
            pages.append(
                sum(size(page_plans.SYSTEM, page_plans.prompt(site_name, summary), page_plans.TOOL))
            )
        total = system + user + tool
        print(
            f"| {name} | {len(raw):,} | {system:,} + {user:,} + {tool:,} = {total:,} "
            f"(≈ {total // 4:,}) | {len(pages)} | {min(pages):,}–{max(pages):,} "
            f"| {sum(pages):,} (≈ {sum(pages) // 4:,}) |"
        )


if __name__ == "__main__":
    main()
