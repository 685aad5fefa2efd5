"""Content logic: pure functions of site JSON in, data or HTML out (no Flask)."""
