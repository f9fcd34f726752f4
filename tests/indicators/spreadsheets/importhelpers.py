"""Upload, preview and confirm through the admin, as staff do; read results back."""

import io
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "spreadsheets"
FIGURE_HEADERS = ["Mã đơn vị", "Mã chỉ tiêu", "Năm", "Tháng", "Giá trị"]


def fixture(name):
    return (FIXTURES / name).read_bytes()


def xlsx(rows):
    """An XLSX file of the rows (the first one holds the headers)."""
    book = Workbook()
    for row in rows:
        book.active.append(row)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def figures_xlsx(*rows):
    return xlsx([FIGURE_HEADERS, *rows])


def preview(client, model, content, name="so-lieu.xlsx"):
    """Upload a file to the model's import page: the preview response."""
    return client.post(
        reverse(f"admin:indicators_{model}_import"),
        {"import_file": SimpleUploadedFile(name, content), "format": "0", "resource": "0"},
    )


def confirm(client, model, response):
    """Confirm the previewed import; the response is the redirect to the list."""
    form = response.context["confirm_form"]
    data = {**form.initial, "confirm": "1"}
    return client.post(reverse(f"admin:indicators_{model}_process_import"), data)


def import_file(client, model, content, name="so-lieu.xlsx"):
    response = preview(client, model, content, name)
    assert response.status_code == 200
    assert "confirm_form" in response.context, errors(response) or form_errors(response)
    done = confirm(client, model, response)
    assert done.status_code == 302, done.content[:2000]
    return response, done


def result(response):
    return response.context["result"]


def row_types(response):
    return [(row.number, row.import_type) for row in result(response).rows]


def errors(response):
    """Every error of the preview: the file's, then each row's, as shown."""
    found = result(response) if "result" in response.context else None
    if found is None:
        return []
    messages = [str(e.error) for e in found.base_errors]
    for row in found.rows:
        messages.extend(getattr(row, "messages", []))
    return messages


def form_errors(response):
    form = response.context.get("form")
    return [str(e) for e in form.errors.get("import_file", [])] if form is not None else []


def messages_of(response):
    return [str(m) for m in response.wsgi_request._messages]


def use_own_media(settings, tmp_path):
    """Pending imports go to a media storage of the test's own; returns their folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT / "django-import-export"
