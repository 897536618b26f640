"""Organisations (tenants), business associate agreements, teams and memberships."""
