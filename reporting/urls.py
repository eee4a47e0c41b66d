from django.urls import path

from reporting.views import exports, forces, meeting_pack

app_name = "reporting"

urlpatterns = [
    path("recommendations/download/", exports.item_export, name="item_export"),
    path("inspections/<int:pk>/comments-draft/<slug:slug>/", forces.comments_draft, name="comments_draft"),
]

# The forces pages share the "forces" namespace with forces.urls (config/urls.py joins them).
force_urlpatterns = [
    path("", forces.force_list, name="force_list"),
    path("<slug:slug>/", forces.force_detail, name="force_detail"),
    path("<slug:slug>/committee-paper/", forces.force_committee_paper, name="force_committee_paper"),
    path("<slug:slug>/committee-paper/<uuid:pk>/", forces.committee_paper_job, name="committee_paper_job"),
    path(
        "<slug:slug>/committee-paper/<uuid:pk>/download/",
        forces.committee_paper_job_download,
        name="committee_paper_job_download",
    ),
]

# The meeting pack, under the overdue review's addresses and names (the "oversight" namespace, with
# oversight.urls; config/urls.py joins them).
oversight_urlpatterns = [
    path("meeting-pack/", meeting_pack.meeting_pack, name="meeting_pack"),
]
