"""Optional AI planning with Claude: off unless ``ANTHROPIC_API_KEY`` is set.

With AI off nothing here runs and every page is exactly what the rules make. With it on,
connecting a site asks Claude once to plan its intents (``intents.py``) within
``AI_BUDGET_SECONDS``; whatever fails (time, HTTP errors, an answer that is not a valid
plan) leaves the rules' result for that step, with a note the home shows and a log line.
What was planned, by which model and prompt version, and the tokens used, are kept in the
site session's own hash (field ``ai``), deleted with it.

Built so far: intents at connect. Page and detail plans are not built yet (see README).
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass

from flask import Flask, current_app

from .. import defaults
from ..storage.base import AI_FIELD

__all__ = [
    "AI_FIELD",
    "PlannedIntents",
    "encode_record",
    "get_claude",
    "plan_intents",
    "read_record",
]
from . import intents as intent_plans
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
    record = {
        "model": claude.model,
        "prompt": intent_plans.PROMPT_VERSION,
        "step": "intents",
    }
    left = defaults.AI_REQUEST_DEADLINE_SECONDS - (time.monotonic() - started)
    budget = min(claude.budget, left)
    slots = current_app.extensions["fetch_slots"]
    if budget < 1:
        answer = ToolAnswer(None, failure="there was no time left after reading the content")
    elif not slots.acquire(blocking=False):
        answer = ToolAnswer(None, failure="the app was busy with other sites")
    else:
        try:
            summary = intent_plans.summarise(rule_intents, fields)
            answer = claude.use_tool(
                system=intent_plans.SYSTEM,
                prompt=intent_plans.prompt(site_name, summary),
                tool=intent_plans.TOOL,
                max_tokens=2000,
                budget=budget,
            )
        except Exception as error:  # noqa: BLE001 - a plan is optional: never a 500
            log.exception("AI planning failed")
            answer = ToolAnswer(None, failure=f"planning failed ({type(error).__name__})")
        finally:
            slots.release()
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
    if not isinstance(record, dict):
        return None
    usage = record.get("usage")
    usage = usage if isinstance(usage, dict) else {}
    record["tokens"] = sum(v for v in usage.values() if isinstance(v, int) and v >= 0)
    return record
