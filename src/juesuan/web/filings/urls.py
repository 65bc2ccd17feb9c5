from django.urls import path

from juesuan.web.filings import editor, views

urlpatterns = [
    path("", views.workspace, name="workspace"),
    path("new/", editor.new, name="filing-new"),
    path("f/<int:pk>/", views.overview, name="filing"),
    path("f/<int:pk>/edit/", editor.edit, name="filing-edit"),
    path("f/<int:pk>/edit/<slug:section>/", editor.section, name="filing-edit-section"),
    path("f/<int:pk>/edit/<slug:section>/check/", editor.check, name="filing-edit-check"),
    path("f/<int:pk>/edit/<slug:section>/bulk/", editor.bulk_edit, name="filing-edit-bulk"),
    path("f/<int:pk>/import/", editor.import_, name="filing-import"),
    path("f/<int:pk>/tables/", editor.tables, name="filing-tables"),
    path("codes/", editor.codes, name="code-lookup"),
    path("f/<int:pk>/act/<str:action>/", views.act, name="filing-act"),
    path("f/<int:pk>/explain/", views.explain, name="filing-explain"),
    path("f/<int:pk>/versions/", views.versions, name="filing-versions"),
    path("f/<int:pk>/versions/<int:number>/restore/", views.restore, name="filing-restore"),
    path("f/<int:pk>/versions/<int:a>/diff/<int:b>/", views.version_diff, name="filing-diff"),
    path("f/<int:pk>/log/", views.audit_log, name="filing-log"),
    path("f/<int:pk>/v<int:number>.<str:fmt>", views.download, name="filing-download"),
    path("region/", views.regions, name="region-list"),
    path("region/<str:code>/<int:year>/", views.region_overview, name="region-overview"),
    path("region/<str:code>/<int:year>/batch/", views.region_batch, name="region-batch"),
    path("region/<str:code>/<int:year>/deadline/", views.region_deadline, name="region-deadline"),
]
