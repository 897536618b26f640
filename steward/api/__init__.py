"""The JSON API root: each app contributes its router; OpenAPI at /api/openapi.json."""
