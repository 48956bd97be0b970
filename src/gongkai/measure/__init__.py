"""Measurement: accuracy against gold files, synthetic corpora, benchmarks. Not imported by the product."""
