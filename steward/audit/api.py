"""The audit trail's API: the verifier key, checkpoints, proofs and bundles."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja.security import django_auth

from steward.audit import keys, proofs, selectors
from steward.audit.permissions import AUDIT_READERS

router = Router(tags=["audit"])


class KeyOut(Schema):
    origin: str
    verifier_key: str


class CheckpointOut(Schema):
    tree_size: int
    note: str


class InclusionOut(Schema):
    leaf_index: int
    tree_size: int
    leaf_hash: str
    proof: list[str]
    checkpoint: str


class ConsistencyOut(Schema):
    first: int
    second: int
    proof: list[str]
    first_checkpoint: str
    second_checkpoint: str


def _unavailable(exc: proofs.ProofUnavailable) -> Http404:
    return Http404(str(exc))


@router.get("/key", response=KeyOut, auth=None)
def verifier_key(request: HttpRequest) -> dict[str, str]:
    """The public key that signs checkpoints (compare it with one obtained independently)."""
    return {"origin": keys.origin(), "verifier_key": keys.verifier_key()}


@router.get("/checkpoints/latest", response=CheckpointOut, auth=django_auth)
def latest_checkpoint(request: HttpRequest) -> Any:
    try:
        return proofs.checkpoint_at(None)
    except proofs.ProofUnavailable as exc:
        raise _unavailable(exc) from exc


@router.get("/checkpoints/{tree_size}", response=CheckpointOut, auth=django_auth)
def checkpoint(request: HttpRequest, tree_size: int) -> Any:
    try:
        return proofs.checkpoint_at(tree_size)
    except proofs.ProofUnavailable as exc:
        raise _unavailable(exc) from exc


@router.get("/proofs/consistency", response=ConsistencyOut, auth=django_auth)
def consistency(request: HttpRequest, first: int, second: int) -> dict[str, Any]:
    """Proof that the log of size ``second`` extends the log of size ``first`` (RFC 9162)."""
    try:
        return proofs.consistency_between(first, second)
    except proofs.ProofUnavailable as exc:
        raise _unavailable(exc) from exc


def _readable_event(request: HttpRequest, event_id: uuid.UUID) -> Any:
    membership = getattr(request, "membership", None)
    if membership is None or membership.role not in AUDIT_READERS:
        raise PermissionDenied(
            "Only privacy officers, auditors and compliance officers read the audit trail."
        )
    event = selectors.event_get(organization=membership.organization, event_id=event_id)
    if event is None:
        raise Http404("No such event.")
    return event


@router.get("/proofs/inclusion", response=InclusionOut, auth=django_auth)
def inclusion(request: HttpRequest, event_id: uuid.UUID, tree_size: int | None = None) -> Any:
    """Proof that an event of your organisation is in a signed checkpoint (RFC 9162)."""
    event = _readable_event(request, event_id)
    try:
        return proofs.inclusion_for(event.event_id, tree_size)
    except proofs.ProofUnavailable as exc:
        raise _unavailable(exc) from exc


@router.get("/events/{event_id}/bundle", auth=django_auth)
def bundle(request: HttpRequest, event_id: uuid.UUID) -> dict[str, Any]:
    """A self-contained bundle for `steward-verify`."""
    event = _readable_event(request, event_id)
    try:
        return proofs.bundle_for([event])
    except proofs.ProofUnavailable as exc:
        raise _unavailable(exc) from exc
