"""Bundled demo sites: realistic content of three different shapes, to try the app offline."""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent

# Name -> label shown in the connect form, in the order they are offered.
DEMOS: dict[str, str] = {
    "restaurant": "Restaurant (SleekCMS-style)",
    "real-estate": "Real estate agency",
    "portfolio": "Personal portfolio",
}


def load_demo(name: str) -> bytes:
    """Return the raw JSON bytes of a bundled demo; an unknown name raises KeyError."""
    # Only names from DEMOS reach the file system, so no path can be smuggled in.
    if name not in DEMOS:
        raise KeyError(name)
    return (_HERE / f"{name}.json").read_bytes()
