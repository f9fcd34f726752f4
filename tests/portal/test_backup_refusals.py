"""Backups (issue 8, point 3): refusals that leave the portal as it was; media in a bucket."""

import hashlib
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.models import Article
from portal.backup import media_names
from tests.portal.test_backup import media_files, upload

from .s3 import bucket, s3_endpoint  # noqa: F401 - fixtures


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def small_archive(tmp_path):
    """An archive of a user and an article with a picture; the portal is emptied after."""
    user = get_user_model().objects.create_user("nguoiviet", password="mat-khau-thu-123")
    article = Article(title="Bài có ảnh", author=user, cover=upload("anh.jpg", (640, 480)))
    article.save()
    path = tmp_path / "nho.zip"
    call_command("export_archive", str(path), stdout=io.StringIO())
    small_archive.media = {}
    for name in media_names():
        if default_storage.exists(name):
            with default_storage.open(name) as stored:
                small_archive.media[name] = stored.read()
            default_storage.delete(name)
    article.delete()
    user.delete()
    return path


def rewrite(source, target, change, fix_checksums=True):
    """Copy an archive, passing each member through ``change(name, data)``."""
    with zipfile.ZipFile(source) as old:
        members = {name: change(name, old.read(name)) for name in old.namelist()}
    manifest = json.loads(members["manifest.json"])
    if fix_checksums:
        for name, data in members.items():
            if name in manifest["files"]:
                manifest["files"][name] = {
                    "sha256": hashlib.sha256(data).hexdigest(),
                    "size": len(data),
                }
        members["manifest.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(target, "w") as new:
        for name, data in members.items():
            new.writestr(name, data)
    return target


def restore_fails(path):
    with pytest.raises(CommandError) as error:
        call_command("restore_archive", str(path), stdout=io.StringIO())
    assert get_user_model().objects.count() == 0
    assert Article.objects.count() == 0
    assert media_files(Path(settings.MEDIA_ROOT)) == {}  # no picture written either
    return str(error.value)


def manifest_change(key, value):
    def change(name, data):
        if name != "manifest.json":
            return data
        return json.dumps({**json.loads(data), key: value}).encode()

    return change


def _bad_article_author(name, data):
    if name != "data/articles.article.jsonl":
        return data
    return re.sub(rb'"author": \d+', b'"author": 999999', data)


def _changed_bytes(name, data):
    return data + b"\n" if name == "data/auth.user.jsonl" else data


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("not an archive", "không phải là tệp sao lưu"),
        ("truncated", "không phải là tệp sao lưu"),
        ("checksum", "không khớp"),
        ("newer format", "phiên bản mới hơn"),
        ("newer migrations", "phiên bản mới hơn"),
        ("missing row", "không có"),
    ],
)
def test_a_bad_archive_is_refused_with_a_clear_message_and_nothing_restored(
    tmp_path, damage, message
):
    good = small_archive(tmp_path)
    bad = tmp_path / "hong.zip"
    if damage == "not an archive":
        bad.write_bytes(b"%PDF-1.4 this is a report, not an archive")
    elif damage == "truncated":
        bad.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    elif damage == "checksum":
        rewrite(good, bad, _changed_bytes, fix_checksums=False)
    elif damage == "newer format":
        rewrite(good, bad, manifest_change("format_version", 99))
    elif damage == "newer migrations":
        rewrite(good, bad, manifest_change("migrations", ["articles.9999_from_the_future"]))
    else:  # checksums right, but an article's author is not in the archive
        rewrite(good, bad, _bad_article_author)
    assert message in restore_fails(bad)


@pytest.mark.django_db
def test_a_media_file_that_cannot_be_written_undoes_the_whole_restore(tmp_path, monkeypatch):
    path = small_archive(tmp_path)
    storage_class = type(default_storage._wrapped)
    save = storage_class._save
    calls = []

    def failing_save(self, name, content):
        calls.append(name)
        if len(calls) == 3:
            raise OSError("disk full")
        return save(self, name, content)

    monkeypatch.setattr(storage_class, "_save", failing_save)
    assert "disk full" in restore_fails(path)
    assert len(calls) == 3
    assert not any(default_storage.exists(name) for name in calls)


@pytest.mark.django_db
def test_pictures_in_a_bucket_go_into_the_archive_and_back_through_the_storage(
    settings,
    bucket,  # noqa: F811
    tmp_path,
):
    settings.STORAGES = bucket.storages(settings.STORAGES["staticfiles"])
    path = small_archive(tmp_path)
    assert len(small_archive.media) == 5  # the cover, at 480 and 640 pixels in WebP and JPEG
    assert bucket.keys("media/") == []

    call_command("restore_archive", str(path), stdout=io.StringIO())

    assert bucket.keys("media/") == sorted(f"media/{name}" for name in small_archive.media)
    for name, content in small_archive.media.items():
        with default_storage.open(name) as stored:
            assert stored.read() == content
    assert not Path(settings.MEDIA_ROOT).exists()  # nothing went to the local disk
    assert Article.objects.get().cover.name in small_archive.media


@pytest.mark.django_db
def test_a_portal_with_content_is_refused_and_left_alone(tmp_path):
    path = small_archive(tmp_path)
    get_user_model().objects.create_user("quantri", password="mat-khau-thu-123")
    with pytest.raises(CommandError) as error:
        call_command("restore_archive", str(path), stdout=io.StringIO())
    assert "đã có dữ liệu" in str(error.value) and "manage.py flush" in str(error.value)
    assert list(get_user_model().objects.values_list("username", flat=True)) == ["quantri"]
    assert Article.objects.count() == 0


@pytest.mark.django_db
def test_export_refuses_to_overwrite_an_archive(tmp_path):
    path = tmp_path / "portal.zip"
    path.write_bytes(b"yesterday's archive")
    with pytest.raises(CommandError, match="đã có"):
        call_command("export_archive", str(path), stdout=io.StringIO())
    assert path.read_bytes() == b"yesterday's archive"
