"""infotheory: entropy, cross-entropy and KL divergence for machine learning.

A small, strict, vectorised numpy-only library. Distributions lie along the
last axis by default; `p` is always the truth and `q` the model; results are
in nats unless ``base`` says otherwise (``base=2`` for bits).
"""

from .calibration import (
    TemperatureFit,
    brier_score,
    expected_calibration_error,
    fit_temperature,
)
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
from .estimators import entropy_from_samples, mutual_information_from_samples
from .joint import conditional_entropy, joint_entropy, mutual_information
from .logits import (
    CrossEntropyAndEntropy,
    cross_entropy_and_entropy_from_logits,
    cross_entropy_from_logits,
    distillation_loss,
    entropy_from_logits,
    js_divergence_from_logits,
    kl_divergence_from_logits,
    log_softmax,
    perplexity,
    softmax,
    token_logprobs,
)
from .meter import CrossEntropyMeter
from .policy import dpo_loss, kl_estimate

__version__ = "0.1.0"

__all__ = [
    "brier_score",
    "conditional_entropy",
    "cross_entropy",
    "cross_entropy_and_entropy_from_logits",
    "CrossEntropyMeter",
    "cross_entropy_from_logits",
    "CrossEntropyAndEntropy",
    "distillation_loss",
    "dpo_loss",
    "entropy",
    "entropy_from_logits",
    "entropy_from_samples",
    "expected_calibration_error",
    "fit_gaussian_forward_kl",
    "fit_gaussian_reverse_kl",
    "fit_temperature",
    "Gaussian",
    "GaussianFit",
    "GaussianMixture",
    "joint_entropy",
    "js_divergence",
    "js_divergence_from_logits",
    "kl_divergence",
    "kl_divergence_continuous",
    "kl_divergence_from_logits",
    "kl_divergence_gaussian",
    "kl_divergence_on_grid",
    "kl_estimate",
    "log_softmax",
    "mutual_information",
    "mutual_information_from_samples",
    "perplexity",
    "softmax",
    "TemperatureFit",
    "token_logprobs",
]
