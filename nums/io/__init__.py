"""Reading and writing BlockArrays: the native block format (:mod:`._native`), one file per
block with a manifest written last and atomically. Re-exported as ``nums.read``,
``nums.write``, ``nums.delete`` and ``nums.exists``; CSV files in parallel
(:mod:`._csv`, ``nums.read_csv``). Both work on local paths and ``s3://`` URLs (stores:
:mod:`._stores`, :mod:`._s3`, resolved by :mod:`._paths`)."""

from nums.io._csv import read_csv
from nums.io._native import delete, exists, read, write

__all__ = ["delete", "exists", "read", "read_csv", "write"]
