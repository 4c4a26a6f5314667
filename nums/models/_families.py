"""GLM families: the per-sample loss of the linear predictor ``eta`` and its derivatives.

Pure numpy on chunks of rows; they run in the workers. A family is a small stateless class
(pickled by reference). ``eta`` is ``(rows, K)``: ``K = 1`` for one response, the number of
classes for the multinomial. Each family's loss is the one scikit-learn minimises (half
squared error, logistic log loss, half Poisson deviance up to a constant, cross-entropy).
A new family is one class with ``loss_and_derivatives`` and ``mean`` (the inverse link).
"""

from __future__ import annotations

import numpy as np


class Family:
    """``loss_and_derivatives(eta, y, hessian)``: ``(loss (rows,), d loss / d eta (rows, K),
    the curvature)``; the curvature is ``(rows, K)`` (the Hessian's diagonal in ``eta``) for
    one-response families, or None when not asked. ``mean(eta)``: the prediction."""

    name = "family"

    def loss_and_derivatives(self, eta: np.ndarray, y: np.ndarray, hessian: bool) -> tuple:
        raise NotImplementedError

    def mean(self, eta: np.ndarray) -> np.ndarray:
        raise NotImplementedError


class Gaussian(Family):
    """Identity link: ``0.5 (eta - y)^2``."""

    name = "gaussian"

    def loss_and_derivatives(self, eta, y, hessian):
        r = eta[:, 0] - y
        return 0.5 * r * r, r[:, None], (np.ones_like(eta) if hessian else None)

    def mean(self, eta):
        return eta


class Binomial(Family):
    """Logit link, ``y`` in {0, 1}: ``log(1 + exp(eta)) - y eta``."""

    name = "binomial"

    def loss_and_derivatives(self, eta, y, hessian):
        e = eta[:, 0]
        mu = _expit(e)
        loss = np.logaddexp(0.0, e) - y * e
        return loss, (mu - y)[:, None], ((mu * (1.0 - mu))[:, None] if hessian else None)

    def mean(self, eta):
        return _expit(eta)


class Poisson(Family):
    """Log link: ``exp(eta) - y eta`` (half the Poisson deviance, less a constant)."""

    name = "poisson"

    def loss_and_derivatives(self, eta, y, hessian):
        e = eta[:, 0]
        mu = np.exp(e)
        return mu - y * e, (mu - y)[:, None], (mu[:, None] if hessian else None)

    def mean(self, eta):
        return np.exp(eta)


class Multinomial(Family):
    """Softmax over ``K`` classes, ``y`` the class index: ``logsumexp(eta) - eta_y``. Its
    curvature is ``diag(p) - p p^T`` per row; the pass builds it from ``p`` itself."""

    name = "multinomial"

    def loss_and_derivatives(self, eta, y, hessian):
        top = eta.max(axis=1, keepdims=True)
        z = np.exp(eta - top)
        total = z.sum(axis=1, keepdims=True)
        p = z / total
        rows = np.arange(eta.shape[0])
        yi = y.astype(np.intp)
        loss = (np.log(total[:, 0]) + top[:, 0]) - eta[rows, yi]
        g = p.copy()
        g[rows, yi] -= 1.0
        return loss, g, (p if hessian else None)

    def mean(self, eta):
        z = np.exp(eta - eta.max(axis=1, keepdims=True))
        return z / z.sum(axis=1, keepdims=True)


def _expit(x: np.ndarray) -> np.ndarray:
    from scipy.special import expit

    return expit(x)


CHUNK_ROWS = 4096  # rows per chunk inside a block: the chunk's X stays in cache for all uses


