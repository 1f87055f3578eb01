"""The API reference lists every exported name once, under its module, in both languages."""

from __future__ import annotations

import importlib
import re

import pytest

import infotheory

from .sources import DOCS

BLOCK = re.compile(r"^::: (infotheory(?:\.\w+)?)\n((?:    .*\n)*)", re.M)
MEMBER = re.compile(r"^        - (\w+)$", re.M)


def blocks(page: str) -> list[tuple[str, list[str]]]:
    text = (DOCS / page).read_text(encoding="utf-8")
    return [(m.group(1), MEMBER.findall(m.group(2))) for m in BLOCK.finditer(text)]


@pytest.mark.parametrize("page", ["reference.md", "reference.es.md"])
def test_every_exported_name_is_listed_once_under_its_own_module(page):
    found = blocks(page)
    assert found, f"{page} has no ::: blocks"
    listed = []
    for module_name, members in found:
        module = importlib.import_module(module_name)
        assert sorted(members) == sorted(module.__all__), (
            f"{page}: the block for {module_name} must list exactly its __all__"
        )
        listed += members
    assert sorted(listed) == sorted(infotheory.__all__), f"{page} misses or repeats names"


def test_both_languages_list_the_same_modules_in_the_same_order():
    assert blocks("reference.md") == blocks("reference.es.md")
