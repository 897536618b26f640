"""People who sign in: the user model, authentication, MFA and sessions."""
