"""``python -m nums.numpy > docs/numpy_support.md``: the generated page of NumPy functions."""

import nums.numpy as nps

print(nps.support_table(), end="")
