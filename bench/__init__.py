"""Benchmarks for physio: scripts that print figures (not tests). See bench/README.md."""
