"""The inspections app's pages: the lists, an inspection, a finding, an item and its actions, the
follow-up reviews. Names other pages rely on: item_list, item_detail (pk), inspection_list,
inspection_detail (pk), inspection_create, inspection_edit (pk), finding_detail (pk), review_list,
review_detail (pk), review_start, review_create (pk), review_close (pk), reply_record (pk, slug)."""

from django.urls import path

from inspections.views import findings, inspections, items, lists, replies, reviews, themes

app_name = "inspections"

urlpatterns = [
    path("recommendations/", lists.item_list, name="item_list"),
    path("inspections/", lists.inspection_list, name="inspection_list"),
    path("inspections/new/", inspections.inspection_create, name="inspection_create"),
    path("inspections/<int:pk>/", lists.inspection_detail, name="inspection_detail"),
    path("inspections/<int:pk>/edit/", inspections.inspection_edit, name="inspection_edit"),
    path("follow-up-reviews/", lists.review_list, name="review_list"),
    path("follow-up-reviews/new/", reviews.review_start, name="review_start"),
    path("recommendations/<int:pk>/", items.item_detail, name="item_detail"),
    # One page per item action (inspections/views/items.py ACTIONS names them).
    *[
        path(f"recommendations/<int:pk>/{spec.path}", items.item_action, {"action": action}, name=spec.url_name)
        for action, spec in items.ACTIONS.items()
    ],
    path("evidence/<int:pk>/", items.evidence_download, name="evidence_download"),
    path("findings/<int:pk>/", findings.finding_detail, name="finding_detail"),
    path("findings/<int:pk>/themes/", themes.finding_themes, name="finding_themes"),
    path("themes/", themes.theme_list, name="theme_list"),
    path("themes/new/", themes.theme_create, name="theme_create"),
    path("themes/<slug:slug>/", themes.theme_edit, name="theme_edit"),
    path("inspections/<int:pk>/reviews/new/", reviews.review_create, name="review_create"),
    path("reviews/<int:pk>/", reviews.review_detail, name="review_detail"),
    path("reviews/<int:pk>/judge/", reviews.review_judge, name="review_judge"),
    path("reviews/<int:pk>/close/", reviews.review_close, name="review_close"),
    path("inspections/<int:pk>/review-dates/", reviews.review_dates, name="review_dates"),
    path("inspections/<int:pk>/replies/<slug:slug>/", replies.reply_record, name="reply_record"),
    path("inspections/<int:pk>/fire-plan-deadline/", replies.authority_plan_deadline, name="authority_plan_deadline"),
]
