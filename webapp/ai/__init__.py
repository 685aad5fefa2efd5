"""Optional AI planning with Claude: off unless ``ANTHROPIC_API_KEY`` is set.

With AI off nothing here runs and every page is exactly what the rules make. With it on,
connecting a site asks Claude once to plan its intents (``intents.py``) within
``AI_BUDGET_SECONDS``; whatever fails (time, HTTP errors, an answer that is not a valid
plan) leaves the rules' result for that step, with a note the home shows and a log line.
What was planned, by which model and prompt version, and the tokens used, are kept in the
site session's own hash (field ``ai``), deleted with it.

Intents are planned at connect; each intent page's plan (its copy, what its cards show,
their order, sections and layout, and the detail plan of its items' kind) when it is
generated (``pages.py``), kept in the session and reused when the page is made again,
by its later listing pages and by every detail page of its items.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass

from flask import Flask, current_app, request

from .. import slots
from ..storage.base import AI_FIELD, PLAN_FIELD_PREFIX

__all__ = [
    "AI_FIELD",
    "PlannedIntents",
    "encode_record",
    "get_claude",
    "page_field",
    "plan_intents",
    "plan_page",
    "read_record",
    "tokens_used",
]
from .provider import Claude, ToolAnswer

log = logging.getLogger(__name__)


@dataclass
class PlannedIntents:
    """The intents to store, and the record of how they were planned."""

    intents: list[dict]
    record: dict


def init_app(app: Flask) -> None:
    """Make the Claude client when a key is set (the SDK is only used then)."""
    key = app.config.get("ANTHROPIC_API_KEY")
    app.extensions["ai"] = (
        Claude(
            api_key=key,
            model=app.config["ANTHROPIC_MODEL"],
            base_url=app.config.get("ANTHROPIC_BASE_URL"),
            budget=app.config["AI_BUDGET_SECONDS"],
        )
        if key
        else None
    )


def get_claude() -> Claude | None:
    """The app's Claude client, or None when AI is off."""
    return current_app.extensions.get("ai")


def plan_intents(
    rule_intents: list[dict], fields: dict[str, bytes], site_name: str, started: float
) -> PlannedIntents | None:
    """Ask Claude to plan the intents (None when AI is off); never raises.

    ``started`` is when the request began (``time.monotonic()``): the call never runs
    past ``AI_REQUEST_DEADLINE_SECONDS`` after it, so a slow content fetch before it
    cannot push the request into gunicorn's worker timeout.
    """
    claude = get_claude()
    if claude is None:
        return None
    from . import intents as intent_plans  # the prompts load only with AI on

    record = {
        "model": claude.model,
        "prompt": intent_plans.PROMPT_VERSION,
        "step": "intents",
    }
    left = current_app.config["AI_REQUEST_DEADLINE_SECONDS"] - (time.monotonic() - started)
    budget = min(claude.budget, left)
    answer = _ask(
        claude,
        budget,
        lambda: (
            intent_plans.SYSTEM,
            intent_plans.prompt(site_name, intent_plans.summarise(rule_intents, fields)),
            intent_plans.TOOL,
        ),
        max_tokens=2000,
    )
    record["usage"] = answer.usage
    if answer.plan is None:
        record.update(planned_by="rules", note=answer.failure or "no plan")
        log.warning("Intents planned by rules: %s", record["note"])
        return PlannedIntents([dict(i) for i in rule_intents], record)
    planned, dropped = intent_plans.apply(rule_intents, answer.plan)
    record.update(planned_by="claude", dropped=dropped[:20])
    if dropped:
        log.info("AI intent plan: kept the rules' values for %s", "; ".join(dropped[:5]))
    return PlannedIntents(planned, record)


def _ask(claude: Claude, budget: float, make_prompt, max_tokens: int) -> ToolAnswer:
    """One bounded call, in one of the process's connect slots (kept for the rest of the
    request, see ``webapp.slots``); never raises."""
    if budget < 1:
        return ToolAnswer(None, failure="there was no time left in this request")
    if not slots.take(current_app.extensions["slots"], "connect", request.environ):
        return ToolAnswer(None, failure="the app was busy with other sites")
    try:
        system, prompt, tool = make_prompt()
        return claude.use_tool(
            system=system, prompt=prompt, tool=tool, max_tokens=max_tokens, budget=budget
        )
    except Exception as error:  # noqa: BLE001 - a plan is optional: never a 500
        log.exception("AI planning failed")
        return ToolAnswer(None, failure=f"planning failed ({type(error).__name__})")


def page_field(intent_id: str) -> str:
    """The session hash field holding an intent page's plan."""
    return PLAN_FIELD_PREFIX + intent_id


@dataclass
class PagePlan:
    """What an intent page is rendered with, and the session fields to write."""

    plan: dict  # for the renderer: headline, intro, cta_label, cta_intent, note
    fields: dict[str, bytes]


def plan_page(
    *,
    site_name: str,
    intent: dict,
    view: dict,
    records: list | None,
    data,
    intents: list[dict],
    stored: bytes | None,
    record: bytes | None,
    deadline: float,
) -> PagePlan | None:
    """Plan an intent page's copy (None when AI is off); a stored plan is reused for free.

    ``stored`` is the page's plan field as read, ``record`` the session's AI record (its
    token count grows with each call); ``deadline`` (``time.monotonic()``) bounds the call.
    """
    claude = get_claude()
    if claude is None:
        return None
    from . import pages as page_plans

    kept = read_record(stored)
    if (
        kept
        and kept.get("prompt") == page_plans.PROMPT_VERSION
        and kept.get("model") == claude.model
        and kept.get("planned_by") == "claude"
        and isinstance(kept.get("plan"), dict)
    ):
        return PagePlan(kept["plan"], {})
    summary = page_plans.summarise(intent, view, records, data, intents)
    answer = _ask(
        claude,
        min(claude.budget, deadline - time.monotonic()),
        lambda: (page_plans.SYSTEM, page_plans.prompt(site_name, summary), page_plans.TOOL),
        max_tokens=1000,
    )
    totals = read_record(record) or {"model": claude.model}
    usage = totals.get("usage") if isinstance(totals.get("usage"), dict) else {}
    totals["usage"] = {
        name: int(usage.get(name, 0) or 0) + answer.usage.get(name, 0)
        for name in ("input_tokens", "output_tokens")
    }
    entry = {"prompt": page_plans.PROMPT_VERSION, "model": claude.model, "usage": answer.usage}
    if answer.plan is None:
        entry.update(planned_by="rules", note=answer.failure)
        log.warning("Page %s planned by rules: %s", intent["id"], answer.failure)
        plan = {"note": f"Planned by rules: {answer.failure}."}
    else:
        plan, dropped = page_plans.apply(
            answer.plan, intent["id"], intents, summary.get("fields", [])
        )
        entry.update(planned_by="claude", plan=plan, dropped=dropped[:10])
    fields = {page_field(intent["id"]): encode_record(entry), AI_FIELD: encode_record(totals)}
    return PagePlan(plan, fields)


def encode_record(record: dict) -> bytes:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode()


def read_record(raw: bytes | str | None) -> dict | None:
    """The stored AI record of a session, or None (AI was off, or it is unreadable)."""
    if not raw:
        return None
    try:
        record = json.loads(raw)
    except ValueError:
        return None
    return record if isinstance(record, dict) else None


def tokens_used(record: dict | None) -> int:
    """The tokens a record says were used (input and output), whatever else it holds."""
    usage = (record or {}).get("usage")
    usage = usage if isinstance(usage, dict) else {}
    return sum(v for v in usage.values() if isinstance(v, int) and v >= 0)
