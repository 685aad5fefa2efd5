"""One call to Claude that must answer with a tool's input, within a time budget.

The official ``anthropic`` SDK does the protocol; this module bounds it: the SDK's own
retries are off (its default would wait and retry for minutes), one retry on 429 or 5xx
is made only if it fits the budget (``retry-after`` included), and every failure
becomes a sentence for a person and a reason for the log, never an exception.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

# A retry needs at least this much budget left after waiting, or it is not tried.
MIN_CALL_SECONDS = 0.5
# The wait before a retry when the service does not say (a 5xx usually does not).
DEFAULT_RETRY_AFTER = 0.5


@dataclass
class ToolAnswer:
    """What one planning call gave: the tool's input, or why there is none."""

    plan: dict | None
    usage: dict[str, int] = field(default_factory=dict)  # input_tokens, output_tokens
    failure: str | None = None  # for a person: "the AI service did not answer in 15 s"


def _retry_after(error) -> float:
    """Seconds the service asks to wait (``retry-after-ms``, ``retry-after``), else 0.5."""
    headers = error.response.headers
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        try:
            return max(0.0, float(headers.get(name, "")) * scale)
        except ValueError:
            continue
    return DEFAULT_RETRY_AFTER


class Claude:
    """The Messages API through the SDK, with a budget per planning step."""

    def __init__(self, *, api_key: str, model: str, base_url: str | None, budget: float):
        # Imported here, not with the app: the SDK takes a second to import, and every
        # process (each gunicorn worker, each CLI run) would pay it with AI off.
        import anthropic

        self.sdk = anthropic
        self.model = model
        self.budget = budget
        # No SDK retries: they would not respect the budget (see the module docstring).
        self.client = anthropic.Anthropic(
            api_key=api_key, base_url=base_url or None, max_retries=0, timeout=budget
        )

    def use_tool(
        self, *, system: str, prompt: str, tool: dict, max_tokens: int, budget: float
    ) -> ToolAnswer:
        """Ask for ``tool``'s input; wait at most ``budget`` seconds in all."""
        sdk = self.sdk
        started = time.monotonic()
        deadline = started + min(budget, self.budget)
        usage: dict[str, int] = {}
        for attempt in (1, 2):
            left = deadline - time.monotonic()
            if left <= 0.05:
                break
            try:
                message = self.client.messages.create(
                    model=self.model,
                    max_tokens=max_tokens,
                    system=system,
                    messages=[{"role": "user", "content": prompt}],
                    tools=[tool],
                    tool_choice={"type": "tool", "name": tool["name"]},
                    timeout=left,
                )
            except sdk.APITimeoutError:
                break
            except sdk.APIConnectionError as error:
                log.warning("AI call failed: cannot reach the service (%s)", error)
                return ToolAnswer(None, usage, "the AI service could not be reached")
            except sdk.APIStatusError as error:
                status = error.status_code
                retryable = status == 429 or status >= 500
                wait = _retry_after(error)
                log.warning("AI call failed: HTTP %s (attempt %d)", status, attempt)
                fits = time.monotonic() + wait + MIN_CALL_SECONDS <= deadline
                if retryable and attempt == 1 and fits:
                    time.sleep(wait)
                    continue
                if status in (401, 403):
                    return ToolAnswer(
                        None, usage, f"the AI service refused the key (HTTP {status})"
                    )
                return ToolAnswer(None, usage, f"the AI service answered HTTP {status}")
            except (sdk.AnthropicError, ValueError) as error:
                # An answer the SDK could not read (not JSON, not a message).
                log.warning("AI call failed: unreadable answer (%s)", error)
                return ToolAnswer(None, usage, "the AI service's answer could not be read")
            usage = _usage(message)
            block = next(
                (b for b in message.content or [] if getattr(b, "type", "") == "tool_use"),
                None,
            )
            if block is None or block.name != tool["name"] or not isinstance(block.input, dict):
                log.warning("AI call answered without the %s tool", tool["name"])
                return ToolAnswer(None, usage, "the AI service answered without a plan")
            return ToolAnswer(block.input, usage)
        spent = time.monotonic() - started
        log.warning("AI call gave up after %.1f s (budget %.1f s)", spent, min(budget, self.budget))
        return ToolAnswer(
            None, usage, f"the AI service did not answer in {min(budget, self.budget):g} s"
        )

    def ping(self) -> str | None:
        """Make one tiny real call; return None when the key works, else why not."""
        tool = {
            "name": "ok",
            "description": "Say that you are there.",
            "input_schema": {"type": "object", "properties": {"ok": {"type": "boolean"}}},
        }
        answer = self.use_tool(
            system="Answer with the tool.", prompt="Are you there?", tool=tool, max_tokens=16,
            budget=self.budget,
        )  # fmt: skip
        return answer.failure


def key_problem(settings: dict) -> str | None:
    """Whether the configured key works: one tiny real call (None: it works).

    For ``flask doctor --ai`` and for gunicorn's start with ``AI_REQUIRED=1``.
    """
    if not settings.get("ANTHROPIC_API_KEY"):
        return "ANTHROPIC_API_KEY is not set"
    claude = Claude(
        api_key=settings["ANTHROPIC_API_KEY"],
        model=settings["ANTHROPIC_MODEL"],
        base_url=settings.get("ANTHROPIC_BASE_URL"),
        budget=settings["AI_BUDGET_SECONDS"],
    )
    return claude.ping()


def _usage(message) -> dict[str, int]:
    usage = getattr(message, "usage", None)
    found = {}
    for name in ("input_tokens", "output_tokens"):
        value = getattr(usage, name, None)
        if isinstance(value, int) and value >= 0:
            found[name] = value
    return found
