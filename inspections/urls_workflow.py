# An item's page and its actions, findings, follow-up reviews.
from django.urls import path

from inspections.views import findings, items, reviews

urlpatterns: list = [
    path("recommendations/<int:pk>/", items.item_detail, name="item_detail"),
    path("recommendations/<int:pk>/response/", items.item_respond, name="item_respond"),
    path("recommendations/<int:pk>/update/", items.item_update, name="item_update"),
    path("recommendations/<int:pk>/submit/", items.item_submit, name="item_submit"),
    path("recommendations/<int:pk>/more-time/", items.item_extension_request, name="item_extension_request"),
    path("recommendations/<int:pk>/verify/", items.item_verify, name="item_verify"),
    path("recommendations/<int:pk>/more-time/decide/", items.item_extension_decide, name="item_extension_decide"),
    path("recommendations/<int:pk>/close/", items.item_close, name="item_close"),
    path("recommendations/<int:pk>/reopen/", items.item_reopen, name="item_reopen"),
    path("evidence/<int:pk>/", items.evidence_download, name="evidence_download"),
    path("findings/<int:pk>/", findings.finding_detail, name="finding_detail"),
    path("inspections/<int:pk>/reviews/new/", reviews.review_create, name="review_create"),
    path("reviews/<int:pk>/", reviews.review_detail, name="review_detail"),
    path("reviews/<int:pk>/judge/", reviews.review_judge, name="review_judge"),
]