def block_stats(family: Family, hessian: bool, theta: np.ndarray, x: np.ndarray,
                y: np.ndarray, sw: np.ndarray | None) -> np.ndarray:
    """Sums over the rows of one block: ``[loss, gradient, Hessian (if asked)]`` packed in one
    row (1, P) for parameters ``theta`` of shape ``(K, d + 1)`` (the last column the
    intercept), derivatives with respect to ``theta`` flattened."""
    k, d1 = theta.shape
    d = d1 - 1
    loss = 0.0
    grad = np.zeros((k, d1))
    hess = np.zeros((k * d1, k * d1)) if hessian else None
    hxx = np.zeros((d, d), order="F")  # X^T C X, accumulated by BLAS in place
    coef, intercept = theta[:, :-1], theta[:, -1]
    for s in range(0, x.shape[0], CHUNK_ROWS):
        xc = np.asarray(x[s:s + CHUNK_ROWS], dtype=np.float64)
        eta = xc @ coef.T
        eta += intercept
        w = None if sw is None else np.asarray(sw[s:s + CHUNK_ROWS], dtype=np.float64)
        li, gi, hi = family.loss_and_derivatives(eta, y[s:s + CHUNK_ROWS], hessian)
        if w is not None:
            li = li * w
            gi = gi * w[:, None]
        loss += float(li.sum())
        grad[:, :d] += gi.T @ xc
        grad[:, d] += gi.sum(axis=0)
        if not hessian:
            continue
        if k == 1:  # [[X^T C X, X^T c], [c^T X, sum c]] with X^T C X = (X sqrt(c))^T (...)
            c = hi[:, 0] if w is None else hi[:, 0] * w
            root = np.sqrt(c)
            xs = xc * root[:, None]
            hxx = _add_gram(hxx, xs)
            col = xs.T @ root
            hess[:d, d] += col
            hess[d, :d] += col
            hess[d, d] += c.sum()
        else:
            xa = np.empty((xc.shape[0], d1))
            xa[:, :d] = xc
            xa[:, d] = 1.0
            _add_multinomial_hessian(hess, xa, hi, w)
    out = [np.array([loss]), grad.ravel()]
    if hessian:
        if k == 1:
            hess[:d, :d] = hxx
        out.append(hess.ravel())
    return np.concatenate(out)[None, :]


GRAM_ROWS = 1024  # dgemm on 1024-row pieces: 11 ms per 250000 x 31 block here, against
# 19 ms for numpy's syrk (a.T @ a) or dgemm on 2048 rows and more (OpenBLAS, one thread)


def _add_gram(acc: np.ndarray, xs: np.ndarray) -> np.ndarray:
    """``acc + xs^T xs`` for C-ordered ``xs`` (``acc`` Fortran-ordered, updated in place)."""
    from scipy.linalg.blas import dgemm

    for s in range(0, xs.shape[0], GRAM_ROWS):
        piece = xs[s:s + GRAM_ROWS]
        acc = dgemm(1.0, piece.T, piece.T, beta=1.0, c=acc, trans_b=1, overwrite_c=1)
    return acc


def _add_multinomial_hessian(hess, xa, p, w):
    """``sum_i (diag(p_i) - p_i p_i^T) (x) x_i x_i^T`` of a chunk, class block by block."""
    k = p.shape[1]
    d1 = xa.shape[1]
    for a in range(k):
        for b in range(a + 1):
            c = p[:, a] * ((1.0 if a == b else 0.0) - p[:, b])
            if w is not None:
                c = c * w
            block = (xa * c[:, None]).T @ xa
            hess[a * d1:(a + 1) * d1, b * d1:(b + 1) * d1] += block
            if a != b:
                hess[b * d1:(b + 1) * d1, a * d1:(a + 1) * d1] += block.T


def block_unique(y: np.ndarray) -> np.ndarray:
    """The distinct values of a block (the classes of a classifier)."""
    return np.unique(y)


def block_encode(y: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """Class indices of ``y``'s labels."""
    return np.searchsorted(classes, y).astype(np.float64)


def block_predict(family: Family, theta: np.ndarray, x: np.ndarray, what: str,
                  classes: np.ndarray | None = None) -> np.ndarray:
    """``what``: "eta" (the decision function), "mean" (the inverse link) or "label" (the
    most probable of ``classes``) of a block."""
    eta = np.asarray(x, dtype=np.float64) @ theta[:, :-1].T + theta[:, -1]
    if what == "label":
        best = (eta[:, 0] > 0).astype(np.intp) if eta.shape[1] == 1 else eta.argmax(axis=1)
        return classes[best]
    return eta if what == "eta" else family.mean(eta)
