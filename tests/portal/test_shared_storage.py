"""Uploads and pending imports in an S3 bucket (moto's local server): nothing on local disk."""

import re
import tempfile
from pathlib import Path

import pytest
import requests
from django.core.files.storage import default_storage
from django.urls import reverse

from articles.models import Article
from indicators.models import Program
from tests.articles.conftest import image_upload
from tests.articles.test_admin_workflow import form_data
from tests.indicators.spreadsheets.importhelpers import confirm, messages_of, preview, xlsx

from .s3 import bucket, s3_endpoint  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db
PROGRAMS = xlsx([["Mã chương trình", "Tên chương trình", "Thứ tự"], ["gn", "Giảm nghèo", 1]])


@pytest.fixture
def on_s3(settings, bucket, tmp_path):  # noqa: F811
    """Uploads and pending imports in the test's bucket; MEDIA_ROOT must stay empty."""
    settings.STORAGES = bucket.storages(settings.STORAGES["staticfiles"])
    settings.MEDIA_ROOT = tmp_path / "media"
    yield bucket
    assert not settings.MEDIA_ROOT.exists() or not any(settings.MEDIA_ROOT.rglob("*"))


def test_a_picture_uploaded_in_the_admin_is_stored_and_shown_from_the_bucket(
    client, admin_user, on_s3, site_settings
):
    client.force_login(admin_user)
    data = form_data(status="published", cover=image_upload(), cover_alt="Cánh đồng lúa")
    response = client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get()
    original = article.cover.name
    assert original.startswith("articles/") and default_storage.exists(original)
    stored = on_s3.keys("media/")
    assert f"media/{original}" in stored
    renditions = [key for key in stored if key.startswith("media/articles/renditions/")]
    assert len(renditions) == 6  # 480, 960 and 1440 pixels wide, WebP and JPEG

    client.logout()
    page = client.get(article.get_absolute_url()).content.decode()
    base = f"{on_s3.endpoint}/{on_s3.name}/media/articles/renditions/"
    urls = re.findall(r'(?:srcset|src)="([^"]+)"', page)
    pictures = [url for part in urls for url in re.findall(r"(http\S+)", part)]
    assert pictures and all(url.startswith(base) for url in pictures)
    assert 'alt="Cánh đồng lúa"' in page
    shown = requests.get(pictures[0], timeout=10)
    assert shown.status_code == 200 and shown.headers["Content-Type"].startswith("image/")


def test_two_uploads_with_the_same_name_stay_two_pictures(client, admin_user, on_s3):
    client.force_login(admin_user)
    for title in ("Bài một", "Bài hai"):
        data = form_data(title=title, cover=image_upload("anh.jpg"), cover_alt="Ảnh")
        assert client.post(reverse("admin:articles_article_add"), data).status_code == 302
    first, second = (article.cover.name for article in Article.objects.order_by("pk"))
    assert first != second
    assert {f"media/{first}", f"media/{second}"} <= set(on_s3.keys("media/articles/"))


def test_an_import_waits_in_the_bucket_between_preview_and_confirmation(client, admin_user, on_s3):
    client.force_login(admin_user)
    response = preview(client, "program", PROGRAMS)
    assert response.status_code == 200 and "confirm_form" in response.context
    name = response.context["confirm_form"].initial["import_file_name"]
    key = f"pending-imports/django-import-export/{name}"
    assert on_s3.keys("pending-imports/") == [key]
    anyone = requests.get(f"{on_s3.endpoint}/{on_s3.name}/{key}", timeout=10)
    assert anyone.status_code == 403  # staff's spreadsheet is not public
    assert not (Path(tempfile.gettempdir()) / name).exists()
    done = confirm(client, "program", response)
    assert done.status_code == 302
    assert Program.objects.get(code="gn").name == "Giảm nghèo"
    assert on_s3.keys("pending-imports/") == []  # removed once imported


def test_a_pending_import_gone_from_the_bucket_says_so(client, admin_user, on_s3):
    client.force_login(admin_user)
    response = preview(client, "program", PROGRAMS)
    for key in on_s3.keys("pending-imports/"):
        on_s3.client.delete_object(Bucket=on_s3.name, Key=key)
    done = confirm(client, "program", response)
    assert done.status_code == 302
    assert messages_of(done) == ["Tệp đã tải lên không còn nữa: hãy tải lên lại."]
    assert not Program.objects.exists()
