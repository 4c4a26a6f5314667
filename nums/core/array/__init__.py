"""The array layer: BlockArray (an ArrayGrid plus one ref per block), views and writes, the
kernels that touch block data, and the bridge from array operations to plans (planning.py)."""
