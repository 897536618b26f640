"""Changes to organisations, agreements, teams and memberships.

Each function opens its transaction, checks its invariants (raising
``ValidationError`` keyed by field, so forms can show it inline), and records
a security event inside the same transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from steward.accounts.models import User
from steward.accounts.services import user_create, user_sessions_end
from steward.core.events import SecurityEvent, record
from steward.tenancy.models import (
    AgreementStatus,
    BusinessAssociateAgreement,
    Membership,
    Organization,
    Team,
)
from steward.tenancy.roles import ROLES_BY_KIND, OrganizationKind, Role

SETTINGS_FIELDS = (
    "legal_name",
    "short_name",
    "time_zone",
    "business_hours",
    "idle_logoff_minutes",
    "patient_mfa",
)


def _event(
    action: str,
    *,
    actor: User | None,
    organization: Organization | None,
    entity: Any,
    **detail: Any,
) -> None:
    record(
        SecurityEvent(
            action=action,
            actor=actor,
            organization=organization,
            entity_type=entity._meta.model_name,
            entity_id=str(entity.pk),
            detail=detail,
        )
    )


# --- Organisations ---------------------------------------------------------


def organization_create(
    *,
    kind: str,
    legal_name: str,
    short_name: str,
    time_zone: str = "UTC",
    actor: User | None,
) -> Organization:
    """Create a tenant (covered entity), a BPO, or the platform operator's organisation."""
    organization = Organization(
        kind=kind,
        legal_name=legal_name.strip(),
        short_name=short_name.strip(),
        time_zone=time_zone,
    )
    organization.full_clean()
    with transaction.atomic():
        organization.save()
        _event(
            "organization.created",
            actor=actor,
            organization=organization,
            entity=organization,
            kind=kind,
        )
    return organization


def organization_update_settings(
    *, organization: Organization, actor: User, **changes: Any
) -> Organization:
    """Change an organisation's settings; the event names the fields that changed."""
    unknown = set(changes) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValueError(f"Not organisation settings: {sorted(unknown)}")
    changed = [name for name, value in changes.items() if getattr(organization, name) != value]
    if not changed:
        return organization
    ceiling = settings.STEWARD_IDLE_LOGOFF_MAX_MINUTES
    minutes = changes.get("idle_logoff_minutes", organization.idle_logoff_minutes)
    if not 1 <= int(minutes) <= ceiling:
        raise ValidationError({"idle_logoff_minutes": f"Choose between 1 and {ceiling} minutes."})
    with transaction.atomic():
        locked = Organization.objects.select_for_update().get(pk=organization.pk)
        for name in changed:
            setattr(locked, name, changes[name])
        locked.full_clean()
        locked.save(update_fields=changed)
        _event(
            "organization.settings-changed",
            actor=actor,
            organization=locked,
            entity=locked,
            fields=sorted(changed),
        )
    return locked


# --- Memberships ------------------------------------------------------------


def _check_membership(
    *,
    organization: Organization,
    role: str,
    team: Team | None,
    valid_from: dt.datetime,
    valid_until: dt.datetime | None,
) -> None:
    errors: dict[str, str] = {}
    if role not in ROLES_BY_KIND[organization.kind]:
        errors["role"] = (
            f"A {organization.get_kind_display().lower()} has no “{Role(role).label}” role."
        )
    if team is not None and team.organization_id != organization.pk:
        errors["team"] = "Choose a team of this organisation."
    if valid_until is not None and valid_until <= valid_from:
        errors["valid_until"] = "The end must be after the start."
    if errors:
        raise ValidationError(errors)


