"""Score the content model on every fixture, as a person would, and print the scorecard.

For each document in ``tests/fixtures/content/`` the HTTP flow runs (connect →
home → generate → listing → detail, Flask's test client on the memory backend)
and what a person sees is compared with the fixture's ``.expect.json``: the
intents they would pick, and the card and detail fields they expect.

Run: ``.venv/bin/python bench/content_scorecard.py`` (prints the Markdown table);
``--write`` replaces the table in ``docs/content-model.md``.

Blind sets (``tests/fixtures/content/batch-N/``, written from ``BLIND.md``): ``--set
batch-N`` scores first-screen facts (each intent's name; each expected card's title and
its image, price and date) and, per document, ids as titles, wrong-domain intents and
empty listings. ``--at <commit>`` scores the app of that commit (a git worktree of it,
removed afterwards) with this checkout's fixtures and scoring: a batch's first try is
``--set batch-N --at <the commit before the change it led to>``.
"""

from __future__ import annotations

import argparse
import logging
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# ``--app-root`` (a worktree, see --at) must come first on the path for ``webapp``.
_APP_ROOT = sys.argv[sys.argv.index("--app-root") + 1] if "--app-root" in sys.argv else ROOT
sys.path[:0] = [str(_APP_ROOT), str(ROOT / "tests")]

from content_expectations import FIXTURES, fixture_names, load, run  # noqa: E402
from harness import NO_CLIENT_LIMITS  # noqa: E402

from webapp import create_app  # noqa: E402

DOC = ROOT / "docs" / "content-model.md"
START, END = "<!-- scorecard:start -->", "<!-- scorecard:end -->"


def scoring_app():
    """The app on the memory backend, as the scorecard drives it."""
    logging.getLogger("webapp.storage").setLevel(logging.ERROR)
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "scorecard",
            "STORAGE_BACKEND": "memory",
            **NO_CLIENT_LIMITS,
        }
    )


def scorecard() -> str:
    """The scorecard as a Markdown table (deterministic: same code, same table)."""
    app = scoring_app()
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


def blind_scorecard(folder: Path) -> str:
    """A blind set's first-screen scorecard as a Markdown table."""
    app = scoring_app()
    lines = [
        "| fixture | intents expected / found | first-screen facts | card facts under another "
        "name | id titles, wrong-domain intents, empty listings | intents offered |",
        "|---|---:|---:|---:|---|---|",
    ]
    met = expected = clean = elsewhere = 0
    names = fixture_names(folder)
    for name in names:
        report = run(app.test_client(), name, folder)
        met, expected = met + report.facts_met, expected + report.facts_expected
        clean += report.clean
        elsewhere += report.facts_elsewhere
        flaws = [
            *report.id_titles,
            *report.wrong_domain,
            *(f"empty: {e}" for e in report.empty_listings),
        ]
        lines.append(
            f"| `{name}` | {report.intents_expected} / {report.intents_found} "
            f"| {report.facts_met} / {report.facts_expected} | {report.facts_elsewhere} "
            f"| {'; '.join(flaws)[:300] or 'none'} | {', '.join(report.found_titles)} |"
        )
    share = met / expected if expected else 0
    either = (met + elsewhere) / expected if expected else 0
    lines.append(
        f"| **all {len(names)}** | | **{met} / {expected} ({share:.0%})** "
        f"| **{elsewhere}** ({met + elsewhere} / {expected}, {either:.0%}, with them) "
        f"| **{clean} of {len(names)} clean** | |"
    )
    return "\n".join(lines)


def score_at(commit: str, argv: list[str]) -> None:
    """Run this scorecard on the app of ``commit`` (a temporary worktree)."""
    with tempfile.TemporaryDirectory() as workdir:
        tree = Path(workdir) / "tree"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "-q", "--detach", str(tree), commit],
            check=True,
        )
        try:
            subprocess.run([sys.executable, __file__, *argv, "--app-root", str(tree)], check=True)
        finally:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=True
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help=f"update the table in {DOC.name}")
    parser.add_argument("--set", help="a blind set: a folder of tests/fixtures/content/")
    parser.add_argument("--at", help="score the app of this commit (a worktree)")
    parser.add_argument("--app-root", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.at:
        score_at(args.at, ["--set", args.set] if args.set else [])
        return
    if args.set:
        print(blind_scorecard(FIXTURES / args.set))
        return
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
