"""The audit trail: append-only events, an RFC 9162 Merkle log, signed checkpoints, proofs.

The modules ``merkle``, ``notes``, ``canonical`` and ``standalone`` import
nothing from Django, so the standalone verifier can run without Steward.
"""