def membership_invite(
    *,
    organization: Organization,
    email: str,
    full_name: str,
    role: str,
    actor: User | None,
    team: Team | None = None,
    valid_from: dt.datetime | None = None,
    valid_until: dt.datetime | None = None,
    invitation_url: Callable[[User], str] | None = None,
    notify: bool = True,
) -> Membership:
    """Add a person to ``organization`` in ``role``, creating their account if needed.

    A new account gets an invitation email with a link to choose a password
    (``invitation_url`` builds it); an existing one is told of the new
    membership. Mail goes out only after the transaction commits (and not at
    all with ``notify=False``, for seeded demo data).
    """
    start = valid_from or timezone.now()
    _check_membership(
        organization=organization, role=role, team=team, valid_from=start, valid_until=valid_until
    )
    address = email.strip().lower()
    with transaction.atomic():
        user = User.objects.filter(email__iexact=address).first()
        is_new = user is None
        if user is None:
            user = user_create(email=address, full_name=full_name.strip(), actor=actor)
        elif not user.is_active:
            raise ValidationError({"email": "This person's account is deactivated."})
        if Membership.objects.filter(user=user, organization=organization, is_active=True).exists():
            raise ValidationError({"email": "This person is already a member."})
        try:
            with transaction.atomic():
                membership = Membership.objects.create(
                    user=user,
                    organization=organization,
                    role=role,
                    team=team,
                    valid_from=start,
                    valid_until=valid_until,
                )
        except IntegrityError:
            raise ValidationError({"email": "This person is already a member."}) from None
        _event(
            "membership.created",
            actor=actor,
            organization=organization,
            entity=membership,
            role=role,
            user=str(user.pk),
        )
        link = invitation_url(user) if (is_new and invitation_url) else None
        if notify:
            transaction.on_commit(
                lambda: _send_membership_mail(
                    user=user, organization=organization, role=role, link=link
                )
            )
    return membership


def _send_membership_mail(
    *, user: User, organization: Organization, role: str, link: str | None
) -> None:
    lines = [
        f"Hello {user.full_name},",
        "",
        f"You have been added to {organization.legal_name} on Steward "
        f"as {Role(role).label.lower()}.",
    ]
    if link:
        lines += [
            "",
            "Choose your password here (the link works once, for three days):",
            link,
            "",
            "After signing in you will set up two-factor authentication.",
        ]
    send_mail(
        subject=f"Your Steward access at {organization.short_name}",
        message="\n".join(lines),
        from_email=None,
        recipient_list=[user.email],
    )


def membership_update(
    *,
    membership: Membership,
    actor: User,
    role: str,
    team: Team | None,
    valid_until: dt.datetime | None,
) -> Membership:
    """Change a member's role, team or end date."""
    _check_membership(
        organization=membership.organization,
        role=role,
        team=team,
        valid_from=membership.valid_from,
        valid_until=valid_until,
    )
    if not membership.is_active:
        raise ValidationError("An ended membership cannot be changed; invite the person again.")
    with transaction.atomic():
        locked = Membership.objects.select_for_update().get(pk=membership.pk)
        before = (locked.role, locked.team_id, locked.valid_until)
        locked.role, locked.team, locked.valid_until = role, team, valid_until
        locked.save(update_fields=["role", "team", "valid_until"])
        changed = [
            name
            for name, old, new in zip(
                ("role", "team", "valid_until"),
                before,
                (role, team and team.pk, valid_until),
                strict=True,
            )
            if old != new
        ]
        if changed:
            _event(
                "membership.changed",
                actor=actor,
                organization=locked.organization,
                entity=locked,
                fields=changed,
                role=role,
            )
    return locked


