"""Proofs from the stored log: inclusion of an event, consistency of two checkpoints,
and verifiable bundles that the standalone verifier checks."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterable
from typing import Any

from steward.audit import keys, merkle
from steward.audit.models import AuditEvent, AuditLeaf, Checkpoint, MerkleNode

BUNDLE_FORMAT = "steward-audit-bundle/1"


class ProofUnavailable(LookupError):
    """The event is not sealed yet, or the sizes asked for are not published checkpoints."""


class StoredTree:
    """Reads complete subtrees from the database, fetching every hash a proof needs at once."""

    def __init__(self) -> None:
        self._cache: dict[tuple[int, int], bytes] = {}

    def _plan(self, compute: Any) -> None:
        wanted: set[tuple[int, int]] = set()

        def record(level: int, index: int) -> bytes:
            wanted.add((level, index))
            return b"\x00" * 32

        compute(record)
        self.fetch(wanted - set(self._cache))

    def fetch(self, wanted: Iterable[tuple[int, int]]) -> None:
        wanted = list(wanted)
        leaves = [index for level, index in wanted if level == 0]
        for index, hashed in AuditLeaf.objects.filter(index__in=leaves).values_list(
            "index", "hash"
        ):
            self._cache[(0, index)] = bytes(hashed)
        by_level: dict[int, list[int]] = {}
        for level, index in wanted:
            if level:
                by_level.setdefault(level, []).append(index)
        for level, indexes in by_level.items():
            rows = MerkleNode.objects.filter(level=level, index__in=indexes)
            for index, hashed in rows.values_list("index", "hash"):
                self._cache[(level, index)] = bytes(hashed)

    def node(self, level: int, index: int) -> bytes:
        try:
            return self._cache[(level, index)]
        except KeyError:
            raise ProofUnavailable(f"The log has no node ({level}, {index}).") from None

    def prepare_inclusions(self, indexes: Iterable[int], size: int) -> None:
        """Fetch, in one round, every hash the inclusion proofs of ``indexes`` need."""
        targets = list(indexes)
        self._plan(lambda node: [merkle.inclusion_proof(i, size, node) for i in targets])

    def inclusion(self, index: int, size: int) -> list[bytes]:
        self._plan(lambda node: merkle.inclusion_proof(index, size, node))
        return merkle.inclusion_proof(index, size, self.node)

    def consistency(self, first: int, second: int) -> list[bytes]:
        self._plan(lambda node: merkle.consistency_proof(first, second, node))
        return merkle.consistency_proof(first, second, self.node)


def checkpoint_at(size: int | None = None) -> Checkpoint:
    """The checkpoint of ``size`` (the latest when None)."""
    found = (
        Checkpoint.objects.filter(tree_size=size).first()
        if size is not None
        else Checkpoint.objects.order_by("-tree_size").first()
    )
    if found is None:
        raise ProofUnavailable(
            "No checkpoint has been published yet."
            if size is None
            else f"No checkpoint was published at tree size {size}."
        )
    return found


def _b64(values: Iterable[bytes]) -> list[str]:
    return [base64.b64encode(v).decode() for v in values]


def inclusion_for(event_id: uuid.UUID | str, tree_size: int | None = None) -> dict[str, Any]:
    leaf = AuditLeaf.objects.filter(event__event_id=event_id).only("index", "hash").first()
    if leaf is None:
        raise ProofUnavailable("That event is not sealed yet (or does not exist).")
    checkpoint = checkpoint_at(tree_size)
    if leaf.index >= checkpoint.tree_size:
        raise ProofUnavailable("That event was sealed after this checkpoint; ask a later one.")
    proof = StoredTree().inclusion(leaf.index, checkpoint.tree_size)
    return {
        "leaf_index": leaf.index,
        "tree_size": checkpoint.tree_size,
        "leaf_hash": base64.b64encode(bytes(leaf.hash)).decode(),
        "proof": _b64(proof),
        "checkpoint": checkpoint.note,
    }


def consistency_between(first: int, second: int) -> dict[str, Any]:
    older, newer = checkpoint_at(first), checkpoint_at(second)
    if older.tree_size > newer.tree_size:
        raise ProofUnavailable("The first checkpoint must not be larger than the second.")
    proof = StoredTree().consistency(older.tree_size, newer.tree_size) if first else []
    return {
        "first": older.tree_size,
        "second": newer.tree_size,
        "proof": _b64(proof),
        "first_checkpoint": older.note,
        "second_checkpoint": newer.note,
    }


def bundle_for(events: Iterable[AuditEvent], tree_size: int | None = None) -> dict[str, Any]:
    """Events with their inclusion proofs against one signed checkpoint, for outside checking.

    Events not yet sealed in that checkpoint are left out and counted.
    """
    checkpoint = checkpoint_at(tree_size)
    tree = StoredTree()
    entries = []
    chosen = list(events)
    leaves = dict(AuditLeaf.objects.filter(event__in=chosen).values_list("event_id", "index"))
    size = checkpoint.tree_size
    sealed = [
        (event, leaves[event.sequence])
        for event in chosen
        if leaves.get(event.sequence, size) < size
    ]
    left_out = len(chosen) - len(sealed)
    tree.prepare_inclusions((index for _, index in sealed), size)
    for event, index in sealed:
        entries.append(
            {
                "leaf_index": index,
                "event": event.canonical,
                "inclusion_proof": _b64(merkle.inclusion_proof(index, size, tree.node)),
            }
        )
    return {
        "format": BUNDLE_FORMAT,
        "origin": keys.origin(),
        "verifier_key": keys.verifier_key(),
        "checkpoint": checkpoint.note,
        "events": entries,
        "not_yet_sealed": left_out,
    }
