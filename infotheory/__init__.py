"""infotheory: entropy, cross-entropy and KL divergence for machine learning.

A small, strict, vectorised numpy-only library. Distributions lie along the
last axis by default; `p` is always the truth and `q` the model; results are
in nats unless ``base`` says otherwise (``base=2`` for bits).
"""

from .continuous import (
    Gaussian,
    GaussianFit,
    GaussianMixture,
    fit_gaussian_forward_kl,
    fit_gaussian_reverse_kl,
    kl_divergence_continuous,
    kl_divergence_gaussian,
    kl_divergence_on_grid,
)
from .discrete import cross_entropy, entropy, js_divergence, kl_divergence
from .joint import conditional_entropy, joint_entropy, mutual_information
from .logits import (
    cross_entropy_from_logits,
    entropy_from_logits,
    kl_divergence_from_logits,
    log_softmax,
    perplexity,
    softmax,
)

__version__ = "0.1.0"

__all__ = [
    "Gaussian",
    "GaussianFit",
    "GaussianMixture",
    "conditional_entropy",
    "cross_entropy",
    "cross_entropy_from_logits",
    "entropy",
    "entropy_from_logits",
    "fit_gaussian_forward_kl",
    "fit_gaussian_reverse_kl",
    "joint_entropy",
    "js_divergence",
    "kl_divergence",
    "kl_divergence_continuous",
    "kl_divergence_from_logits",
    "kl_divergence_gaussian",
    "kl_divergence_on_grid",
    "log_softmax",
    "mutual_information",
    "perplexity",
    "softmax",
]
