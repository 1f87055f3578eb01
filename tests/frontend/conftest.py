"""The front-end unit tests: a line per node test file at the end of the pytest report."""

from __future__ import annotations

SUMMARY: list[str] = []  # filled by test_node_units.py


def pytest_terminal_summary(terminalreporter):
    if SUMMARY:
        terminalreporter.section("front-end JavaScript under node --test")
        for line in SUMMARY:
            terminalreporter.write_line(line)
