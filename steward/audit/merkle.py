"""RFC 9162 §2.1 Merkle tree hashing, inclusion and consistency proofs (SHA-256).

Pure functions over hashes: no Django, no database. Stored trees plug in
through ``NodeReader``, a function returning the hash of a complete, aligned
subtree (``level``, ``index``) = leaves [index·2^level, (index+1)·2^level).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()
NodeReader = Callable[[int, int], bytes]


class ProofError(ValueError):
    """A proof or its arguments do not verify."""


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(size: int) -> int:
    """The largest power of two strictly smaller than ``size`` (size ≥ 2)."""
    return 1 << ((size - 1).bit_length() - 1)


def root_of(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH over already-hashed leaves, by the RFC's recursive definition."""
    if not leaf_hashes:
        return EMPTY_ROOT
    if len(leaf_hashes) == 1:
        return leaf_hashes[0]
    k = _split(len(leaf_hashes))
    return node_hash(root_of(leaf_hashes[:k]), root_of(leaf_hashes[k:]))


class CompactRange:
    """The right edge of a growing tree: one complete subtree per set bit of its size.

    Appending is amortised O(1) hashing; the root is O(log n). ``on_node``
    receives every complete subtree as it forms, so a store can keep them.
    """

    __slots__ = ("_on_node", "frontier", "size")

    def __init__(
        self,
        size: int = 0,
        frontier: Sequence[bytes] = (),
        on_node: Callable[[int, int, bytes], None] | None = None,
    ) -> None:
        if len(frontier) != bin(size).count("1"):
            raise ValueError("A compact range needs one hash per set bit of its size.")
        self.size = size
        self.frontier = list(frontier)  # largest (leftmost) subtree first
        self._on_node = on_node

    def append(self, hashed_leaf: bytes) -> None:
        node, level, index = hashed_leaf, 0, self.size
        while index & 1:
            node = node_hash(self.frontier.pop(), node)
            level += 1
            index >>= 1
            if self._on_node is not None:
                self._on_node(level, index, node)
        self.frontier.append(node)
        self.size += 1

    def extend(self, hashed_leaves: Iterable[bytes]) -> None:
        for hashed in hashed_leaves:
            self.append(hashed)

    def root(self) -> bytes:
        if not self.frontier:
            return EMPTY_ROOT
        result = self.frontier[-1]
        for left in reversed(self.frontier[:-1]):
            result = node_hash(left, result)
        return result


def range_hash(lo: int, hi: int, node: NodeReader) -> bytes:
    """MTH of leaves [lo, hi), built from complete aligned subtrees."""
    size = hi - lo
    if size <= 0:
        raise ValueError("An empty range has no hash.")
    if size & (size - 1) == 0 and lo % size == 0:
        return node(size.bit_length() - 1, lo // size)
    k = _split(size)
    return node_hash(range_hash(lo, lo + k, node), range_hash(lo + k, hi, node))


def inclusion_proof(index: int, size: int, node: NodeReader) -> list[bytes]:
    """PATH(index, D[0:size]) of RFC 9162 §2.1.3.1."""
    if not 0 <= index < size:
        raise ProofError(f"Leaf {index} is not in a tree of size {size}.")
    proof: list[bytes] = []

    def path(m: int, lo: int, hi: int) -> None:
        if hi - lo == 1:
            return
        k = _split(hi - lo)
        if m < k:
            path(m, lo, lo + k)
            proof.append(range_hash(lo + k, hi, node))
        else:
            path(m - k, lo + k, hi)
            proof.append(range_hash(lo, lo + k, node))

    path(index, 0, size)
    return proof


def consistency_proof(first: int, second: int, node: NodeReader) -> list[bytes]:
    """PROOF(first, D[0:second]) of RFC 9162 §2.1.4.1 (empty when the sizes are equal)."""
    if not 0 < first <= second:
        raise ProofError(f"No consistency proof from size {first} to size {second}.")
    proof: list[bytes] = []

    def subproof(m: int, lo: int, hi: int, complete: bool) -> None:
        if m == hi - lo:
            if not complete:
                proof.append(range_hash(lo, hi, node))
            return
        k = _split(hi - lo)
        if m <= k:
            subproof(m, lo, lo + k, complete)
            proof.append(range_hash(lo + k, hi, node))
        else:
            subproof(m - k, lo + k, hi, False)
            proof.append(range_hash(lo, lo + k, node))

    subproof(first, 0, second, True)
    return proof


def _descend(fn: int, sn: int) -> tuple[int, int]:
    """Right-shift both until fn's lowest bit is set or fn is 0 (RFC 9162's inner loop)."""
    while fn and not fn & 1:
        fn >>= 1
        sn >>= 1
    return fn, sn


def verify_inclusion(
    index: int, size: int, hashed_leaf: bytes, proof: Sequence[bytes], root: bytes
) -> None:
    """RFC 9162 §2.1.3.2; raises ``ProofError`` unless the proof holds."""
    if not 0 <= index < size:
        raise ProofError(f"Leaf index {index} is outside a tree of size {size}.")
    if any(len(p) != HASH_SIZE for p in proof) or len(hashed_leaf) != HASH_SIZE:
        raise ProofError("A hash in the proof has the wrong length.")
    fn, sn, result = index, size - 1, hashed_leaf
    for p in proof:
        if sn == 0:
            raise ProofError("The proof is longer than the tree is deep.")
        if fn & 1 or fn == sn:
            result = node_hash(p, result)
            fn, sn = _descend(fn, sn)
        else:
            result = node_hash(result, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("The proof is shorter than the tree is deep.")
    if result != root:
        raise ProofError("The proof does not lead to the expected root.")


def _trivially_consistent(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> bool:
    """Settle the cases the RFC's algorithm leaves out: equal sizes and the empty tree."""
    if first > second:
        raise ProofError("The first tree is larger than the second.")
    if first == second:
        if proof or first_root != second_root:
            raise ProofError("Equal sizes need an empty proof and equal roots.")
        return True
    if first == 0:
        if proof:
            raise ProofError("Any tree is consistent with the empty tree; the proof must be empty.")
        return True
    return False


def verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> None:
    """RFC 9162 §2.1.4.2; raises ``ProofError`` unless the proof holds."""
    if _trivially_consistent(first, second, first_root, second_root, proof):
        return
    if not proof or any(len(p) != HASH_SIZE for p in proof):
        raise ProofError("The proof is empty or holds a hash of the wrong length.")
    path = list(proof)
    if first & (first - 1) == 0:
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("The proof is longer than the tree is deep.")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            fn, sn = _descend(fn, sn)
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0 or fr != first_root or sr != second_root:
        raise ProofError("The proof does not connect the two roots.")
