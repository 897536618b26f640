"""Workforce forms, one module per topic."""
