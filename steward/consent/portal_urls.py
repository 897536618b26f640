from django.urls import path

from steward.consent import portal

app_name = "privacy"

urlpatterns = [
    path("", portal.privacy, name="home"),
    path("choose/<slug:code>/", portal.privacy_choose, name="choose"),
    path("acknowledge/", portal.privacy_acknowledge, name="acknowledge"),
    path("history/", portal.privacy_history, name="history"),
    path("receipts/<uuid:record_id>.json", portal.receipt_json, name="receipt-json"),
    path("receipts/<uuid:record_id>.pdf", portal.receipt_pdf, name="receipt-pdf"),
    path("consents.fhir.json", portal.consent_fhir, name="fhir"),
]
