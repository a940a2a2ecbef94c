"""Fixtures of the security suites, and the isolation matrix printed at the end of the run."""

import pytest

from tests.security import helpers
from tests.security.world import World, build_world


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def ws_world(transactional_db) -> World:
    """For WebSocket tests: consumers read the database from other threads, so rows must be committed."""
    return build_world()


def pytest_terminal_summary(terminalreporter):
    for line in helpers.summary_lines():
        terminalreporter.write_line(line)
