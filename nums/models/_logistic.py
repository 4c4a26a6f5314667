"""``LogisticRegression`` with scikit-learn's interface: binary (one coefficient vector,
``classes_[1]`` the positive class) and multinomial (softmax over every class, as
scikit-learn does for more than two classes)."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

import nums.numpy as nnp
from nums.models import _families as fam
from nums.models._glm import ALIASES, GLM, smooth_solver
from nums.models._passes import Data, predict_blocks


class LogisticRegression(GLM):
    """Logistic regression: ``min C sum_i w_i loss_i + penalty(coef)`` with scikit-learn's
    penalties: L2 (``l1_ratio=0``, the default), L1 (``l1_ratio=1``), elastic net (between)
    or none (``C=np.inf``, or ``penalty=None``); ``penalty=`` is accepted as scikit-learn
    1.8 still does.

    Solvers: ``lbfgs`` (default, as scikit-learn's), ``newton`` (``newton-cholesky``,
    ``newton-cg``: the gradient and Hessian of one pass over ``X`` per iteration; the
    fastest on tall data), ``irls``, ``gd``, and ``prox`` (``saga``: accelerated proximal
    gradient, needed for L1 and elastic net). Differences from scikit-learn: ``dual``,
    ``intercept_scaling``, ``class_weight``, ``random_state`` and ``n_jobs`` are accepted
    but only their defaults are supported."""

    def __init__(self, penalty: Any = "deprecated", *, C: float = 1.0, l1_ratio: float = 0.0,
                 dual: bool = False, tol: float = 1e-4, fit_intercept: bool = True,
                 intercept_scaling: float = 1, class_weight: Any = None,
                 random_state: Any = None, solver: str = "lbfgs", max_iter: int = 100,
                 verbose: int = 0, warm_start: bool = False, n_jobs: Any = None):
        self.penalty = penalty
        self.C = C
        self.l1_ratio = l1_ratio
        self.dual = dual
        self.tol = tol
        self.fit_intercept = fit_intercept
        self.intercept_scaling = intercept_scaling
        self.class_weight = class_weight
        self.random_state = random_state
        self.solver = solver
        self.max_iter = max_iter
        self.verbose = verbose
        self.warm_start = warm_start
        self.n_jobs = n_jobs

    # the objective ----------------------------------------------------------------------
    def _ratio(self) -> float | None:
        """The L1 share of the penalty, or None for no penalty."""
        penalty = self.penalty
        if penalty == "deprecated":
            penalty = "elasticnet"
        if penalty is None or penalty == "none" or self.C == np.inf:
            return None
        if penalty == "l2":
            return 0.0
        if penalty == "l1":
            return 1.0
        if penalty != "elasticnet":
            raise ValueError(f"penalty must be 'l1', 'l2', 'elasticnet' or None, got "
                             f"{penalty!r}")
        if self.l1_ratio is None or not 0 <= self.l1_ratio <= 1:
            raise ValueError(f"l1_ratio must be between 0 and 1; got {self.l1_ratio!r}")
        return float(self.l1_ratio)

    def _penalties(self, weight_sum: float) -> tuple[float, float]:
        if not self.C > 0:
            raise ValueError(f"Penalty term must be positive; got (C={self.C!r})")
        ratio = self._ratio()
        if ratio is None:
            return 0.0, 0.0
        strength = 1.0 / (self.C * weight_sum)  # C sum(loss) + pen  ==  mean(loss) + pen/(C S)
        return strength * (1 - ratio), strength * ratio

    def _solver_name(self) -> str:
        ratio = self._ratio()
        name = ALIASES.get(self.solver, self.solver)
        if ratio:  # an L1 part: proximal gradient only
            if name != "prox":
                raise ValueError(f"Solver {self.solver} supports only 'l2' or None "
                                 "penalties; use solver='saga' (or 'prox') for an L1 part")
            return name
        if name == "prox":
            return name
        return smooth_solver(self.solver)

    # classes ------------------------------------------------------------------------------
    def _prepare(self, data: Data) -> None:
        if self.dual or self.class_weight is not None or self.intercept_scaling != 1:
            raise NotImplementedError("nums.models.LogisticRegression: dual, class_weight "
                                      "and intercept_scaling support only their defaults")
        classes = data.classes()
        if classes.size < 2:
            raise ValueError("This solver needs samples of at least 2 classes in the data, "
                             f"but the data contains only one class: {classes[0]!r}")
        self.classes_ = classes
        data.encode(classes)
        self.family = fam.Binomial() if classes.size == 2 else fam.Multinomial()

    def _n_outputs(self, data: Data) -> int:
        return 1 if self.classes_.size == 2 else int(self.classes_.size)

    def _set_fitted(self, theta: np.ndarray, data: Data) -> None:
        theta = theta.copy()
        if theta.shape[0] > 1:
            # the multinomial sees only differences between classes: report the solution
            # whose intercepts (and, without a penalty, coefficients) sum to zero over the
            # classes, as scikit-learn's
            theta[:, -1] -= theta[:, -1].mean()
            if self._ratio() is None:
                theta[:, :-1] -= theta[:, :-1].mean(axis=0)
        self.coef_ = theta[:, :-1]
        self.intercept_ = theta[:, -1].copy()

    def _n_iter(self, n: int) -> Any:
        return np.array([n], dtype=np.int32)

    # predictions ------------------------------------------------------------------------
    def decision_function(self, X: Any):
        """``X @ coef_.T + intercept_``: (n_samples,) for two classes, else
        (n_samples, n_classes)."""
        eta = self._eta(X)
        return eta[:, 0] if self.classes_.size == 2 else eta

    def predict_proba(self, X: Any):
        """The probability of each class, (n_samples, n_classes)."""
        mean = self._mean(X)
        if self.classes_.size == 2:
            p1 = mean[:, 0]
            return nnp.stack([1 - p1, p1], axis=1)
        return mean

    def predict_log_proba(self, X: Any):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return nnp.log(self.predict_proba(X))

    def predict(self, X: Any):
        """The most probable class of every row (the labels of ``classes_``)."""
        return predict_blocks(X, self.family, self._theta(), "label", self.classes_)

    def score(self, X: Any, y: Any, sample_weight: Any = None) -> float:
        """The mean accuracy (weighted by ``sample_weight``)."""
        right = (self.predict(X) == nnp.asarray(y)).astype(np.float64)
        if sample_weight is None:
            return float(nnp.mean(right))
        return float(nnp.average(right, weights=nnp.asarray(sample_weight)))