def membership_end(*, membership: Membership, actor: User | None, reason: str) -> Membership:
    """End a membership now and end the person's live sessions."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why the membership ends."})
    with transaction.atomic():
        locked = Membership.objects.select_for_update().get(pk=membership.pk)
        if not locked.is_active:
            return locked
        locked.is_active = False
        locked.ended_at = timezone.now()
        locked.end_reason = reason.strip()[:300]
        locked.save(update_fields=["is_active", "ended_at", "end_reason"])
        Team.objects.filter(supervisor=locked.user, organization=locked.organization).update(
            supervisor=None
        )
        _event(
            "membership.ended",
            actor=actor,
            organization=locked.organization,
            entity=locked,
            role=locked.role,
        )
        user = locked.user
        transaction.on_commit(lambda: user_sessions_end(user=user))
    return locked


# --- Teams -------------------------------------------------------------------


def _check_supervisor(organization: Organization, supervisor: User | None) -> None:
    if supervisor is None:
        return
    is_supervisor = (
        Membership.objects.current()
        .filter(organization=organization, user=supervisor, role=Role.SUPERVISOR)
        .exists()
    )
    if not is_supervisor:
        raise ValidationError({"supervisor": "Choose a current supervisor of this organisation."})


def team_create(
    *,
    organization: Organization,
    name: str,
    actor: User | None,
    supervisor: User | None = None,
    description: str = "",
) -> Team:
    """Create a team; its supervisor must hold the supervisor role in the organisation."""
    _check_supervisor(organization, supervisor)
    if Team.objects.for_organization(organization).filter(name__iexact=name.strip()).exists():
        raise ValidationError({"name": "A team with this name exists already."})
    with transaction.atomic():
        team = Team.objects.create(
            organization=organization,
            name=name.strip(),
            supervisor=supervisor,
            description=description.strip(),
        )
        _event("team.created", actor=actor, organization=organization, entity=team)
    return team


def team_update(
    *,
    team: Team,
    actor: User,
    name: str,
    supervisor: User | None,
    description: str = "",
) -> Team:
    _check_supervisor(team.organization, supervisor)
    clash = (
        Team.objects.for_organization(team.organization)
        .filter(name__iexact=name.strip())
        .exclude(pk=team.pk)
    )
    if clash.exists():
        raise ValidationError({"name": "A team with this name exists already."})
    with transaction.atomic():
        team.name, team.supervisor, team.description = name.strip(), supervisor, description
        team.save(update_fields=["name", "supervisor", "description"])
        _event(
            "team.changed",
            actor=actor,
            organization=team.organization,
            entity=team,
            supervisor=str(supervisor.pk) if supervisor else None,
        )
    return team


# --- Business associate agreements ---------------------------------------------


def baa_create(
    *,
    covered_entity: Organization,
    business_associate: Organization,
    actor: User,
    effective_on: dt.date,
    terminates_on: dt.date | None = None,
    signed_on: dt.date | None = None,
) -> BusinessAssociateAgreement:
    """Draft an agreement between a covered entity and a BPO."""
    errors = {}
    if covered_entity.kind != OrganizationKind.COVERED_ENTITY:
        errors["covered_entity"] = "Only a covered entity drafts a BAA."
    if business_associate.kind != OrganizationKind.BUSINESS_ASSOCIATE:
        errors["business_associate"] = "Choose a business associate (BPO vendor)."
    if terminates_on is not None and terminates_on <= effective_on:
        errors["terminates_on"] = "The end date must be after the effective date."
    if signed_on is not None and signed_on > covered_entity.local_today():
        errors["signed_on"] = "The signing date cannot be in the future."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        agreement = BusinessAssociateAgreement.objects.create(
            covered_entity=covered_entity,
            business_associate=business_associate,
            effective_on=effective_on,
            terminates_on=terminates_on,
            signed_on=signed_on,
            created_by=actor,
        )
        _event(
            "agreement.drafted",
            actor=actor,
            organization=covered_entity,
            entity=agreement,
            business_associate=str(business_associate.pk),
        )
    return agreement


PDF_MAGIC = b"%PDF-"


def baa_attach_document(
    *, agreement: BusinessAssociateAgreement, document: UploadedFile, actor: User
) -> BusinessAssociateAgreement:
    """Store the signed agreement (PDF only, size-limited) with its SHA-256."""
    if agreement.status != AgreementStatus.DRAFT:
        raise ValidationError({"document": "The document of an active or ended BAA is fixed."})
    if document.size is None or document.size > settings.STEWARD_MAX_DOCUMENT_BYTES:
        limit = settings.STEWARD_MAX_DOCUMENT_BYTES // (1024 * 1024)
        raise ValidationError({"document": f"The file is larger than {limit} MB."})
    head = document.read(len(PDF_MAGIC))
    document.seek(0)
    if head != PDF_MAGIC:
        raise ValidationError({"document": "Upload the signed agreement as a PDF file."})
    digest = hashlib.sha256()
    for chunk in document.chunks():
        digest.update(chunk)
    document.seek(0)
    with transaction.atomic():
        if agreement.document:
            agreement.document.delete(save=False)
        agreement.document.save(f"{agreement.pk}.pdf", document, save=False)
        agreement.document_sha256 = digest.hexdigest()
        agreement.document_uploaded_at = timezone.now()
        agreement.save(update_fields=["document", "document_sha256", "document_uploaded_at"])
        _event(
            "agreement.document-attached",
            actor=actor,
            organization=agreement.covered_entity,
            entity=agreement,
            sha256=agreement.document_sha256,
        )
    return agreement


def baa_activate(
    *, agreement: BusinessAssociateAgreement, actor: User
) -> BusinessAssociateAgreement:
    """Put a signed, documented draft in force; only one BAA per pair may be active."""
    errors = {}
    if agreement.status != AgreementStatus.DRAFT:
        errors["status"] = "Only a draft can be activated."
    if agreement.signed_on is None:
        errors["signed_on"] = "Record the signing date first."
    if not agreement.document:
        errors["document"] = "Attach the signed document first."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        others = BusinessAssociateAgreement.objects.select_for_update().filter(
            covered_entity=agreement.covered_entity,
            business_associate=agreement.business_associate,
            status=AgreementStatus.ACTIVE,
        )
        if others.exists():
            raise ValidationError(
                {"status": "Another BAA with this vendor is active: terminate it first."}
            )
        agreement.status = AgreementStatus.ACTIVE
        agreement.save(update_fields=["status"])
        _event(
            "agreement.activated",
            actor=actor,
            organization=agreement.covered_entity,
            entity=agreement,
        )
    return agreement


def baa_terminate(
    *, agreement: BusinessAssociateAgreement, actor: User, reason: str
) -> BusinessAssociateAgreement:
    """Terminate an agreement now: the vendor's access to the tenant's PHI stops at once."""
    if agreement.status != AgreementStatus.ACTIVE:
        raise ValidationError({"status": "Only an active BAA can be terminated."})
    if not reason.strip():
        raise ValidationError({"reason": "Say why the agreement is terminated."})
    with transaction.atomic():
        agreement.status = AgreementStatus.TERMINATED
        agreement.terminated_at = timezone.now()
        agreement.termination_reason = reason.strip()[:300]
        agreement.save(update_fields=["status", "terminated_at", "termination_reason"])
        _event(
            "agreement.terminated",
            actor=actor,
            organization=agreement.covered_entity,
            entity=agreement,
        )
    return agreement


def baa_expire_due() -> int:
    """Mark active agreements past their end date as expired; returns how many.

    Access does not wait for this: the gate checks the dates itself. This
    keeps the stored status honest for lists and reports.
    """
    expired = 0
    candidates = BusinessAssociateAgreement.objects.filter(
        status=AgreementStatus.ACTIVE, terminates_on__isnull=False
    ).select_related("covered_entity")
    for agreement in candidates:
        if agreement.effective_status == AgreementStatus.EXPIRED:
            with transaction.atomic():
                agreement.status = AgreementStatus.EXPIRED
                agreement.save(update_fields=["status"])
                _event(
                    "agreement.expired",
                    actor=None,
                    organization=agreement.covered_entity,
                    entity=agreement,
                )
            expired += 1
    return expired
