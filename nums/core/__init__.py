"""Core layers of nums: arrays (``nums.core.array``) and backends (``nums.core.backend``)."""
