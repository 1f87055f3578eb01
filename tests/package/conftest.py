"""Fixtures for the package tests."""

import zlib

import numpy as np
import pytest


@pytest.fixture
def rng(request) -> np.random.Generator:
    """A generator seeded from the test's name: reproducible, but different per test."""
    return np.random.default_rng(zlib.crc32(request.node.nodeid.encode()))
