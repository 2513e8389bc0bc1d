"""Deterministic synthetic data for load tests and benchmarks (`generate_load_data`)."""
