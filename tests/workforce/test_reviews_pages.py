"""Access review pages: who sees what, deciding through the form, the report and its CSV."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from steward.tenancy.models import Membership
from steward.tenancy.roles import Role
from steward.workforce.models import AccessReviewCampaign, AccessReviewDecision, AccessReviewItem
from steward.workforce.services.reviews import (
    review_campaign_open,
    review_deadline_sweep,
    review_decide,
)
from tests.factories import MembershipFactory, UserFactory
from tests.personas import Tenant, with_mfa


@pytest.fixture
def campaign_a(tenant_a: Tenant) -> AccessReviewCampaign:
    return review_campaign_open(tenant=tenant_a.bpo, actor=tenant_a.compliance_officer)


def _item(campaign: AccessReviewCampaign, user: Any) -> AccessReviewItem:
    return AccessReviewItem.objects.get(campaign=campaign, membership__user=user)


def _vendor_auditor(tenant: Tenant) -> Any:
    user: Any = UserFactory(full_name=f"Vendor auditor {tenant.label}")
    with_mfa(user)
    MembershipFactory(user=user, organization=tenant.bpo, role=Role.AUDITOR)
    return user


# --- The list and opening a campaign ------------------------------------------------------


def test_the_compliance_officer_opens_a_campaign_from_the_list(
    tenant_a: Tenant, signed_in: Any
) -> None:
    client = signed_in(tenant_a.compliance_officer)
    page = client.get(reverse("workforce:reviews"))
    assert page.status_code == 200 and "No access review yet" in page.content.decode()
    deadline = tenant_a.bpo.local_today() + dt.timedelta(days=10)
    response = client.post(
        reverse("workforce:review-open"), {"name": "Spring review", "deadline": deadline}
    )
    campaign = AccessReviewCampaign.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("workforce:review", args=[campaign.pk])
    assert campaign.name == "Spring review" and campaign.deadline == deadline
    listed = client.get(reverse("workforce:reviews")).content.decode()
    assert "Spring review" in listed and "0 of 5" in listed


def test_opening_with_a_past_deadline_or_twice_shows_a_clear_error(
    tenant_a: Tenant, signed_in: Any
) -> None:
    client = signed_in(tenant_a.compliance_officer)
    past = tenant_a.bpo.local_today() - dt.timedelta(days=1)
    response = client.post(reverse("workforce:review-open"), {"deadline": past})
    assert response.status_code == 400 and "Choose a deadline after today" in response.text
    assert (
        client.post(reverse("workforce:review-open"), {"deadline": "tomorrow"}).status_code == 400
    )
    assert not AccessReviewCampaign.objects.exists()
    client.post(reverse("workforce:review-open"), {})
    again = client.post(reverse("workforce:review-open"), {})
    assert again.status_code == 400 and "still open" in again.text
    assert AccessReviewCampaign.objects.count() == 1


def test_supervisors_and_auditors_read_the_list_but_do_not_open(
    tenant_a: Tenant, campaign_a: AccessReviewCampaign, signed_in: Any, client: Any
) -> None:
    for reader in (tenant_a.supervisor, _vendor_auditor(tenant_a)):
        page = signed_in(reader).get(reverse("workforce:reviews"))
        assert page.status_code == 200 and campaign_a.name in page.text
        assert "Open the campaign" not in page.text
        assert client.post(reverse("workforce:review-open"), {}).status_code == 403
    assert AccessReviewCampaign.objects.count() == 1


def test_a_vma_and_practice_staff_get_403(
    tenant_a: Tenant, campaign_a: AccessReviewCampaign, signed_in: Any, client: Any
) -> None:
    item = _item(campaign_a, tenant_a.vma)
    for outsider in (tenant_a.vma, tenant_a.client_admin):
        signed_in(outsider)
        for url in (
            reverse("workforce:reviews"),
            reverse("workforce:review", args=[campaign_a.pk]),
            reverse("workforce:review-item", args=[item.pk]),
            reverse("workforce:review-report", args=[campaign_a.pk]),
            reverse("workforce:review-report-csv", args=[campaign_a.pk]),
        ):
            assert client.get(url).status_code == 403, (outsider, url)
        response = client.post(
            reverse("workforce:review-decide", args=[item.pk]), {"decision": "approve"}
        )
        assert response.status_code == 403
    item.refresh_from_db()
    assert item.decision == "pending"


def test_another_vendors_people_get_404(
    tenant_a: Tenant, tenant_b: Tenant, campaign_a: AccessReviewCampaign, signed_in: Any
) -> None:
    item = _item(campaign_a, tenant_a.vma)
    client = signed_in(tenant_b.compliance_officer)
    for url in (
        reverse("workforce:review", args=[campaign_a.pk]),
        reverse("workforce:review-item", args=[item.pk]),
        reverse("workforce:review-report", args=[campaign_a.pk]),
        reverse("workforce:review-report-csv", args=[campaign_a.pk]),
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(
        reverse("workforce:review-decide", args=[item.pk]), {"decision": "revoke", "note": "x"}
    )
    assert response.status_code == 404
    assert campaign_a.name not in client.get(reverse("workforce:reviews")).text
    item.refresh_from_db()
    assert item.decision == "pending" and tenant_a.membership(tenant_a.vma).is_active


# --- The campaign and its items ------------------------------------------------------------


def test_a_supervisor_sees_only_the_items_they_review(
    tenant_a: Tenant, campaign_a: AccessReviewCampaign, signed_in: Any
) -> None:
    client = signed_in(tenant_a.supervisor)
    page = client.get(reverse("workforce:review", args=[campaign_a.pk]))
    assert [i.membership.user for i in page.context["page"].object_list] == [tenant_a.vma]
    others = _item(campaign_a, tenant_a.trainer)
    assert client.get(reverse("workforce:review-item", args=[others.pk])).status_code == 404
    assert (
        client.post(
            reverse("workforce:review-decide", args=[others.pk]), {"decision": "approve"}
        ).status_code
        == 404
    )


def test_the_campaign_page_filters_and_pins_its_queries(
    tenant_a: Tenant,
    campaign_a: AccessReviewCampaign,
    signed_in: Any,
    django_assert_max_num_queries: Any,
) -> None:
    review_decide(
        item=_item(campaign_a, tenant_a.vma), actor=tenant_a.supervisor, decision="approve"
    )
    client = signed_in(tenant_a.compliance_officer)
    url = reverse("workforce:review", args=[campaign_a.pk])
    with django_assert_max_num_queries(17):
        everyone = client.get(url)
    assert len(everyone.context["page"].object_list) == 5
    approved = client.get(url, {"decision": "approve"}).context["page"].object_list
    assert [i.membership.user for i in approved] == [tenant_a.vma]
    privileged = client.get(url, {"flag": "privileged"}).context["page"].object_list
    assert {i.membership.user for i in privileged} == {
        tenant_a.supervisor,
        tenant_a.bpo_admin,
        tenant_a.compliance_officer,
    }
    mine = client.get(url, {"mine": "1"}).context["page"].object_list
    assert [i.membership.user for i in mine] == [tenant_a.bpo_admin]
    # Nonsense filters and pages are ignored, never an error.
    assert client.get(url, {"decision": "x", "flag": "'; --", "page": "zz"}).status_code == 200


def test_the_item_page_explains_flags_and_shows_history(
    tenant_a: Tenant, campaign_a: AccessReviewCampaign, signed_in: Any
) -> None:
    item = _item(campaign_a, tenant_a.supervisor)
    review_decide(item=item, actor=tenant_a.bpo_admin, decision="escalate", note="Two hats")
    page = signed_in(tenant_a.compliance_officer).get(
        reverse("workforce:review-item", args=[item.pk])
    )
    text = page.content.decode()
    assert "Holds a privileged role" in text and "Has not signed in for 30 days" in text
    assert "Two hats" in text and "Escalate" in text
    assert page.context["form"] is not None


def test_the_reviewer_decides_through_the_form(
    tenant_a: Tenant, campaign_a: AccessReviewCampaign, signed_in: Any
) -> None:
    item = _item(campaign_a, tenant_a.vma)
    client = signed_in(tenant_a.supervisor)
    assert client.get(reverse("workforce:review-item", args=[item.pk])).context["form"]
    response = client.post(
        reverse("workforce:review-decide", args=[item.pk]),
        {"decision": "revoke", "note": "No longer on scheduling"},
    )
    assert response.status_code == 302
    assert response.url == reverse("workforce:review", args=[campaign_a.pk])
    item.refresh_from_db()
    assert item.decision == "revoke"
    assert not Membership.objects.get(pk=item.membership_id).is_active
    # Decided: the page shows no form any more.
    assert client.get(reverse("workforce:review-item", args=[item.pk])).context["form"] is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"decision": "delete"}, "Select a valid choice"),
        ({"decision": "revoke", "note": ""}, "Say why you revoke"),
        ({"decision": "escalate"}, "Say why you escalate"),
        ({}, "This field is required"),
    ],
)
def test_bad_decisions_show_a_form_error_and_change_nothing(
    tenant_a: Tenant,
    campaign_a: AccessReviewCampaign,
    signed_in: Any,
    data: dict[str, str],
    message: str,
) -> None:
    item = _item(campaign_a, tenant_a.vma)
    response = signed_in(tenant_a.supervisor).post(
        reverse("workforce:review-decide", args=[item.pk]), data
    )
    assert response.status_code == 400 and message in response.content.decode()
    item.refresh_from_db()
    assert item.decision == "pending" and not AccessReviewDecision.objects.exists()
    assert tenant_a.membership(tenant_a.vma).is_active


def test_deciding_twice_or_after_the_deadline_is_refused_clearly(
    tenant_a: Tenant, campaign_a: AccessReviewCampaign, signed_in: Any
) -> None:
    client = signed_in(tenant_a.compliance_officer)
    approved = _item(campaign_a, tenant_a.vma)
    review_decide(item=approved, actor=tenant_a.supervisor, decision="approve")
    twice = client.post(
        reverse("workforce:review-decide", args=[approved.pk]),
        {"decision": "revoke", "note": "Changed mind"},
    )
    assert twice.status_code == 400 and "already decided" in twice.content.decode()
    assert tenant_a.membership(tenant_a.vma).is_active

    # The officer's own access is approved, so the sweep leaves them able to try.
    review_decide(
        item=_item(campaign_a, tenant_a.compliance_officer),
        actor=tenant_a.bpo_admin,
        decision="approve",
    )
    review_deadline_sweep(today=campaign_a.deadline + dt.timedelta(days=1))
    swept = _item(campaign_a, tenant_a.trainer)
    late = client.post(reverse("workforce:review-decide", args=[swept.pk]), {"decision": "approve"})
    assert late.status_code == 400 and "campaign is closed" in late.content.decode()
    swept.refresh_from_db()
    assert swept.decision == "revoke" and swept.automatic and swept.history.count() == 1


def test_an_auditor_reads_items_but_cannot_decide(
    tenant_a: Tenant, campaign_a: AccessReviewCampaign, signed_in: Any
) -> None:
    item = _item(campaign_a, tenant_a.vma)
    client = signed_in(_vendor_auditor(tenant_a))
    page = client.get(reverse("workforce:review-item", args=[item.pk]))
    assert page.status_code == 200 and page.context["form"] is None
    response = client.post(
        reverse("workforce:review-decide", args=[item.pk]), {"decision": "approve"}
    )
    assert response.status_code == 403


# --- The report --------------------------------------------------------------------------


def test_the_report_page_charts_the_decisions(
    tenant_a: Tenant, campaign_a: AccessReviewCampaign, signed_in: Any
) -> None:
    review_decide(
        item=_item(campaign_a, tenant_a.vma), actor=tenant_a.supervisor, decision="approve"
    )
    page = signed_in(tenant_a.compliance_officer).get(
        reverse("workforce:review-report", args=[campaign_a.pk])
    )
    assert page.status_code == 200
    assert page.context["report"]["completion_percent"] == 20
    chart = {bar["label"]: bar["value"] for bar in page.context["decision_bars"]}
    assert chart["Approved"] == 1 and chart["Pending"] == 4
    assert 'data-testid="figure-completion">20%' in page.content.decode()


def test_supervisors_do_not_open_the_report(
    tenant_a: Tenant, campaign_a: AccessReviewCampaign, signed_in: Any
) -> None:
    url = reverse("workforce:review-report", args=[campaign_a.pk])
    assert signed_in(tenant_a.supervisor).get(url).status_code == 403


def test_the_csv_lists_every_item_with_its_decision(
    tenant_a: Tenant, campaign_a: AccessReviewCampaign, signed_in: Any
) -> None:
    tenant_a.vma.full_name = "=HYPERLINK(evil)"
    tenant_a.vma.save(update_fields=["full_name"])
    review_decide(
        item=_item(campaign_a, tenant_a.vma),
        actor=tenant_a.supervisor,
        decision="revoke",
        note="Left the team",
    )
    response = signed_in(_vendor_auditor(tenant_a)).get(
        reverse("workforce:review-report-csv", args=[campaign_a.pk])
    )
    assert response.status_code == 200 and response["Content-Type"] == "text/csv"
    lines = response.content.decode().strip().splitlines()
    assert lines[0].startswith("Worker,Email,Role")
    assert len(lines) == 6
    vma_line = next(line for line in lines if "HYPERLINK" in line)
    assert vma_line.startswith("'=HYPERLINK") and "revoke" in vma_line
    assert "Left the team" in vma_line
