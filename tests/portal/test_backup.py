"""Backups (issue 8, point 3): the portable archive brings a whole portal back, equal.

The round trip loads the demo and uploaded pictures, exports, empties the database the way a
new server is (``flush``, then what migrate makes: content types and permissions, here with
other ids than before, the staff roles and the default menu), deletes the media, restores, and
compares every row, every media file's bytes, article pages, reports and the official workbook.
Another portal, on SQLite, makes an archive that restores here and exports again the same.
Transactional tests, so that the restore runs in its own transaction as the command does.
Refusals are in test_backup_refusals.py.
"""

import importlib
import io
import os
import re
import shutil
import subprocess
import sys
import zipfile
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.sql import emit_post_migrate_signal
from django.db.models.fields.files import FieldFile
from django.http import HttpRequest
from django.utils import timezone, translation
from django_otp.plugins.otp_totp.models import TOTPDevice
from openpyxl import load_workbook
from PIL import Image

from articles.models import Article, ArticleFigure, ArticleImage, ArticleView, Comment, Rating
from indicators import services
from indicators.models import Achievement, AdministrativeUnit, Indicator, MonthlyReport, Target
from indicators.reporting import build_report
from indicators.spreadsheets.official import build_official_workbook, workbook_bytes
from portal.backup import BY_NATURAL_KEY, archived_models
from portal.demo import load_demo
from portal.models import ContactMessage, DailyVisits, Link, MaintenanceNotice, SiteSettings

