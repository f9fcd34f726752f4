"""Admin mixins that give each indicators model its spreadsheet import and export."""

from import_export.admin import ImportExportMixin


class SpreadsheetAdminMixin(ImportExportMixin):
    """Import (preview, then confirm) and export of a model's rows in XLSX, ODS, CSV and JSON."""


class ExportOnlyAdminMixin(SpreadsheetAdminMixin):
    """For models that are never imported (history, assignments)."""

    def has_import_permission(self, request):
        return False
