"""Engines that run block tasks: ``serial`` (in-process) and ``embedded`` (the runtime)."""
