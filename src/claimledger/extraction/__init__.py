"""Extraction: a small engine that applies constructions (data per language) and named resolvers."""
