"""Reading and writing BlockArrays: the native block format (:mod:`._native`), one file per
block with a manifest written last and atomically. Re-exported as ``nums.read``,
``nums.write``, ``nums.delete`` and ``nums.exists``; CSV files in parallel
(:mod:`._csv`, ``nums.read_csv``; :mod:`._csv_write`, ``nums.write_csv``); HDF5 datasets
with h5py (:mod:`._hdf5`, ``nums.read_hdf5``, ``nums.write_hdf5``); Zarr v3 arrays
(:mod:`._zarr`, ``nums.read_zarr``, ``nums.write_zarr``; the ``zarr`` extra). The native format and
``read_csv`` work on local paths and ``s3://`` URLs (stores: :mod:`._stores`, :mod:`._s3`,
resolved by :mod:`._paths`)."""

from nums.io._csv import read_csv
from nums.io._csv_write import write_csv
from nums.io._hdf5 import read_hdf5, write_hdf5
from nums.io._native import delete, exists, read, write
from nums.io._zarr import read_zarr, write_zarr

__all__ = ["delete", "exists", "read", "read_csv", "read_hdf5", "read_zarr", "write",
           "write_csv", "write_hdf5", "write_zarr"]


def __dir__() -> list[str]:
    """The public names (``__all__``), without the private modules."""
    return list(__all__)
