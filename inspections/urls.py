"""The inspections app's URLs, in two parts so that lists and workflow grow independently.

Names other pages rely on: inspections:item_list, item_detail (pk), inspection_list,
inspection_detail (pk), finding_detail (pk), review_list, review_detail (pk)."""

from inspections.urls_lists import urlpatterns as list_urls
from inspections.urls_workflow import urlpatterns as workflow_urls

app_name = "inspections"

urlpatterns = [*list_urls, *workflow_urls]
