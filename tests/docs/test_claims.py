"""Claims that were false and were corrected stay corrected.

An expert read (issue 9) found statements that the site's own numbers contradict. Each
was rewritten, with an example on its page that prints the numbers of the true statement
(so the doctests check those). This test keeps the false wording from coming back, in
either language, in the pages and the labs. Each entry says why the claim is false.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from .sources import notebooks, pages, parse, rel


@dataclass(frozen=True)
class Retired:
    page: str  # docs/<page> name without language suffix, or "*" for every page
    pattern: str
    why: str


RETIRED = [
    Retired("entropy", r"what a language model's perplexity reports|lo que (informa|mide|registra) la perplejidad",
            "perplexity is exp H(P,Q) ≥ exp H(P), equal only for a perfect model"),
    Retired("cross-entropy", r"labels leaking|etiquetas que se filtran",
            "before any update leaked labels cannot lower the loss; small first losses mean "
            "large logits (a log-prior bias) or a reduction that counts padding"),
    Retired("kl-in-practice", r"little further pull|keeps pushing|apenas tira más|sigue separando los log-cocientes",
            "the gradient β·σ(−βΔ) is about the same at Δ = 2 for β = 2 and β = 0.1"),
    Retired("mutual-information", r"floor only falls|el suelo solo baja",
            "the floor H(Y|C) never rises as context is added; the model's loss falls only if it uses it"),
    Retired("kl-divergence", r"infinite in one direction only|infinita en un solo sentido",
            "disjoint supports are infinite both ways"),
    Retired("kl-divergence", r"both limits of|ambos límites de",
            "0·log(0/0) = 0 is a convention: the two-variable limit does not exist"),
    Retired("index", r"every theorem is proved in full|cada teorema se demuestra completo",
            "several results are stated without proof"),
    Retired("index", r"can be read in any order|se pueden leer en cualquier orden",
            "kl-in-practice has other pages as prerequisites"),
    Retired("char-language-model", r"at its best at \$T = 1\$|best at the temperature it was\s+trained"
            r"|mejor a la temperatura con la que se entren|en su mejor punto en \$T = 1\$|rinde mejor a \$T = 1\$",
            "with weight decay the training loss is lowest near T = 0.9; the lab scans T and asserts the calibration condition"),
]  # fmt: skip


def _texts() -> list[tuple[Path, str]]:
    out = [(page, parse(page).prose) for page in pages()]
    for lab in notebooks():
        cells = json.loads(lab.read_text(encoding="utf-8"))["cells"]
        out.append(
            (lab, "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown"))
        )
    return out


def _name(path: Path) -> str:
    return path.name.split(".")[0]


TEXTS = _texts()


@pytest.mark.parametrize("claim", RETIRED, ids=[f"{r.page}-{i}" for i, r in enumerate(RETIRED)])
def test_false_claim_stays_retired(claim: Retired) -> None:
    found = []
    for path, text in TEXTS:
        if claim.page in ("*", _name(path)):
            for m in re.finditer(claim.pattern, " ".join(text.split()), flags=re.IGNORECASE):
                found.append(f"{rel(path)}: {m[0]!r}")
    assert not found, f"a corrected claim is back ({claim.why}):\n" + "\n".join(found)


def test_every_retired_claim_names_a_page() -> None:
    names = {_name(p) for p, _ in TEXTS} | {"*"}
    assert all(r.page in names for r in RETIRED), [r.page for r in RETIRED if r.page not in names]
