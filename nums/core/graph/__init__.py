"""Graph-level optimisations of block operations (currently: elementwise fusion)."""
