# Lists, the dashboard's companions, exports, inspection pages.
from django.urls import path

from inspections.views import exports, lists

urlpatterns: list = [
    path("recommendations/", lists.item_list, name="item_list"),
    path("recommendations/download/", exports.item_export, name="item_export"),
    path("inspections/", lists.inspection_list, name="inspection_list"),
    path("inspections/<int:pk>/", lists.inspection_detail, name="inspection_detail"),
    path("follow-up-reviews/", lists.review_list, name="review_list"),
]
