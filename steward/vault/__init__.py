"""The vault: patients' health information, encrypted field by field under per-patient keys.

Only ``steward.access`` (the gate) may call ``vault.plaintext`` to decrypt a
person's fields; an import-linter contract enforces it.
"""
