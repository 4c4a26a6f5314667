"""The planning model: a pure model of block operations on a cluster of nodes.

It knows block shapes, sizes and nodes, never BlockArray (the bridge from array operations to
plans is :mod:`nums.core.array.planning`).

- :mod:`~nums.core.graph.grid`: ArrayGrid (how an array is cut into blocks) and block-cyclic
  placement of grid entries over a node grid.
- :mod:`~nums.core.graph.grapharray`: GraphArray, pending block ops as a DAG with one root per
  output block, and builders of the graphs of common operations.
- :mod:`~nums.core.graph.cluster_state`: ClusterState, per-node memory and transfer model.
- :mod:`~nums.core.graph.search`: the tree search and the block-cyclic baseline (Plan).
- :mod:`~nums.core.graph.exhaustive`: the exhaustive optimum of small graphs.
- :mod:`~nums.core.graph.explain`: a plan's per-node predictions as text or bars.

See docs/optimizer.md.
"""
