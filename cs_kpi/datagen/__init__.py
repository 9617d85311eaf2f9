"""Deterministic, vectorised generator of realistic raw exports (SPEC part A)."""