REPORTS = [(2022, 8), (2022, 10), (2022, 12), (2026, 9)]
WORKBOOKS = [(2022, 12, "month"), (2022, 9, "quarter")]
EXPORTED_AT = datetime(2026, 11, 2, 8, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(name, size, fmt="JPEG", color="teal"):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


def add_what_the_demo_lacks():
    """Pictures, readers' feedback, history and accounts' extras: every table gets rows."""
    user_model = get_user_model()
    officer = user_model.objects.get(username="canbo.huyen")
    editor = user_model.objects.get(username="bientap")
    article = Article(
        title="Ảnh mùa gặt ở Lộc Tấn",
        status=Article.Status.PUBLISHED,
        publish_at=timezone.now() - timedelta(hours=2),
        body="<p>Nông dân Lộc Tấn thu hoạch lúa.</p>",
        cover=upload("mua-gat.jpg", (1600, 900)),
        cover_alt="Cánh đồng lúa chín",
        author=editor,
    )
    article.save(editor=editor)
    article.tags.set(Article.objects.exclude(pk=article.pk).first().tags.all())
    article.related.set(Article.objects.published().exclude(pk=article.pk)[:2])
    ArticleImage.objects.create(
        article=article, image=upload("bieu-do.png", (800, 600), "PNG"), alt="Biểu đồ", order=1
    )
    ArticleImage.objects.create(article=article, image=upload("nho.jpg", (300, 200)), alt="Nhỏ")
    Comment.objects.create(article=article, name="Lê Thị Hoa", email="hoa@example.vn", text="Hay")
    Comment.objects.create(
        article=article, name="Trần Văn Bình", email="binh@example.vn", text="Đẹp", approved=True
    )
    Rating.objects.create(article=article, visitor="a" * 64, score=5)
    ArticleView.objects.create(article=article, visitor="b" * 64)
    link = Link(title="Cổng Dịch vụ công", url="https://dichvucong.gov.vn/")
    link.image = upload("dvc.png", (600, 200), "PNG")
    link.save()
    settings_row = SiteSettings.objects.get()
    settings_row.emblem = upload("quoc-huy.png", (120, 120), "PNG", color="red")
    settings_row.save()
    now = timezone.now()
    MaintenanceNotice.objects.create(
        message="Bảo trì", starts_at=now + timedelta(days=1), ends_at=now + timedelta(days=2)
    )
    ContactMessage.objects.create(
        name="Nguyễn Văn An", subject="Hỏi", message="Xin hỏi…", answered_by=officer
    )
    DailyVisits.objects.create(day=now.date(), visits=4884, page_views=12000)
    TOTPDevice.objects.create(user=editor, name="authenticator app", confirmed=True)
    editor.user_permissions.add(Permission.objects.get(codename="view_logentry"))
    LogEntry.objects.log_actions(editor.pk, [article], CHANGE, change_message="Sửa tiêu đề")
    report = MonthlyReport.objects.filter(status="approved").order_by("pk").first()
    services.report_reopen(report=report, user=officer, reason="Xã báo sai số liệu")
    target = Target.objects.order_by("pk").first()
    target.value += 1
    services.target_record_change(target=target, user=officer, reason="Điều chỉnh kế hoạch")
    target.save()


def snapshot():
    """Every archived row by id (content types, permissions by natural key), with its m2m."""

    def plain(field, value):
        if isinstance(value, FieldFile):
            return value.name
        if field.is_relation and value is not None and field.related_model is ContentType:
            return ContentType.objects.get_for_id(value).natural_key()
        return value

    rows = {}
    for model in archived_models():
        natural = model._meta.label_lower in BY_NATURAL_KEY
        table = {}
        for obj in model._base_manager.select_related():
            values = {
                f.attname: plain(f, f.value_from_object(obj))
                for f in model._meta.concrete_fields
                if not (natural and f.primary_key)
            }
            for field in model._meta.many_to_many:
                related = getattr(obj, field.name).all()
                if field.related_model is Permission:
                    values[field.name] = sorted(p.natural_key() for p in related)
                else:
                    values[field.name] = sorted(r.pk for r in related)
            table[obj.natural_key() if natural else obj.pk] = values
        rows[model._meta.label_lower] = table
    return rows


def media_files(root):
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def report_texts(year, month):
    return [
        (
            row.indicator.code,
            row.total.value_text,
            row.total.month_text,
            row.total.target_text,
            row.total.percent_text,
            row.total.status,
            sorted((unit, f.value_text, f.percent_text) for unit, f in row.by_unit.items()),
        )
        for row in build_report(year, month).rows()
    ]


def workbook_cells(year, month, period):
    content = workbook_bytes(
        build_official_workbook(year=year, month=month, period=period, exported_at=EXPORTED_AT)
    )
    book = load_workbook(io.BytesIO(content))
    return [[[cell.value for cell in row] for row in sheet.iter_rows()] for sheet in book]


def what_readers_and_officials_see(client):
    """Each published article as a page (its view count aside), reports and workbooks."""
    cache.clear()  # pages from the database, never from the page cache
    pages = {}
    for article in Article.objects.published().order_by("pk"):
        response = client.get(article.get_absolute_url())
        assert response.status_code == 200
        block = re.search(r'<article class="article">.*?</article>', response.text, re.S)[0]
        pages[article.slug] = re.sub(r'<li class="article-views">.*?</li>', "", block)
    return {
        "pages": pages,
        "reports": {period: report_texts(*period) for period in REPORTS},
        "workbooks": {period: workbook_cells(*period) for period in WORKBOOKS},
    }


def empty_portal_as_after_migrate(shift=1):
    """Empty the database and make what migrate makes; ``shift`` moves the content types' ids
    (flush starts them again from 1), so that a restore cannot rely on ids matching."""
    call_command("flush", interactive=False, verbosity=0)
    ContentType.objects.all().delete()  # and the permissions with them
    ContentType.objects.clear_cache()
    placeholders = [
        ContentType.objects.create(app_label="backup_test", model=f"placeholder{n}")
        for n in range(shift)
    ]
    with translation.override(None):  # as migrate does: permissions named in English
        emit_post_migrate_signal(verbosity=0, interactive=False, db="default")  # roles too
    for placeholder in placeholders:
        placeholder.delete()
    importlib.import_module("portal.migrations.0003_blocks").seed_menu(apps, None)


@pytest.mark.django_db(transaction=True)
def test_an_archive_restores_the_whole_portal_equal_into_an_empty_one(
    client, tmp_path, django_assert_max_num_queries
):
    # Start from what migrate makes, whatever earlier tests left (a transactional test's flush
    # empties the menu; permissions made again meanwhile may carry other names).
    empty_portal_as_after_migrate(shift=0)
    load_demo()
    add_what_the_demo_lacks()
    rows = snapshot()
    empty = sorted(label for label, table in rows.items() if not table)
    assert empty == []  # the round trip below checks every table with rows in it
    media = media_files(Path(settings.MEDIA_ROOT))
    assert len(media) > 30 and "site/quoc-huy.png" in media
    old_type_ids = dict(ContentType.objects.values_list("model", "pk"))

    out = io.StringIO()
    with django_assert_max_num_queries(80):  # per table and per file, not per row
        call_command("export_archive", str(tmp_path / "portal.zip"), stdout=out)
    assert "portal.zip" in out.getvalue()
    seen = what_readers_and_officials_see(client)
    assert len(seen["pages"]) >= 5

    empty_portal_as_after_migrate()
    shutil.rmtree(settings.MEDIA_ROOT)
    assert get_user_model().objects.count() == 0
    assert dict(ContentType.objects.values_list("model", "pk")) != old_type_ids

    call_command("restore_archive", str(tmp_path / "portal.zip"), stdout=out)
    assert "Đã khôi phục tệp sao lưu" in out.getvalue()

    assert snapshot() == rows
    assert media_files(Path(settings.MEDIA_ROOT)) == media
    assert what_readers_and_officials_see(client) == seen
    # Staff sign in with the passwords they had, with their roles and two-factor devices.
    assert client.login(request=HttpRequest(), username="bientap", password="bientap-demo-2026")
    editor = get_user_model().objects.get(username="bientap")
    assert editor.has_perm("articles.publish_article") and editor.has_perm("admin.view_logentry")

    # New rows take ids after the restored ones (PostgreSQL's sequences were reset).
    article = Article(title="Bài mới sau khôi phục", status=Article.Status.DRAFT)
    article.save()
    assert article.pk > max(rows["articles.article"])
    figure = ArticleFigure.objects.create(
        article=article,
        number=1,
        measure="year_to_date",
        indicator=Indicator.objects.get(code="LD-1"),
        year=2022,
        month=10,
    )
    assert figure.pk > max(rows["articles.articlefigure"])
    report = MonthlyReport.objects.create(
        unit=AdministrativeUnit.objects.get(code="loc-an"), year=2030, month=1
    )
    Achievement.objects.create(report=report, indicator=figure.indicator, value=Decimal(1))
    assert report.pk > max(rows["indicators.monthlyreport"])


OTHER_PORTAL = """
import sys, django
django.setup()
from django.core.management import call_command
for command in (["migrate", "-v0"], ["load_demo"], ["export_archive", sys.argv[1]]):
    call_command(*command)
"""


def archived_members(path):
    """The rows and media of an archive (its manifest says when and where it was made)."""
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist() if name != "manifest.json"}


@pytest.mark.django_db(transaction=True)
def test_an_archive_made_by_another_portal_on_sqlite_restores_here_and_exports_the_same(
    tmp_path,
):
    """On PostgreSQL, the move from SQLite: another portal (a process of its own, on a SQLite
    file) exports its demo; this one restores it and exports the same rows and files."""
    env = {
        **{k: v for k, v in os.environ.items() if k != "REDIS_URL"},  # test settings: quick hashes
        "DATABASE_URL": "sqlite://:memory:",  # one process: migrate, load the demo, export
        "MEDIA_ROOT": str(tmp_path / "old-media"),
        "DEBUG": "true",
    }
    old = tmp_path / "old.zip"
    subprocess.run(
        [sys.executable, "-c", OTHER_PORTAL, str(old)],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
    )
    empty_portal_as_after_migrate()

    call_command("restore_archive", str(old), stdout=io.StringIO())
    call_command("export_archive", str(tmp_path / "new.zip"), stdout=io.StringIO())

    members = archived_members(old)
    assert len(members) > 50
    assert archived_members(tmp_path / "new.zip") == members
