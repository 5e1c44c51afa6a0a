from django.urls import path

from api.directory.views import (
    DirectoryChangesView,
    DirectoryCompanyView,
    DirectorySnapshotView,
)

urlpatterns = [
    path("directory/changes/", DirectoryChangesView.as_view(), name="directory-changes"),
    path("directory/snapshot/", DirectorySnapshotView.as_view(), name="directory-snapshot"),
    path(
        "directory/companies/<uuid:pk>/", DirectoryCompanyView.as_view(), name="directory-company"
    ),
]
