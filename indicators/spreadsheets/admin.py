"""Admin mixins that give each indicators model its spreadsheet import and export.

Import follows django-import-export's flow: upload, preview (a dry run in a transaction that is
rolled back), confirm (the same import, for real, in one transaction that writes nothing if any
row is wrong). The pending file waits between the two in the configured temporary storage
(Redis or the shared media storage), so preview and confirm may reach different servers.
Import and export each need their own permission (``import_<model>``, ``export_<model>``),
and exports hold only the rows the user may see (the admin's ``get_queryset``).
"""

import logging

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext
from import_export.admin import ImportExportMixin
from import_export.forms import ImportForm, SelectableFieldsExportForm
from import_export.results import RowResult

from indicators.spreadsheets.formats import (
    EXPORT_FORMATS,
    IMPORT_FORMATS,
    XLSX_TYPE,
    SpreadsheetError,
    human_size,
    sniff,
    write_xlsx,
)
from indicators.spreadsheets.resources import RESOURCES
from indicators.spreadsheets.widgets import fold

logger = logging.getLogger(__name__)

# Messages of django-import-export's own pages, which ships no Vietnamese: listed here so that
# they stay in the project's catalogue (which takes precedence over the library's).
LIBRARY_MESSAGES = [
    gettext_noop("Import"),
    gettext_noop("Export"),
    gettext_noop("Format"),
    gettext_noop("Resource"),
    gettext_noop("File to import"),
    gettext_noop("Submit"),
    gettext_noop("Select all"),
    gettext_noop("This exporter will export the following fields: "),
    gettext_noop("This importer will import the following fields: "),
    gettext_noop('Select at least 1 field for "%(resource_name)s" to export'),
]


class SpreadsheetImportForm(ImportForm):
    """The upload: any spreadsheet up to IMPORT_MAX_BYTES; its kind is read from its bytes."""

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        field = self.fields["import_file"]
        field.label = _("File to import")
        field.widget.attrs["accept"] = ".xlsx,.ods,.csv,.json,.txt"
        field.help_text = _(
            "Excel (.xlsx), LibreOffice (.ods) or CSV, at most %(size)s. The first row holds the "
            "column headers."
        ) % {"size": human_size(settings.IMPORT_MAX_BYTES)}

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _(
                    "The file is %(size)s, more than the %(limit)s allowed. Split it into smaller "
                    "files (for example one per quarter) and import them one after another."
                )
                % {
                    "size": human_size(upload.size),
                    "limit": human_size(settings.IMPORT_MAX_BYTES),
                }
            )
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        # Refuse what is not a spreadsheet (a picture, a PDF, an encrypted or damaged workbook)
        # before it is stored for the preview.
        upload.seek(0)
        head = upload.read()
        upload.seek(0)
        try:
            sniff(head)
        except SpreadsheetError as exc:
            raise forms.ValidationError(str(exc)) from None
        return upload


class SpreadsheetExportForm(SelectableFieldsExportForm):
    """Columns to export, labelled by their spreadsheet headers; XLSX unless another is chosen."""

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.fields["format"].initial = "0"

    def _get_field_label(self, resource, field_name):
        field = resource.fields.get(field_name)
        return field.column_name if field else field_name


