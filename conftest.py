"""Root pytest configuration: the package's docstring examples are tests too.

Every ``>>>`` example in the docstrings of ``infotheory/*.py`` runs with Sybil (one
namespace per module, exact output; ``# doctest: +NUMBER`` opts in to comparing floats
only to the digits written). The examples in the Markdown of the site are collected
by tests/docs/test_examples.py.
"""

from sybil import Sybil
from sybil.parsers.rest import DocTestParser

pytest_collect_file = Sybil(
    parsers=[DocTestParser()],
    path="infotheory",
    patterns=["*.py"],
    name="docstrings",
).pytest()
