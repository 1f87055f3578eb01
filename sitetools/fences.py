"""Custom fences of the site's Markdown: ```` ```exercise ```` and ```` ```figure ````.

Both hold a small YAML mapping, start at the beginning of a line (never indented: not
inside a list or an admonition), and end at a line of the same fence characters.
sitetools/exercises/model.py and sitetools/figures.py read them with :func:`find` and
:func:`yaml_mapping`, and raise their own error class, so messages name what failed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml


class FenceError(ValueError):
    """A fence that is never closed, or whose body is not a YAML mapping."""


@dataclass(frozen=True)
class Fence:
    body: str  # the YAML text
    start: int  # line index of the opening fence (0-based)
    end: int  # line index of the closing fence (0-based, inclusive)


def find(markdown: str, info: str, error: type[ValueError] = FenceError) -> list[Fence]:
    """The ```<info> fences of a page, in order, at the start of their lines."""
    opening_re = re.compile(rf"^(?P<fence>`{{3,}}|~{{3,}})[ \t]*{re.escape(info)}[ \t]*$")
    lines = markdown.split("\n")
    found, i = [], 0
    while i < len(lines):
        opening = opening_re.match(lines[i])
        if opening is None:
            i += 1
            continue
        fence = opening["fence"]
        j = i + 1
        while j < len(lines) and not (
            lines[j].startswith(fence[0] * len(fence)) and not lines[j].strip(fence[0] + " \t")
        ):
            j += 1
        if j == len(lines):
            raise error(f"line {i + 1}: the ```{info} fence is never closed")
        found.append(Fence("\n".join(lines[i + 1 : j]), i, j))
        i = j + 1
    return found


def yaml_mapping(
    body: str, where: str, what: str, error: type[ValueError] = FenceError
) -> dict[str, Any]:
    """The fence's YAML as a mapping; ``what`` names it in messages ("an exercise")."""
    try:
        data = yaml.safe_load(body)
    except yaml.YAMLError as exc:
        raise error(f"{where}: {what} is not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise error(f"{where}: {what} is a YAML mapping of its fields")
    return data
