"""Workforce pages, one module per topic; each module lists its own ``urlpatterns``."""
