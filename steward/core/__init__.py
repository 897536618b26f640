"""The kernel every app builds on: request context, base models, reason codes, security events.

It imports no other Steward app.
"""
