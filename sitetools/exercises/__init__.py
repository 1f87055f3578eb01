"""The exercises of the theory pages, built from ```` ```exercise ```` fences.

The format is CONTRIBUTING.md, "Exercises". A fence holds a YAML document with an ``id``,
a ``type`` (``numeric`` or ``choice``), Markdown prose in the page's language (``prompt``,
``hint``, ``solution``, option ``text`` and ``why``) and Python expressions that are the
same in both languages (``values``, ``answer``, the mistakes' ``value``, ``correct``).

=================  ==========================================================================
``model``          the YAML -> :class:`NumericExercise` / :class:`ChoiceExercise`, validated
``evaluate``       the expressions, computed with the real package -> :class:`Computed`
``prose``          the placeholders (``{{answer}}``, ``{{name:4}}``) and the Python check
``render``         the HTML, from ``templates/`` (Jinja2), and the JSON the browser reads
``fence``          the ``pymdownx.superfences`` fence that mkdocs.yml registers
=================  ==========================================================================

``hooks/exercises.py`` wires the fence to MkDocs and adds the script and stylesheet that
``frontend/exercises/`` (bundled by hooks/cells.py) become; that script checks answers in
the browser and keeps progress in localStorage. tests/docs/test_exercises.py uses
:func:`find_fences`, :func:`load`, :func:`evaluate`, :func:`fill` and :func:`within`.
"""

from sitetools.fences import Fence

from .evaluate import Computed, ComputedMistake, decimals_of, evaluate, namespace, within
from .fence import ExerciseFence, FenceError, page_language, registered
from .model import (
    ChoiceExercise,
    Exercise,
    ExerciseError,
    Mistake,
    NumericExercise,
    Option,
    find_fences,
    load,
)
from .prose import Pieces, fill, format_number, pieces, python_check
from .render import progress, render

ASSET_DIR = "assets/cells"  # hooks/cells.py bundles frontend/exercises/exercises.js there
SCRIPT_URL = f"{ASSET_DIR}/exercises.js"
CSS_URL = f"{ASSET_DIR}/exercises.css"

__all__ = [
    "CSS_URL",
    "SCRIPT_URL",
    "ChoiceExercise",
    "Computed",
    "ComputedMistake",
    "Exercise",
    "ExerciseError",
    "ExerciseFence",
    "Fence",
    "FenceError",
    "Mistake",
    "NumericExercise",
    "Option",
    "Pieces",
    "decimals_of",
    "evaluate",
    "fill",
    "find_fences",
    "format_number",
    "load",
    "namespace",
    "page_language",
    "pieces",
    "progress",
    "python_check",
    "registered",
    "render",
    "within",
]
