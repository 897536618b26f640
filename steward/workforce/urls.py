from __future__ import annotations

from steward.workforce.views import (
    checklists,
    compliance,
    policies,
    reviews,
    scenarios,
    screening,
    training,
)

app_name = "workforce"

urlpatterns = [
    *compliance.urlpatterns,
    *training.urlpatterns,
    *policies.urlpatterns,
    *screening.urlpatterns,
    *scenarios.urlpatterns,
    *reviews.urlpatterns,
    *checklists.urlpatterns,
]
