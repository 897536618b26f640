"""Steward: where outsourced healthcare administration is done, and governed."""
