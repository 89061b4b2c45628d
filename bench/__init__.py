"""Benchmarks for Orbita: relevance (quality) and build/reindex/query timings (speed)."""
