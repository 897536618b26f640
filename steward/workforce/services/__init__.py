"""Workforce operations, one module per topic (training, policies, screening, …)."""
