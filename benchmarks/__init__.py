"""Benchmarks of the build, the store and the queries (see docs/benchmarks.md); not part of the product."""
