"""nums.models against scikit-learn on the same data: coefficients, intercepts and
predictions for every model, penalty and solver, binary and multinomial, with sample
weights, on several block layouts and on every backend of the suite."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import nums.numpy as nps
from nums import models

lm = pytest.importorskip("sklearn.linear_model")

RNG = np.random.default_rng(0)
N, D = 600, 5
X = RNG.standard_normal((N, D)) * np.array([1.0, 2.0, 0.5, 1.0, 3.0]) + 0.2
W_TRUE = np.array([1.0, -2.0, 0.0, 0.5, 0.3])
ETA = X @ W_TRUE
Y_BINARY = np.where(ETA + 0.7 * RNG.standard_normal(N) > 0, "yes", "no")
Y_CLASSES = np.digitize(ETA + RNG.standard_normal(N), [-1.0, 0.5]) * 10 + 3  # 3, 13, 23
Y_REAL = ETA + 0.3 + 0.2 * RNG.standard_normal(N)
Y_COUNTS = RNG.poisson(np.exp(0.2 * ETA)).astype(float)
SW = RNG.uniform(0.5, 2.0, N)
LAYOUTS = [(100, 5), (97, 2), (600, 5)]  # row blocks, 2-d blocks with uneven edges, one


def _close(got, expected, tol):
    np.testing.assert_allclose(np.asarray(got), np.asarray(expected), rtol=tol, atol=tol)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("solver", ["lbfgs", "newton", "newton-cholesky", "irls", "gd"])
@pytest.mark.parametrize("weighted", [False, True])
def test_logistic_binary(layout, solver, weighted):
    sw = SW if weighted else None
    x = nps.array(X, block_shape=layout)
    ours = models.LogisticRegression(solver=solver, C=0.5, tol=1e-6 if solver == "gd" else 1e-9,
                                     max_iter=3000)
    ours.fit(x, Y_BINARY, sample_weight=sw)
    ref = lm.LogisticRegression(C=0.5, tol=1e-12, max_iter=10000).fit(X, Y_BINARY,
                                                                     sample_weight=sw)
    tol = 1e-4 if solver == "gd" else 1e-6
    assert list(ours.classes_) == ["no", "yes"]
    assert ours.coef_.shape == (1, D) and ours.intercept_.shape == (1,)
    _close(ours.coef_, ref.coef_, tol)
    _close(ours.intercept_, ref.intercept_, tol)
    _close(ours.predict_proba(x).get(), ref.predict_proba(X), tol)
    _close(ours.decision_function(x).get(), ref.decision_function(X), tol)
    assert (ours.predict(x).get() == ref.predict(X)).all()
    assert ours.score(x, Y_BINARY) == pytest.approx(ref.score(X, Y_BINARY))


@pytest.mark.parametrize("layout", LAYOUTS[:2])
@pytest.mark.parametrize("solver", ["lbfgs", "newton"])
def test_logistic_multinomial(layout, solver):
    x = nps.array(X, block_shape=layout)
    ours = models.LogisticRegression(solver=solver, tol=1e-9, max_iter=3000)
    ours.fit(x, Y_CLASSES, sample_weight=SW)
    ref = lm.LogisticRegression(tol=1e-12, max_iter=10000).fit(X, Y_CLASSES, sample_weight=SW)
    assert list(ours.classes_) == [3, 13, 23]
    _close(ours.coef_, ref.coef_, 1e-6)
    _close(ours.intercept_, ref.intercept_, 1e-6)
    _close(ours.predict_proba(x).get(), ref.predict_proba(X), 1e-6)
    _close(ours.predict_log_proba(x).get(), ref.predict_log_proba(X), 1e-5)
    assert (ours.predict(x).get() == ref.predict(X)).all()


@pytest.mark.parametrize("l1_ratio", [1.0, 0.4])
def test_logistic_l1_and_elastic_net(l1_ratio):
    x = nps.array(X, block_shape=(100, 5))
    ours = models.LogisticRegression(solver="saga", l1_ratio=l1_ratio, C=0.05, tol=1e-10,
                                     max_iter=5000).fit(x, Y_BINARY)
    ref = lm.LogisticRegression(solver="saga", l1_ratio=l1_ratio, C=0.05, tol=1e-12,
                                max_iter=200000).fit(X, Y_BINARY)
    _close(ours.coef_, ref.coef_, 1e-5)
    assert (ours.coef_ == 0).sum() == (np.abs(ref.coef_) < 1e-8).sum() > 0  # sparsity
    with pytest.raises(ValueError, match="supports only 'l2' or None"):
        models.LogisticRegression(l1_ratio=1.0).fit(x, Y_BINARY)


def test_logistic_without_penalty_and_errors():
    x = nps.array(X, block_shape=(100, 5))
    ours = models.LogisticRegression(C=np.inf, solver="newton", tol=1e-10).fit(x, Y_BINARY)
    ref = lm.LogisticRegression(C=np.inf, tol=1e-12, max_iter=10000).fit(X, Y_BINARY)
    _close(ours.coef_, ref.coef_, 1e-5)
    with pytest.raises(ValueError, match="at least 2 classes"):
        models.LogisticRegression().fit(x, np.zeros(N))
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        models.LogisticRegression().fit(x, Y_BINARY[:-1])
    with pytest.raises(models.NotFittedError):
        models.LogisticRegression().predict(x)
    with pytest.raises(ValueError, match="features"):
        ours.predict(x[:, :3])
    with pytest.warns(models.ConvergenceWarning):
        models.LogisticRegression(solver="newton", max_iter=1, tol=1e-12).fit(x, Y_BINARY)


def test_params_protocol_and_warm_start():
    m = models.LogisticRegression(C=3.0, solver="newton")
    assert m.get_params()["C"] == 3.0 and repr(m) == "LogisticRegression(C=3.0, solver='newton')"
    assert m.set_params(C=0.5).C == 0.5
    with pytest.raises(ValueError, match="Invalid parameter"):
        m.set_params(alpha=1)
    assert set(models.LogisticRegression().get_params()) == set(
        lm.LogisticRegression().get_params())
    x = nps.array(X, block_shape=(100, 5))
    cold = models.LogisticRegression(solver="newton", tol=1e-8).fit(x, Y_BINARY)
    warm = models.LogisticRegression(solver="newton", tol=1e-8, warm_start=True)
    warm.coef_, warm.intercept_ = cold.coef_.copy(), cold.intercept_.copy()
    warm.fit(x, Y_BINARY)
    assert warm.n_iter_[0] == 0  # already at the optimum
    _close(warm.coef_, cold.coef_, 1e-12)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("intercept", [True, False])
def test_gaussian_models(layout, weighted, intercept):
    sw = SW if weighted else None
    x = nps.array(X, block_shape=layout)
    y = nps.array(Y_REAL, block_shape=layout[:1])
    cases = [(models.LinearRegression(fit_intercept=intercept),
              lm.LinearRegression(fit_intercept=intercept)),
             (models.Ridge(alpha=30.0, fit_intercept=intercept),
              lm.Ridge(alpha=30.0, fit_intercept=intercept)),
             (models.Lasso(alpha=0.05, fit_intercept=intercept, tol=1e-12),
              lm.Lasso(alpha=0.05, fit_intercept=intercept, tol=1e-14, max_iter=100000)),
             (models.ElasticNet(alpha=0.1, l1_ratio=0.3, fit_intercept=intercept, tol=1e-12),
              lm.ElasticNet(alpha=0.1, l1_ratio=0.3, fit_intercept=intercept, tol=1e-14,
                            max_iter=100000))]
    for ours, ref in cases:
        ours.fit(x, y, sample_weight=sw)
        ref.fit(X, Y_REAL, sample_weight=sw)
        _close(ours.coef_, ref.coef_, 1e-8)
        _close(ours.intercept_, ref.intercept_, 1e-8)
        _close(ours.predict(x).get(), ref.predict(X), 1e-8)
        assert ours.score(x, y, sample_weight=sw) == pytest.approx(
            ref.score(X, Y_REAL, sample_weight=sw), rel=1e-10)


def test_linear_regression_rank_deficient_is_least_norm():
    x2 = np.concatenate([X, X[:, :1]], axis=1)  # a repeated column
    ours = models.LinearRegression().fit(nps.array(x2, block_shape=(100, 6)), Y_REAL)
    ref = lm.LinearRegression().fit(x2, Y_REAL)
    _close(ours.coef_, ref.coef_, 1e-8)


@pytest.mark.parametrize("solver", ["lbfgs", "newton", "irls"])
def test_poisson(solver):
    x = nps.array(X, block_shape=(97, 2))
    ours = models.PoissonRegressor(alpha=0.1, solver=solver, tol=1e-10, max_iter=1000)
    ours.fit(x, Y_COUNTS, sample_weight=SW)
    ref = lm.PoissonRegressor(alpha=0.1, tol=1e-12, max_iter=10000).fit(X, Y_COUNTS,
                                                                         sample_weight=SW)
    _close(ours.coef_, ref.coef_, 1e-6)
    _close(ours.predict(x).get(), ref.predict(X), 1e-6)
    assert ours.score(x, Y_COUNTS) == pytest.approx(ref.score(X, Y_COUNTS), rel=1e-6)
    with pytest.raises(ValueError, match="out of the valid range"):
        models.PoissonRegressor().fit(x, -Y_COUNTS - 1)


def test_verbose_prints_one_line_per_iteration(capsys):
    x = nps.array(X, block_shape=(100, 5))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a converged fit warns nothing
        m = models.LogisticRegression(solver="newton", verbose=1).fit(x, Y_BINARY)
    lines = [ln for ln in capsys.readouterr().out.splitlines() if "iter" in ln]
    assert len(lines) == m.n_iter_[0] + 1 and "objective" in lines[0]
