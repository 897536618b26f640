"""Sealing, checkpoints, proofs from the stored log, and the standalone verifier."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path

import pytest

from steward.audit import keys, merkle, notes, proofs
from steward.audit.models import AuditLeaf, AuditPending, Checkpoint, SealState
from steward.audit.sealing import SealError, seal_batch, seal_pending
from steward.audit.standalone import verify_bundle
from tests.audit.helpers import record_some

ROOT = Path(__file__).resolve().parents[2]


def test_sealing_gives_consecutive_indexes_and_signs_a_checkpoint() -> None:
    events = record_some(5)
    result = seal_pending()
    assert (result.sealed, result.tree_size) == (5, 5)
    indexes = list(AuditLeaf.objects.order_by("index").values_list("index", "event_id"))
    assert indexes == [(i, e.sequence) for i, e in enumerate(events)]
    assert not AuditPending.objects.exists()
    checkpoint = Checkpoint.objects.get()
    opened = notes.open_checkpoint(checkpoint.note, keys.verifier_key())
    assert opened.size == 5 and opened.origin == keys.origin()
    leaf_hashes = [merkle.leaf_hash(e.canonical.encode()) for e in events]
    assert opened.root == merkle.root_of(leaf_hashes) == bytes(checkpoint.root)


def test_batches_extend_the_same_tree() -> None:
    events = record_some(7)
    assert seal_batch(limit=3).sealed == 3
    assert seal_batch(limit=3).sealed == 3
    assert seal_batch(limit=3).sealed == 1
    assert list(Checkpoint.objects.order_by("tree_size").values_list("tree_size", flat=True)) == [
        3,
        6,
        7,
    ]
    state = SealState.objects.get()
    assert state.tree_size == 7
    hashed = [merkle.leaf_hash(e.canonical.encode()) for e in events]
    assert bytes(Checkpoint.objects.get(tree_size=7).root) == merkle.root_of(hashed)


def test_nothing_to_seal_publishes_nothing() -> None:
    assert seal_pending().sealed == 0
    assert not Checkpoint.objects.exists()


def test_sealing_lag_is_measured() -> None:
    record_some(2)
    result = seal_pending()
    assert result.max_lag_ms >= 0
    assert Checkpoint.objects.get().max_lag_ms == result.max_lag_ms


def test_sealer_refuses_to_guess_when_its_state_disagrees() -> None:
    record_some(2)
    seal_pending()
    SealState.objects.update(tree_size=5)
    record_some(1)
    with pytest.raises(SealError, match="disagrees"):
        seal_pending()


def test_server_proofs_verify_and_tampered_ones_do_not() -> None:
    events = record_some(11)
    seal_batch(limit=4)
    seal_pending()
    for position in (0, 3, 6, 10):
        leaf = AuditLeaf.objects.get(event=events[position])
        answer = proofs.inclusion_for(events[position].event_id)
        checkpoint = notes.open_checkpoint(answer["checkpoint"], keys.verifier_key())
        proof = [base64.b64decode(p) for p in answer["proof"]]
        merkle.verify_inclusion(
            leaf.index, checkpoint.size, bytes(leaf.hash), proof, checkpoint.root
        )
        tampered = [
            proof[:1] + proof[2:],
            [*proof, proof[0]],
            [bytes([proof[0][0] ^ 1]) + proof[0][1:], *proof[1:]],
        ]
        for bad in tampered:
            with pytest.raises(merkle.ProofError):
                merkle.verify_inclusion(
                    leaf.index, checkpoint.size, bytes(leaf.hash), bad, checkpoint.root
                )
        # A wrong size is caught here when it changes the path's shape; in a bundle the
        # size is signed together with the root, so changing it breaks the signature.
        wrong = [(leaf.index + 1, checkpoint.size), (leaf.index, checkpoint.size * 2)]
        if checkpoint.size // 2 > leaf.index:
            wrong.append((leaf.index, checkpoint.size // 2))
        for index, size in wrong:
            with pytest.raises(merkle.ProofError):
                merkle.verify_inclusion(index, size, bytes(leaf.hash), proof, checkpoint.root)
    consistency = proofs.consistency_between(4, 11)
    first = notes.open_checkpoint(consistency["first_checkpoint"], keys.verifier_key())
    second = notes.open_checkpoint(consistency["second_checkpoint"], keys.verifier_key())
    merkle.verify_consistency(
        4, 11, first.root, second.root, [base64.b64decode(p) for p in consistency["proof"]]
    )


def test_proofs_need_published_checkpoints() -> None:
    events = record_some(3)
    with pytest.raises(proofs.ProofUnavailable, match="not sealed"):
        proofs.inclusion_for(events[0].event_id)
    seal_pending()
    with pytest.raises(proofs.ProofUnavailable, match="size 2"):
        proofs.inclusion_for(events[0].event_id, tree_size=2)


def _bundle_file(tmp_path: Path, bundle: dict[str, object], name: str = "b.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(bundle))
    return path


def test_bundles_verify_with_the_standalone_verifier(tmp_path: Path) -> None:
    events = record_some(6)
    seal_pending()
    bundle = proofs.bundle_for(events[1:4])
    assert verify_bundle(bundle) == []
    assert len(bundle["events"]) == 3
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "steward.audit.standalone",
            str(_bundle_file(tmp_path, bundle)),
            "--key",
            keys.verifier_key(),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK: 3 event(s)" in result.stdout


@pytest.mark.parametrize(
    "tamper", ["record", "bit", "drop-hash", "add-hash", "index", "size", "key"]
)
def test_the_standalone_verifier_rejects_tampered_bundles(tamper: str) -> None:
    events = record_some(9)
    seal_pending()
    bundle = proofs.bundle_for(events[2:3])
    entry = bundle["events"][0]
    proof = entry["inclusion_proof"]
    if tamper == "record":
        entry["event"] = entry["event"].replace('"success"', '"denied"')
    elif tamper == "bit":
        raw = bytearray(base64.b64decode(proof[0]))
        raw[0] ^= 1
        proof[0] = base64.b64encode(bytes(raw)).decode()
    elif tamper == "drop-hash":
        proof.pop()
    elif tamper == "add-hash":
        proof.append(proof[0])
    elif tamper == "index":
        entry["leaf_index"] += 1
    elif tamper == "size":
        body, _, signature = bundle["checkpoint"].partition("\n\n")
        lines = body.split("\n")
        lines[1] = str(int(lines[1]) + 1)
        bundle["checkpoint"] = "\n".join(lines) + "\n\n" + signature
    elif tamper == "key":
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        bundle["verifier_key"] = notes.verifier_key(
            keys.origin(), Ed25519PrivateKey.generate().public_key()
        )
    assert verify_bundle(bundle) != []


def test_the_standalone_verifier_needs_no_django(tmp_path: Path) -> None:
    events = record_some(2)
    seal_pending()
    bundle_path = _bundle_file(tmp_path, proofs.bundle_for(events))
    blocker = (
        "import sys, importlib.abc\n"
        "class Block(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path, target=None):\n"
        "        if name.split('.')[0] in ('django', 'ninja', 'allauth'):\n"
        "            raise ImportError('blocked: ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "from steward.audit.standalone import main\n"
        f"sys.exit(main([{str(bundle_path)!r}]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", blocker],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_unreadable_bundles_exit_with_status_two(tmp_path: Path) -> None:
    from steward.audit.standalone import main

    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    assert main([str(broken)]) == 2
    assert main([str(tmp_path / "missing.json")]) == 2
