"""``dir()`` of the public packages lists their public names only: no private modules,
helpers or imported modules, and every name listed is an attribute that works."""

from __future__ import annotations

import importlib
import types

import numpy as np
import pytest

PACKAGES = ["nums", "nums.numpy", "nums.numpy.linalg", "nums.numpy.random", "nums.numpy.emath",
            "nums.numpy.lib", "nums.numpy.lib.stride_tricks", "nums.numpy.strings",
            "nums.numpy.char", "nums.models", "nums.io", "runtime"]


@pytest.mark.parametrize("name", PACKAGES)
def test_dir_lists_public_names_that_resolve(name):
    module = importlib.import_module(name)
    names = dir(module)
    assert names == sorted(set(names))
    private = [n for n in names if n.startswith("_") and n != "__version__"]
    assert not private, f"{name}: private names in dir(): {private}"
    for n in names:
        value = getattr(module, n)  # a listed name is an attribute
        if isinstance(value, types.ModuleType):  # ours, or numpy's of the same name
            assert value.__name__.startswith(("nums.", "runtime.")) or (
                name.startswith("nums.numpy")
                and value.__name__ == f"{name.removeprefix('nums.')}.{n}"), (
                f"{name}.{n} is the imported module {value.__name__}")
    assert set(getattr(module, "__all__", ())) <= set(names)


def test_dir_of_nums():
    import nums

    assert {"init", "shutdown", "settings", "read", "write", "read_csv", "numpy", "models",
            "io", "__version__"} <= set(dir(nums))
    assert not {"os", "core", "config", "annotations", "explain_array"} & set(dir(nums))


def test_dir_of_nums_numpy_is_numpys_namespace_and_nums_additions():
    import nums.numpy as nnp
    from nums.numpy import _registry

    public_numpy = set(_registry.public_numpy())  # numpy's public functions
    names = set(dir(nnp))
    assert public_numpy <= names  # distributed or served by the fallback
    assert {"BlockArray", "ndarray", "linalg", "random", "GatherWarning", "fallbacks",
            "float64", "pi", "newaxis"} <= names
    extra = names - set(dir(np))
    assert extra <= {"BlockArray", "GatherWarning", "UFUNC_TABLE", "fallbacks",
                     "support_table", "AxisError", "flatten"}, extra


def test_dir_of_runtime_is_its_api():
    import runtime

    assert set(dir(runtime)) == set(runtime.__all__) | {"errors"}