class SpreadsheetAdminMixin(ImportExportMixin):
    """Import (preview, then confirm) and export of a model's rows in XLSX, ODS, CSV and JSON."""

    import_template_name = "admin/indicators/spreadsheet_import.html"
    import_form_class = SpreadsheetImportForm
    export_form_class = SpreadsheetExportForm
    import_error_display = ("message",)

    # Resources and formats -----------------------------------------------------------------

    def get_resource_classes(self, request):
        return [RESOURCES[self.model]]

    def get_resource_kwargs(self, request, *args, **kwargs):
        return {**kwargs, "user": request.user}

    def get_import_formats(self):
        return list(IMPORT_FORMATS)

    def get_export_formats(self):
        return list(EXPORT_FORMATS)

    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        kwargs.pop("request", None)
        kwargs["rollback_on_validation_errors"] = True  # one row wrong: nothing written
        return kwargs

    def get_export_filename(self, request, queryset, file_format):
        name = fold(self.model._meta.verbose_name_plural).replace(" ", "-")
        return f"{name}-{timezone.localdate():%Y-%m-%d}.{file_format.get_extension()}"

    # Import --------------------------------------------------------------------------------

    def get_import_context_data(self, **kwargs):
        context = super().get_import_context_data(**kwargs)
        context["template_url"] = reverse(
            "admin:{}_{}_import_template".format(*self.get_model_info()),
            current_app=self.admin_site.name,
        )
        context["max_size"] = human_size(settings.IMPORT_MAX_BYTES)
        return context

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, SpreadsheetError):
            form.add_error("import_file", str(e))
            return
        logger.exception("Unreadable import file", exc_info=e)
        form.add_error(
            "import_file",
            _(
                "This file could not be read. Open it in Excel or LibreOffice, save it as an "
                "Excel Workbook (.xlsx) and upload that file."
            ),
        )

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None) or {}
        if request.method == "POST" and "confirm_form" not in context:
            # Nothing to confirm: do not leave the upload behind in the shared storage.
            name = getattr(request.FILES.get("import_file"), "tmp_storage_name", None)
            if name:
                self._remove_pending(name)
        return response

    def _remove_pending(self, name):
        storage = self.get_tmp_storage_class()(name=name, **self.get_tmp_storage_class_kwargs())
        try:
            storage.remove()
        except OSError:
            logger.warning("Could not remove the pending import %s", name)

    def process_import(self, request, **kwargs):
        try:
            return super().process_import(request, **kwargs)
        except SpreadsheetError as exc:
            messages.error(request, str(exc))
            return self._back_to_import(request)
        except OSError:  # the pending file is gone from the media storage
            messages.error(request, _("The uploaded file is no longer available: upload it again."))
            return self._back_to_import(request)

    def _back_to_import(self, request):
        return HttpResponseRedirect(
            reverse(
                "admin:{}_{}_import".format(*self.get_model_info()),
                current_app=self.admin_site.name,
            )
        )

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            # The data changed between preview and confirm (a month was sent, say): nothing
            # was written; say why.
            problems = [str(e.error) for e in result.base_errors]
            for row in result.rows:
                problems.extend(getattr(row, "messages", []))
            messages.error(
                request,
                _("Nothing was imported: %(problems)s") % {"problems": " ".join(problems[:5])},
            )
            return self._back_to_import(request)
        return super().process_result(result, request)

    def add_success_message(self, result, request):
        totals = result.totals
        text = _("Imported: %(new)s new, %(changed)s changed, %(unchanged)s unchanged rows.") % {
            "new": totals[RowResult.IMPORT_TYPE_NEW],
            "changed": totals[RowResult.IMPORT_TYPE_UPDATE],
            "unchanged": totals[RowResult.IMPORT_TYPE_SKIP],
        }
        messages.success(request, text)
        warned = sum(
            1
            for row in result.rows
            if row.import_type in (RowResult.IMPORT_TYPE_NEW, RowResult.IMPORT_TYPE_UPDATE)
            and getattr(row, "warnings", None)
        )
        if warned:
            messages.warning(
                request,
                ngettext(
                    "%(count)d imported figure has a warning: give the reason on the entry page "
                    "before sending the month for approval.",
                    "%(count)d imported figures have warnings: give the reasons on the entry "
                    "page before sending the month for approval.",
                    warned,
                )
                % {"count": warned},
            )

    # Template file -------------------------------------------------------------------------

    def get_urls(self):
        info = self.get_model_info()
        return [
            path(
                "import/template/",
                self.admin_site.admin_view(self.import_template_view),
                name="{}_{}_import_template".format(*info),
            ),
            *super().get_urls(),
        ]

    def import_template_view(self, request):
        """An XLSX file with the import's columns, one example row and a guide sheet."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        resource = RESOURCES[self.model](user=request.user)
        fields = resource.get_import_fields()
        required = set(resource.required_columns())
        example = resource.example(request.user)
        guide = [(_("Column"), _("Required"), _("How to fill it in"))]
        for field in fields:
            hint = " ".join(
                str(part) for part in (field.help_text, field.widget.hint()) if str(part)
            )
            guide.append(
                (field.column_name, _("yes") if field.column_name in required else "", hint)
            )
        data = write_xlsx(
            [f.column_name for f in fields],
            [[example.get(f.column_name) for f in fields]],
            str(self.model._meta.verbose_name_plural).capitalize(),
            notes=(_("Guide"), guide),
        )
        name = fold(self.model._meta.verbose_name_plural).replace(" ", "-")
        response = HttpResponse(data, content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="mau-nhap-{name}.xlsx"'
        return response


class ExportOnlyAdminMixin(SpreadsheetAdminMixin):
    """For models that are never imported (history, assignments)."""

    def has_import_permission(self, request):
        return False
