"""Planner tests need no backend: this folder deliberately defines no fixtures."""
