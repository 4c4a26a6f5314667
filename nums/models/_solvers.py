"""Solvers for ``F(z) = loss(z) / S + l2/2 ||z_P||^2 + l1 ||z_P||_1``, ``z`` the free
parameters (coefficients, and intercepts when fitted) and ``P`` the penalised ones (the
coefficients). Each evaluation of the smooth part is one distributed pass over the data
(:mod:`._passes`); the iterations themselves run on the driver over small vectors.

- ``newton``: the gradient and Hessian of one pass, a Newton step, backtracking only when the
  objective does not decrease enough (a rejected step costs one more pass);
- ``irls``: the same steps without line search (iteratively reweighted least squares: for
  canonical links the expected and observed Hessians agree);
- ``lbfgs``: SciPy's L-BFGS-B (the two-loop recursion on the driver), one pass per function
  and gradient evaluation;
- ``gd``: gradient descent with backtracking (for reference);
- ``prox``: accelerated proximal gradient (FISTA) for L1 and elastic-net penalties;
- ``cd``: for quadratic losses (Gaussian): one pass for the Gram matrix, then coordinate
  descent (or one solve when there is no L1 term) on the driver.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np

from runtime.errors import warn


class ConvergenceWarning(UserWarning):
    """A fit stopped at ``max_iter`` before meeting ``tol`` (scikit-learn's name)."""


@dataclasses.dataclass
class Problem:
    """The objective over the free parameters ``z``: ``smooth(z, hessian)`` returns the
    smooth part's ``(value, gradient, Hessian or None)`` (penalty included); ``penalised`` is
    the mask of the parameters the penalties apply to."""

    smooth: Callable[[np.ndarray, bool], tuple]
    penalised: np.ndarray
    l2: float
    l1: float
    report: Callable[[int, float, float], None]


@dataclasses.dataclass
class Result:
    z: np.ndarray
    n_iter: int
    converged: bool


def _warn(solver: str, max_iter: int) -> None:
    warn(f"{solver} failed to converge after {max_iter} iteration(s); increase max_iter or "
         "scale the data", ConvergenceWarning)


def newton(pb: Problem, z: np.ndarray, tol: float, max_iter: int, line_search: bool = True,
           name: str = "newton") -> Result:
    f, g, h = pb.smooth(z, True)
    for it in range(1, max_iter + 1):
        gmax = float(np.max(np.abs(g))) if g.size else 0.0
        pb.report(it - 1, f, gmax)
        if gmax <= tol:
            return Result(z, it - 1, True)
        step = _newton_step(h, g)
        t = 1.0
        slack = 16 * np.finfo(float).eps * abs(f)  # rounding of the objective's sum
        while True:
            z_new = z + t * step
            f_new, g_new, h_new = pb.smooth(z_new, True)
            if not line_search or f_new <= f + 1e-4 * t * float(g @ step) + slack:
                break
            if t < 1e-3:  # no decrease along the Newton direction: rounding level reached
                pb.report(it, f, gmax)
                warn(f"{name}: the line search found no decrease of the objective "
                     f"(max |gradient| {gmax:.2e} > tol {tol:.2e}); stopped", ConvergenceWarning)
                return Result(z, it, False)
            t *= 0.5
        z, f, g, h = z_new, f_new, g_new, h_new
    gmax = float(np.max(np.abs(g))) if g.size else 0.0
    pb.report(max_iter, f, gmax)
    if gmax <= tol:
        return Result(z, max_iter, True)
    _warn(name, max_iter)
    return Result(z, max_iter, False)


def _newton_step(h: np.ndarray, g: np.ndarray) -> np.ndarray:
    """``-H^+ g``: the least-norm step, so that directions the objective does not see (the
    multinomial's common shift of every class, separable data without a penalty) do not
    move (an SVD of the small ``p x p`` Hessian: well under a millisecond for p < 100)."""
    return -np.linalg.lstsq(h, g, rcond=None)[0]


def lbfgs(pb: Problem, z: np.ndarray, tol: float, max_iter: int) -> Result:
    from scipy.optimize import minimize

    calls = {"it": 0}

    def fun(v):
        f, g, _ = pb.smooth(v, False)
        return f, g

    def callback(intermediate_result):
        calls["it"] += 1
        pb.report(calls["it"], float(intermediate_result.fun), float("nan"))

    res = minimize(fun, z, jac=True, method="L-BFGS-B", callback=callback,
                   options={"maxiter": max_iter, "maxfun": 4 * max_iter + 20, "gtol": tol,
                            "ftol": 64 * np.finfo(float).eps})
    converged = res.status == 0
    if not converged:
        _warn("lbfgs", max_iter)
    return Result(res.x, int(res.nit), converged)


def gd(pb: Problem, z: np.ndarray, tol: float, max_iter: int) -> Result:
    f, g, _ = pb.smooth(z, False)
    t = 1.0
    for it in range(1, max_iter + 1):
        gmax = float(np.max(np.abs(g))) if g.size else 0.0
        pb.report(it - 1, f, gmax)
        if gmax <= tol:
            return Result(z, it - 1, True)
        while True:
            z_new = z - t * g
            f_new, g_new, _ = pb.smooth(z_new, False)
            if f_new <= f - 0.5 * t * float(g @ g) or t < 1e-12:
                break
            t *= 0.5
        z, f, g = z_new, f_new, g_new
        t *= 2.0
    if float(np.max(np.abs(g))) <= tol:
        return Result(z, max_iter, True)
    _warn("gd", max_iter)
    return Result(z, max_iter, False)


def _soft(v: np.ndarray, thresh: np.ndarray) -> np.ndarray:
    return np.sign(v) * np.maximum(np.abs(v) - thresh, 0.0)


def prox(pb: Problem, z: np.ndarray, tol: float, max_iter: int) -> Result:
    """FISTA with backtracking; stops when the proximal-gradient step moves no parameter by
    more than ``tol`` (relative to the step size)."""
    thresh_unit = pb.l1 * pb.penalised
    y, z_prev, tk, t = z.copy(), z.copy(), 1.0, 1.0
    for it in range(1, max_iter + 1):
        fy, gy, _ = pb.smooth(y, False)
        while True:
            z_new = _soft(y - t * gy, t * thresh_unit)
            diff = z_new - y
            f_new, _, _ = pb.smooth(z_new, False)
            if f_new <= fy + float(gy @ diff) + float(diff @ diff) / (2 * t) or t < 1e-12:
                break
            t *= 0.5
        gap = float(np.max(np.abs(diff))) / t if diff.size else 0.0
        pb.report(it, f_new + pb.l1 * float(np.abs(z_new[pb.penalised]).sum()), gap)
        if gap <= tol:
            return Result(z_new, it, True)
        tk_next = (1 + np.sqrt(1 + 4 * tk * tk)) / 2
        y = z_new + ((tk - 1) / tk_next) * (z_new - z_prev)
        z_prev, tk = z_new, tk_next
    _warn("prox", max_iter)
    return Result(z_prev, max_iter, False)


def quadratic(pb: Problem, z0: np.ndarray, tol: float, max_iter: int) -> Result:
    """For a quadratic smooth part: one pass at ``z0`` gives ``f``'s gradient and its
    constant Hessian ``A``; with no L1 term one solve, else cyclic coordinate descent on
    ``g0 + A (z - z0)`` (stopping when no coordinate moves by more than ``tol`` times the
    largest coefficient, scikit-learn's rule)."""
    _, g0, a = pb.smooth(z0, True)
    b = g0 - a @ z0  # the gradient is a z + b
    if pb.l1 == 0:
        return Result(_newton_step(a, b), 1, True)
    z = z0.copy()
    thresh = pb.l1 * pb.penalised
    diag = np.diag(a).copy()
    for it in range(1, max_iter + 1):
        biggest_move, biggest = 0.0, 0.0
        for j in range(z.size):
            if diag[j] == 0:
                continue
            old = z[j]
            rj = a[j] @ z + b[j] - diag[j] * old  # the gradient without coordinate j
            z[j] = _soft(np.array([-rj]), np.array([thresh[j]]))[0] / diag[j]
            biggest_move = max(biggest_move, abs(z[j] - old))
            biggest = max(biggest, abs(z[j]))
        pb.report(it, float("nan"), biggest_move)
        if biggest == 0 or biggest_move <= tol * biggest:
            return Result(z, it, True)
    _warn("cd", max_iter)
    return Result(z, max_iter, False)
