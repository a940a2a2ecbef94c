"""Benchmarks (`make bench`): not part of the test suite; they report figures, never assert them."""
