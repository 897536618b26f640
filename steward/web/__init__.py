"""The web shell: layout, navigation per role, dashboards, error pages."""
