"""The inspections app's pages: the lists, an inspection, a finding, an item and its actions, the
follow-up reviews. Names other pages rely on: item_list, item_detail (pk), inspection_list,
inspection_detail (pk), inspection_create, inspection_edit (pk), finding_detail (pk), review_list,
review_detail (pk)."""

from django.urls import path

from inspections.views import findings, inspections, items, lists, reviews

app_name = "inspections"

urlpatterns = [
    path("recommendations/", lists.item_list, name="item_list"),
    path("inspections/", lists.inspection_list, name="inspection_list"),
    path("inspections/new/", inspections.inspection_create, name="inspection_create"),
    path("inspections/<int:pk>/", lists.inspection_detail, name="inspection_detail"),
    path("inspections/<int:pk>/edit/", inspections.inspection_edit, name="inspection_edit"),
    path("follow-up-reviews/", lists.review_list, name="review_list"),
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
