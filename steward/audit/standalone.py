"""steward-verify BUNDLE: check an exported audit bundle without trusting Steward.

Needs only Python and the ``cryptography`` package: no Django, no database.
A bundle holds events (their canonical records), an inclusion proof for each,
one signed checkpoint and the log's public verifier key. The verifier checks
the checkpoint's signature, then that every event is in the tree it signs.

Compare the verifier key with one you obtained independently (the
installation publishes it at /api/audit/key): a bundle can only vouch for
itself against a key you trust.

Exit status: 0 when everything verifies, 1 when anything does not, 2 when the
bundle cannot be read.
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
from typing import Any

from steward.audit import merkle, notes

FORMAT = "steward-audit-bundle/1"


class BundleError(ValueError):
    pass


def verify_bundle(bundle: dict[str, Any], *, trusted_key: str | None = None) -> list[str]:
    """Problems found in ``bundle`` (an empty list means it verifies)."""
    if bundle.get("format") != FORMAT:
        raise BundleError(f"Not a {FORMAT} bundle.")
    key = trusted_key or bundle.get("verifier_key", "")
    problems: list[str] = []
    try:
        checkpoint = notes.open_checkpoint(bundle.get("checkpoint", ""), key)
    except notes.NoteError as exc:
        return [f"checkpoint: {exc}"]
    if bundle.get("origin") and checkpoint.origin != bundle["origin"]:
        problems.append("checkpoint: its origin differs from the bundle's")
    for position, entry in enumerate(bundle.get("events", [])):
        label = f"event {position}"
        try:
            index = int(entry["leaf_index"])
            record = entry["event"]
            proof = [base64.b64decode(p, validate=True) for p in entry["inclusion_proof"]]
            label = f"event {json.loads(record).get('id', position)} (leaf {index})"
            merkle.verify_inclusion(
                index, checkpoint.size, merkle.leaf_hash(record.encode()), proof, checkpoint.root
            )
        except (KeyError, TypeError, ValueError) as exc:
            problems.append(f"{label}: {exc}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="steward-verify", description="Verify a Steward audit bundle offline."
    )
    parser.add_argument("bundle", help="path of the bundle (JSON)")
    parser.add_argument("--key", help="the verifier key you trust (name+keyid+key)")
    arguments = parser.parse_args(argv)
    try:
        with open(arguments.bundle, encoding="utf-8") as handle:
            bundle = json.load(handle)
        problems = verify_bundle(bundle, trusted_key=arguments.key)
    except (OSError, ValueError) as exc:
        print(f"steward-verify: cannot read the bundle: {exc}", file=sys.stderr)  # noqa: T201
        return 2
    events = len(bundle.get("events", []))
    if problems:
        for problem in problems:
            print(f"FAIL {problem}")  # noqa: T201
        print(f"{len(problems)} problem(s) in {events} event(s).")  # noqa: T201
        return 1
    checkpoint = notes.parse_checkpoint(bundle["checkpoint"].partition("\n\n")[0] + "\n")
    print(  # noqa: T201
        f"OK: {events} event(s) are in the log {checkpoint.origin} "
        f"of size {checkpoint.size}, signed by {bundle.get('verifier_key', '').split('+')[0]}."
    )
    if not arguments.key:
        print("Note: checked against the key inside the bundle; pass --key to use one you trust.")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
