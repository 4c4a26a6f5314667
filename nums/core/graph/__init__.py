"""Graph-level planning and optimisation of block operations.

- :mod:`~nums.core.graph.fusion`: elementwise fusion (chains of ufuncs as one task per block).
- :mod:`~nums.core.graph.grapharray`: GraphArray, pending block ops as a DAG with one root per
  output block, and builders of the graphs of common operations.
- :mod:`~nums.core.graph.cluster_state`: ClusterState, per-node memory and transfer model.
- :mod:`~nums.core.graph.search`: the tree search and the block-cyclic baseline (Plan).
- :mod:`~nums.core.graph.exhaustive`: the exhaustive optimum of small graphs.
- :mod:`~nums.core.graph.explain`: a plan's per-node predictions as text or bars
  (``nums.explain``).
- :mod:`~nums.core.graph.placement`: OpGraph, how BlockArray operations are planned with the
  session's optimizer and then submitted.
- :mod:`~nums.core.graph.loads`: the operations the optimizer is judged on (tests, benchmarks).

See docs/optimizer.md.
"""
