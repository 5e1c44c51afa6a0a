"""`/imports/`: the upload (a resource, a file, a dry run or a commit), its report and the
import log."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.base.serializers import ModelSerializer, Serializer
from imports.models import Import
from imports.resources import RESOURCES
from park.models import Park


class ImportUploadSerializer(Serializer):
    resource = serializers.ChoiceField(choices=RESOURCES, help_text=_("What the file holds."))
    file = serializers.FileField(
        help_text=_(
            "A CSV (UTF-8 with or without BOM, UTF-16, Windows-1258) or XLSX file; at most "
            "20 MB and 100,000 rows."
        )
    )
    commit = serializers.BooleanField(
        default=False,
        help_text=_("Write the rows (all of them, or none when a row has an error)."),
    )
    sheet = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text=_("The XLSX sheet to read, by name (default: the first)."),
    )
    park = serializers.PrimaryKeyRelatedField(
        queryset=Park.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("The park (id) usage and bank statements are imported into."),
    )


class RowErrorSerializer(Serializer):
    row = serializers.IntegerField(
        allow_null=True, help_text=_("The spreadsheet's row number (the header is row 1).")
    )
    column = serializers.CharField(
        allow_null=True, help_text=_("The header as written in the file.")
    )
    code = serializers.CharField()
    message = serializers.CharField()


class ImportReportSerializer(Serializer):
    """What an import found: counts per outcome and the errors by row and column."""

    resource = serializers.ChoiceField(choices=RESOURCES)
    rows = serializers.IntegerField(help_text=_("Data rows in the file."))
    new = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    skipped = serializers.IntegerField(help_text=_("Blank rows."))
    errors = RowErrorSerializer(many=True)
    unmatched = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text=_(
            "Usage and bank statements only: the rows that match no company (not imported)."
        ),
    )
    committed = serializers.BooleanField(help_text=_("Whether the rows were written."))


class ImportResultSerializer(ImportReportSerializer):
    """The report of a file checked (or written) at once, with its import log's id."""

    id = serializers.UUIDField(help_text=_("The import log row: GET /imports/{id}/."))


class ImportQueuedSerializer(Serializer):
    id = serializers.UUIDField(help_text=_("The import log row: GET /imports/{id}/."))


class ProgressSerializer(Serializer):
    done = serializers.IntegerField(help_text=_("Rows checked so far."))
    total = serializers.IntegerField(help_text=_("Data rows in the file."))


class ImportSerializer(ModelSerializer):
    """One import: what was asked, by whom, its progress and (once done) its report."""

    progress = serializers.SerializerMethodField()
    report = ImportReportSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Import
        fields = [
            "id",
            "resource",
            "file_name",
            "sha256",
            "user",
            "park",
            "commit",
            "committed",
            "status",
            "progress",
            "report",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields

    @extend_schema_field(ProgressSerializer)
    def get_progress(self, record: Import) -> dict:
        return {"done": record.progress_done, "total": record.progress_total}
