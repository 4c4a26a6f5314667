"""Generalized linear models with scikit-learn's interface, fitted on distributed data.

``X`` and ``y`` may be BlockArrays or anything ``nums.numpy.asarray`` takes; each iteration
is one pass over the row blocks of ``X`` where they live, and only vectors and small
matrices (the gradient, the Hessian) reach the driver. A new family is one class in
:mod:`nums.models._families`; a new model a small subclass of :class:`nums.models._glm.GLM`.
"""

from nums.models._glm import GLM, NotFittedError
from nums.models._logistic import LogisticRegression
from nums.models._regressors import (
    ElasticNet,
    Lasso,
    LinearRegression,
    PoissonRegression,
    PoissonRegressor,
    Ridge,
)
from nums.models._solvers import ConvergenceWarning

__all__ = ["GLM", "ConvergenceWarning", "ElasticNet", "Lasso", "LinearRegression",
           "LogisticRegression", "NotFittedError", "PoissonRegression", "PoissonRegressor",
           "Ridge"]


def __dir__() -> list[str]:
    """The public names (``__all__``), without the private modules."""
    return list(__all__)
