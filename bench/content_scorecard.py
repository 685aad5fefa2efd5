"""Score the content model on every fixture, as a person would, and print the scorecard.

For each document in ``tests/fixtures/content/`` the HTTP flow runs (connect →
home → generate → listing → detail, Flask's test client on the memory backend)
and what a person sees is compared with the fixture's ``.expect.json``: the
intents they would pick, and the card and detail fields they expect.

Run: ``.venv/bin/python bench/content_scorecard.py`` (prints the Markdown table);
``--write`` replaces the table in ``docs/content-model.md``.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from content_expectations import fixture_names, load, run  # noqa: E402
from harness import NO_CLIENT_LIMITS  # noqa: E402

from webapp import create_app  # noqa: E402

DOC = ROOT / "docs" / "content-model.md"
START, END = "<!-- scorecard:start -->", "<!-- scorecard:end -->"


def scorecard() -> str:
    """The scorecard as a Markdown table (deterministic: same code, same table)."""
    logging.getLogger("webapp.storage").setLevel(logging.ERROR)
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "scorecard",
            "STORAGE_BACKEND": "memory",
            **NO_CLIENT_LIMITS,
        }
    )
    lines = [
        "| fixture | source | intents expected / found | fields right / wrong | intents offered |",
        "|---|---|---:|---:|---|",
    ]
    totals = [0, 0, 0, 0]
    for name in fixture_names():
        report = run(app.test_client(), name)
        _document, expected = load(name)
        source = expected["source"].split(" GET ")[0].split(":")[0].split("(")[0].strip()
        lines.append(
            f"| `{name}` | {source} | {report.intents_expected} / {report.intents_found} "
            f"| {report.fields_right} / {report.fields_wrong} "
            f"| {', '.join(report.found_titles)} |"
        )
        totals[0] += report.intents_expected
        totals[1] += report.intents_found
        totals[2] += report.fields_right
        totals[3] += report.fields_wrong
    lines.append(
        f"| **all {len(fixture_names())}** | | **{totals[0]} / {totals[1]}** "
        f"| **{totals[2]} / {totals[3]}** | |"
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help=f"update the table in {DOC.name}")
    args = parser.parse_args()
    table = scorecard()
    if not args.write:
        print(table)
        return
    text = DOC.read_text(encoding="utf-8")
    before, rest = text.split(START, 1)
    _old, after = rest.split(END, 1)
    DOC.write_text(f"{before}{START}\n{table}\n{END}{after}", encoding="utf-8")
    print(f"updated {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
