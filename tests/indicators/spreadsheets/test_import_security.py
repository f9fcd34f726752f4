"""What must never get in: non-spreadsheets, damaged or huge files, other people's communes.

Also: import needs its own permission, and a pending import waits in the shared storage (not a
local temporary file), so that preview and confirm may reach different servers.
"""

import tempfile
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse

from indicators.models import Achievement, FigureChange, MonthlyReport
from tests.indicators.spreadsheets.importhelpers import (
    confirm,
    errors,
    figures_xlsx,
    fixture,
    form_errors,
    messages_of,
    preview,
    use_own_media,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def pending_media(settings, tmp_path):
    return use_own_media(settings, tmp_path)


NOT_A_SPREADSHEET = "Tệp này không phải là bảng tính"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("picture.xlsx", f"{NOT_A_SPREADSHEET} (có vẻ là PNG)."),
        ("document.xlsx", f"{NOT_A_SPREADSHEET} (có vẻ là PDF)."),
        ("random.csv", f"{NOT_A_SPREADSHEET} (có vẻ là tệp nhị phân)."),
        ("encrypted.xlsx", "Bảng tính này được đặt mật khẩu, hoặc được lưu ở định dạng cũ"),
        ("truncated.xlsx", "Bảng tính này bị hỏng hoặc chưa đầy đủ nên không đọc được."),
    ],
)
def test_files_that_are_not_readable_spreadsheets_are_refused(
    as_user,
    clerk_a,
    catalogue,
    pending_media,
    name,
    message,
):
    response = preview(as_user(clerk_a), "achievement", fixture(name), name)
    assert response.status_code == 200
    assert "confirm_form" not in response.context
    (error,) = form_errors(response)
    assert error.startswith(message), error
    assert message in response.content.decode()
    assert not Achievement.objects.exists() and not MonthlyReport.objects.exists()
    # The upload was not left behind in the shared storage.
    assert not pending_media.exists() or not list(pending_media.iterdir())


def test_a_web_page_saved_as_xls_is_named(as_user, clerk_a, catalogue):
    page = b"<html><body><table><tr><td>Ma don vi</td></tr></table></body></html>"
    response = preview(as_user(clerk_a), "achievement", page, "bao-cao.xls")
    assert form_errors(response)[0].startswith("Tệp này là trang web hoặc XML (HTML)")


def test_an_empty_file_and_a_file_without_data(as_user, clerk_a, catalogue):
    client = as_user(clerk_a)
    (error,) = form_errors(preview(client, "achievement", b"", "rong.csv"))
    assert "rỗng" in error
    response = preview(client, "achievement", "Mã đơn vị;Giá trị\n;;\n".encode(), "a.csv")
    assert form_errors(response) == [
        "Tệp có dòng tiêu đề nhưng không có dữ liệu bên dưới: hãy điền mỗi bản ghi một dòng."
    ]


def test_a_file_over_the_size_limit_is_refused(as_user, clerk_a, catalogue, settings):
    content = figures_xlsx(["xa-a", "JOBS", 2026, 10, 5])
    settings.IMPORT_MAX_BYTES = len(content) - 1
    response = preview(as_user(clerk_a), "achievement", content)
    (error,) = form_errors(response)
    assert error.startswith("Tệp có dung lượng") and "vượt quá giới hạn" in error
    assert not Achievement.objects.exists()


def test_a_workbook_that_unpacks_to_far_more_than_the_limit_is_refused(
    as_user, clerk_a, catalogue, settings
):
    rows = [["xa-a", "JOBS", 2026, 10, 5, "x" * 30000] for _i in range(40)]
    content = figures_xlsx(*rows)
    settings.IMPORT_MAX_BYTES = len(content) + 10  # the upload fits, its contents do not
    response = preview(as_user(clerk_a), "achievement", content)
    assert "vượt quá giới hạn" in form_errors(response)[0]


def test_an_editor_may_not_import(as_user, editor, catalogue):
    client = as_user(editor)
    assert client.get(reverse("admin:indicators_achievement_import")).status_code == 403
    response = preview(client, "achievement", figures_xlsx(["xa-a", "JOBS", 2026, 10, 5]))
    assert response.status_code == 403
    page = client.get(reverse("admin:indicators_achievement_changelist"))
    assert page.status_code == 200
    assert reverse("admin:indicators_achievement_import") not in page.content.decode()
    assert reverse("admin:indicators_achievement_export") in page.content.decode()


