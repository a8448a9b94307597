"""Normalizers: dates, places (this package), quantities and parties (the lead's modules)."""
