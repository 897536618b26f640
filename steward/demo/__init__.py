"""The synthetic demo world that `make run` seeds. Nothing here runs in production."""