def test_history_and_assignments_are_never_imported(as_user, superuser):
    client = as_user(superuser)
    for model in ("figurechange", "unitassignment", "monthlyreport"):
        assert client.get(reverse(f"admin:indicators_{model}_import")).status_code == 403


def test_a_clerk_imports_their_commune_and_only_theirs(
    as_user, clerk_a, clerk_b, commune_a, commune_b, catalogue
):
    content = figures_xlsx(["xa-a", "JOBS", 2026, 10, 10])
    response = preview(as_user(clerk_b), "achievement", content)
    assert errors(response) == [
        "Dòng 2, cột “Mã đơn vị”: bạn không được nhập số liệu của Xã An Bình."
    ]
    # Even the preview reveals nothing of commune A's figures: no "unchanged" row for it.
    assert [row.import_type for row in response.context["result"].rows] == ["invalid"]
    response = preview(as_user(clerk_a), "achievement", content)
    confirm(as_user(clerk_a), "achievement", response)
    assert Achievement.objects.get().report.unit == commune_a


def test_confirm_checks_the_permission_again(as_user, clerk_a, editor, catalogue):
    response = preview(as_user(clerk_a), "achievement", figures_xlsx(["xa-a", "JOBS", 2026, 10, 5]))
    data = response.context["confirm_form"].initial
    client = as_user(editor)
    done = client.post(reverse("admin:indicators_achievement_process_import"), data)
    assert done.status_code == 403
    assert not Achievement.objects.exists()


def test_the_pending_import_waits_in_the_media_storage_not_a_local_temp_file(
    as_user,
    clerk_a,
    commune_a,
    catalogue,
    pending_media,
    settings,
):
    assert settings.IMPORT_EXPORT_TMP_STORAGE_CLASS == "import_export.tmp_storages.MediaStorage"
    client = as_user(clerk_a)
    response = preview(client, "achievement", figures_xlsx(["xa-a", "JOBS", 2026, 10, "1.234"]))
    name = response.context["confirm_form"].initial["import_file_name"]
    assert (pending_media / name).is_file()  # in the storage every server shares
    assert not (tempfile.gettempdir() / __import__("pathlib").Path(name)).exists()
    done = confirm(client, "achievement", response)
    assert done.status_code == 302
    assert Achievement.objects.get().value == Decimal("1234")
    assert not (pending_media / name).exists()  # removed once imported


def test_the_pending_import_waits_in_redis_when_there_is_one(
    as_user, clerk_a, commune_a, catalogue, settings
):
    settings.IMPORT_EXPORT_TMP_STORAGE_CLASS = "import_export.tmp_storages.CacheStorage"
    client = as_user(clerk_a)
    response = preview(client, "achievement", figures_xlsx(["xa-a", "JOBS", 2026, 10, 7]))
    name = response.context["confirm_form"].initial["import_file_name"]
    assert cache.get(f"django-import-export-{name}")  # the shared cache holds the bytes
    confirm(client, "achievement", response)
    assert Achievement.objects.get().value == 7
    assert cache.get(f"django-import-export-{name}") is None


def test_an_expired_pending_import_says_so(as_user, clerk_a, catalogue, pending_media):
    client = as_user(clerk_a)
    response = preview(client, "achievement", figures_xlsx(["xa-a", "JOBS", 2026, 10, 7]))
    for path in pending_media.iterdir():
        path.unlink()
    done = confirm(client, "achievement", response)
    assert done.status_code == 302
    assert messages_of(done) == ["Tệp đã tải lên không còn nữa: hãy tải lên lại."]
    assert not Achievement.objects.exists() and not FigureChange.objects.exists()


def test_a_forged_pending_name_cannot_leave_the_storage(as_user, clerk_a, catalogue):
    client = as_user(clerk_a)
    response = preview(client, "achievement", figures_xlsx(["xa-a", "JOBS", 2026, 10, 7]))
    data = {**response.context["confirm_form"].initial, "import_file_name": "../../settings.py"}
    done = client.post(reverse("admin:indicators_achievement_process_import"), data)
    assert done.status_code == 302
    assert messages_of(done) == ["Tệp đã tải lên không còn nữa: hãy tải lên lại."]
    assert not Achievement.objects.exists()
