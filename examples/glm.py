"""Fit every model of ``nums.models`` on generated data and compare with scikit-learn.

Usage: python examples/glm.py [N_ROWS] [N_FEATURES]   (defaults 200000 8)

Generates a design matrix with ``nums.numpy``, responses for each model (two classes, three
classes, real values, counts), fits ``LogisticRegression`` (binary and multinomial),
``LinearRegression``, ``Ridge``, ``Lasso``, ``ElasticNet`` and ``PoissonRegressor``, and
prints each fit's time and coefficients. When scikit-learn is installed the same models are
fitted on the same data and the largest coefficient difference is printed beside.
"""

from __future__ import annotations

import sys
import time

import numpy

import nums
import nums.numpy as np
from nums import models


def responses(X, rng):
    d = X.shape[1]
    w = np.linspace(-1.0, 1.0, d)
    eta = X @ w
    noise = rng.standard_normal((X.shape[0],))
    return {
        "binary": (eta + noise > 0).astype(np.int64),
        "classes": (eta + noise > -1.0).astype(np.int64) + (eta + noise > 1.0),
        "real": eta + 0.5 + 0.1 * noise,
        "counts": np.floor(np.exp(0.3 * eta + 0.3 * noise)),  # non-negative integers
    }


TIGHT = {"tol": 1e-8, "max_iter": 1000}  # both sides to the same tight tolerance
CASES = [  # (name, nums model, scikit-learn class name, its arguments, response)
    ("logistic (binary)", models.LogisticRegression(solver="newton", **TIGHT),
     "LogisticRegression", TIGHT, "binary"),
    ("logistic (multinomial)", models.LogisticRegression(**TIGHT), "LogisticRegression",
     TIGHT, "classes"),
    ("linear", models.LinearRegression(), "LinearRegression", {}, "real"),
    ("ridge", models.Ridge(alpha=10.0), "Ridge", {"alpha": 10.0}, "real"),
    ("lasso", models.Lasso(alpha=0.01), "Lasso", {"alpha": 0.01}, "real"),
    ("elastic net", models.ElasticNet(alpha=0.01, l1_ratio=0.5), "ElasticNet",
     {"alpha": 0.01, "l1_ratio": 0.5}, "real"),
    ("poisson", models.PoissonRegressor(alpha=0.01, **TIGHT), "PoissonRegressor",
     {"alpha": 0.01, **TIGHT}, "counts"),
]


def main(argv: list[str]) -> None:
    n = int(float(argv[1])) if len(argv) > 1 else 200_000
    d = int(argv[2]) if len(argv) > 2 else 8
    nums.init()
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n, d)).persist()
    ys = {k: v.persist() for k, v in responses(X, rng).items()}
    try:
        from sklearn import linear_model
    except ImportError:
        linear_model = None
        print("scikit-learn is not installed: nums's fits only")
    Xn = X.get() if linear_model else None
    for name, model, sk_name, sk_args, which in CASES:
        t0 = time.time()
        model.fit(X, ys[which])
        took = time.time() - t0
        coef = numpy.ravel(model.coef_)
        line = f"{name:24s} {took:6.2f} s  coef[:3] = {numpy.array2string(coef[:3], precision=4)}"
        if linear_model is not None:
            ref = getattr(linear_model, sk_name)(**sk_args).fit(Xn, ys[which].get())
            diff = float(numpy.max(numpy.abs(numpy.ravel(ref.coef_) - coef)))
            line += f"   scikit-learn: max |coef difference| = {diff:.1e}"
        print(line, flush=True)
    nums.shutdown()


if __name__ == "__main__":
    main(sys.argv)
