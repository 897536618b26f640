"""RFC 9162 Merkle hashing and proofs, against published test vectors and by property.

The vectors are the RFC 6962 reference data used by Certificate Transparency: the eight
leaves, the tree heads of sizes 0 to 8, and the inclusion and consistency proofs, as published
in transparency-dev/merkle, proof/verify_test.go (originally google/certificate-transparency's
merkle_tree_test). Leaf numbers there are 1-based; here they are 0-based indexes.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from steward.audit import merkle

pytestmark = pytest.mark.no_db

LEAVES = [
    bytes.fromhex(h)
    for h in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]
ROOTS = [
    bytes.fromhex(h)
    for h in (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    )
]
INCLUSION = [  # (leaf index, tree size, proof)
    (
        0,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (
        1,
        5,
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]
CONSISTENCY = [  # (first size, second size, proof)
    (
        1,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (
        6,
        7,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
]
HASHED = [merkle.leaf_hash(leaf) for leaf in LEAVES]


def reader(hashed: list[bytes]) -> merkle.NodeReader:
    def node(level: int, index: int) -> bytes:
        return merkle.root_of(hashed[index << level : (index + 1) << level])

    return node


@pytest.mark.parametrize("size", range(9))
def test_roots_match_the_published_tree_heads(size: int) -> None:
    assert merkle.root_of(HASHED[:size]) == ROOTS[size]
    compact = merkle.CompactRange()
    compact.extend(HASHED[:size])
    assert compact.root() == ROOTS[size]


@pytest.mark.parametrize(("index", "size", "expected"), INCLUSION)
def test_inclusion_proofs_match_the_vectors(index: int, size: int, expected: list[str]) -> None:
    proof = merkle.inclusion_proof(index, size, reader(HASHED))
    assert [p.hex() for p in proof] == expected
    merkle.verify_inclusion(index, size, HASHED[index], proof, ROOTS[size])


@pytest.mark.parametrize(("first", "second", "expected"), CONSISTENCY)
def test_consistency_proofs_match_the_vectors(first: int, second: int, expected: list[str]) -> None:
    proof = merkle.consistency_proof(first, second, reader(HASHED))
    assert [p.hex() for p in proof] == expected
    merkle.verify_consistency(first, second, ROOTS[first], ROOTS[second], proof)


def _flip(proof: list[bytes], position: int) -> list[bytes]:
    changed = list(proof)
    changed[position] = bytes([changed[position][0] ^ 8]) + changed[position][1:]
    return changed


@pytest.mark.parametrize(("index", "size", "expected"), INCLUSION)
def test_corrupted_inclusion_proofs_fail(index: int, size: int, expected: list[str]) -> None:
    proof = [bytes.fromhex(p) for p in expected]
    leaf, root = HASHED[index], ROOTS[size]
    bad_calls = [
        (index + 1, size, leaf, proof, root),
        (index ^ 2, size, leaf, proof, root),
        (index, size * 2, leaf, proof, root),
        (index, size // 2, leaf, proof, root),
        (index, size, merkle.leaf_hash(b"wrong"), proof, root),
        (index, size, leaf, proof, ROOTS[0]),
        (index, size, leaf, [*proof, root], root),
        (index, size, leaf, [root, *proof], root),
        (index, size, leaf, proof[:-1], root),
    ]
    if index > 0:
        bad_calls.append((index - 1, size, leaf, proof, root))
    bad_calls += [(index, size, leaf, _flip(proof, i), root) for i in range(len(proof))]
    if len(proof) > 1:
        bad_calls.append((index, size, leaf, [proof[0], ROOTS[1], *proof[1:]], root))
    for call in bad_calls:
        with pytest.raises(merkle.ProofError):
            merkle.verify_inclusion(*call)


@pytest.mark.parametrize(("first", "second", "expected"), CONSISTENCY)
def test_corrupted_consistency_proofs_fail(first: int, second: int, expected: list[str]) -> None:
    proof = [bytes.fromhex(p) for p in expected]
    r1, r2 = ROOTS[first], ROOTS[second]
    bad_calls = [
        (first - 1, second, r1, r2, proof),
        (first + 1, second, r1, r2, proof),
        (first ^ 2, second, r1, r2, proof),
        (first, second * 2, r1, r2, proof),
        (first, second // 2, r1, r2, proof),
        (first, second, ROOTS[0], r2, proof),
        (first, second, r1, ROOTS[0], proof),
        (first, second, r2, r1, proof),
        (first, second, r1, r2, []),
        (first, second, r1, r2, [*proof, r1]),
        (first, second, r1, r2, [r2, *proof]),
        (first, second, r1, r2, [proof[0], *proof]),
        (first, second, r1, r2, proof[:-1]),
    ]
    bad_calls += [(first, second, r1, r2, _flip(proof, i)) for i in range(len(proof))]
    for call in bad_calls:
        with pytest.raises(merkle.ProofError):
            merkle.verify_consistency(*call)


def test_trivial_consistency_cases() -> None:
    merkle.verify_consistency(0, 5, ROOTS[0], ROOTS[5], [])
    merkle.verify_consistency(3, 3, ROOTS[3], ROOTS[3], [])
    with pytest.raises(merkle.ProofError):
        merkle.verify_consistency(3, 3, ROOTS[3], ROOTS[4], [])
    with pytest.raises(merkle.ProofError):
        merkle.verify_consistency(4, 3, ROOTS[4], ROOTS[3], [])


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=1, max_value=70), st.data())
def test_every_proof_verifies_in_trees_of_every_shape(size: int, data: st.DataObject) -> None:
    hashed = [merkle.leaf_hash(i.to_bytes(4, "big")) for i in range(size)]
    node = reader(hashed)
    root = merkle.root_of(hashed)
    index = data.draw(st.integers(min_value=0, max_value=size - 1))
    merkle.verify_inclusion(
        index, size, hashed[index], merkle.inclusion_proof(index, size, node), root
    )
    first = data.draw(st.integers(min_value=1, max_value=size))
    merkle.verify_consistency(
        first,
        size,
        merkle.root_of(hashed[:first]),
        root,
        merkle.consistency_proof(first, size, node),
    )


def test_compact_range_reports_every_complete_subtree() -> None:
    seen: dict[tuple[int, int], bytes] = {}
    compact = merkle.CompactRange(
        on_node=lambda level, index, h: seen.__setitem__((level, index), h)
    )
    compact.extend(HASHED)
    assert set(seen) == {(1, 0), (1, 1), (1, 2), (1, 3), (2, 0), (2, 1), (3, 0)}
    assert seen[(3, 0)] == ROOTS[8]
    resumed = merkle.CompactRange(5, [merkle.root_of(HASHED[:4]), HASHED[4]])
    resumed.extend(HASHED[5:])
    assert resumed.root() == ROOTS[8]
