"""Uploads through the admin: hostile file names, files that are not what they say, bombs and
polyglots, for pictures (articles, banners, the emblem) and spreadsheets.

Already covered elsewhere and not repeated: the checks of one picture file
(tests/articles/test_images.py: not a picture, too big, pixel bomb by a lowered limit, EXIF)
and of one spreadsheet (tests/indicators/spreadsheets/test_import_security.py: not a
spreadsheet, encrypted, truncated, too big, zip bomb, a forged pending name). Here the same
files come through the admin's forms as staff send them, with the names an attacker picks.
"""

import io
import struct
import tempfile
import zipfile
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from articles.models import Article
from portal.models import Link, SiteSettings
from tests.indicators.spreadsheets.importhelpers import preview, xlsx
from tests.security.attack import admin_save, check_pages, problems_of, saved

pytestmark = pytest.mark.django_db

NAMES = [
    "../../etc/passwd.jpg",
    "..\\..\\..\\windows\\x.jpg",
    "/etc/cron.d/x.jpg",
    "C:\\Windows\\x.jpg",
    "a\x00.php.jpg",
    "x" * 300 + ".jpg",
    "ảnh Lộc Ninh 😀 (1).jpg",
    "<img src=x onerror=alert(1)>.jpg",
    ".htaccess.jpg",
    "shell.php.jpg",
    "CON.jpg",
    "%2e%2e%2fx.jpg",
]
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'
HTML = b"<!doctype html><script>alert(1)</script>"


def jpeg(size=(320, 200), extra=b"", comment=b""):
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, format="JPEG", comment=comment)
    return buffer.getvalue() + extra


def gif_polyglot():
    """A real GIF whose comment and tail carry a script."""
    buffer = io.BytesIO()
    Image.new("P", (40, 40)).save(buffer, format="GIF", comment=b"<script>alert(1)</script>")
    return buffer.getvalue() + HTML


def png_bomb(width=100_000, height=100_000):
    """A tiny PNG that says it is 10 gigapixels: refused from its header, before decoding."""

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 1000)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def stored_safely(field_file):
    """The stored file is under MEDIA_ROOT, with a name that climbs nowhere."""
    media = Path(settings.MEDIA_ROOT).resolve()
    path = Path(field_file.path).resolve()
    assert media in path.parents, path
    assert ".." not in field_file.name and "\\" not in field_file.name
    assert "\x00" not in field_file.name and "<" not in field_file.name
    assert len(Path(field_file.name).name) <= 255


def cover(client, name, content):
    """An editor uploads ``content`` as an article's cover under ``name``: the response."""
    article = client.get("/admin/articles/article/add/")
    assert article.status_code == 200
    changes = {"title": "Ảnh bìa", "status": "draft", "cover_alt": "Ảnh"}
    files = {"cover": SimpleUploadedFile(name, content, content_type="image/jpeg")}
    return admin_save(client, "/admin/articles/article/add/", changes, "article_form", files=files)


@pytest.mark.parametrize("name", NAMES)
def test_hostile_names_are_stored_inside_the_media_folder(as_role, world, name):
    editor = as_role("editor")
    response = cover(editor, name, jpeg())
    if len(name) > 100:  # the form says how long a name may be, in Vietnamese
        assert not saved(response)
        assert "Tên tệp" in response.content.decode() or "ký tự" in response.content.decode()
        return
    assert saved(response), problems_of(response)
    article = Article.objects.order_by("-pk").first()
    stored_safely(article.cover)
    check_pages(
        editor, [article.get_absolute_url(), f"/admin/articles/article/{article.pk}/change/"]
    )
    for rendition in Path(settings.MEDIA_ROOT, "articles/renditions").iterdir():
        assert Path(settings.MEDIA_ROOT).resolve() in rendition.resolve().parents


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("trang.jpg", HTML),
        ("anh.svg", SVG),
        ("anh.png", SVG),
        ("x.jpg", b"<?php system($_GET['c']); ?>"),
        ("bom.png", png_bomb()),
        ("rong.jpg", b""),
        ("cut.jpg", jpeg()[:200]),
    ],
    ids=["html-as-jpg", "svg", "svg-as-png", "php-as-jpg", "pixel-bomb", "empty", "truncated"],
)
def test_files_that_are_not_safe_pictures_are_refused(as_role, world, name, content):
    editor = as_role("editor")
    before = Article.objects.count()
    response = cover(editor, name, content)
    assert not saved(response)
    assert not problems_of(response)
    assert Article.objects.count() == before
    link = admin_save(
        editor,
        "/admin/portal/link/add/",
        {"title": "Ảnh", "url": "https://example.vn/"},
        "link_form",
        files={"image": SimpleUploadedFile(name, content)},
    )
    assert not saved(link) and not Link.objects.filter(title="Ảnh").exists()
    emblem = admin_save(
        as_role("administrator"),
        "/admin/portal/sitesettings/1/change/",
        {},
        "sitesettings_form",
        files={"emblem": SimpleUploadedFile(name, content)},
    )
    assert not saved(emblem) and not SiteSettings.objects.get().emblem


def test_a_picture_carrying_a_script_is_stored_without_it(as_role, world):
    """Polyglots: the stored picture is re-encoded, so what followed the image is gone."""
    editor = as_role("editor")
    for name, content in (
        ("anh.jpg", jpeg(extra=HTML)),
        ("chu-thich.jpg", jpeg(comment=b"<script>alert(1)</script>")),
        ("anh.gif", gif_polyglot()),
    ):
        assert saved(cover(editor, name, content))
        article = Article.objects.order_by("-pk").first()
        stored = Path(article.cover.path).read_bytes()
        assert b"<script" not in stored and b"<!doctype" not in stored


def test_a_picture_over_the_size_limit_is_refused_in_the_admin(as_role, world, settings):
    settings.ARTICLE_IMAGE_MAX_BYTES = 2000
    response = cover(as_role("editor"), "lon.jpg", jpeg(size=(800, 800), extra=b"\0" * 3000))
    assert not saved(response)
    assert "tối đa" in response.content.decode() or "MB" in response.content.decode()


def test_the_emblem_keeps_a_safe_name_and_is_served_as_a_picture(as_role, world):
    administrator = as_role("administrator")
    response = admin_save(
        administrator,
        "/admin/portal/sitesettings/1/change/",
        {},
        "sitesettings_form",
        files={"emblem": SimpleUploadedFile("../../<x>.png", _png())},
    )
    assert saved(response), problems_of(response)
    stored_safely(SiteSettings.objects.get().emblem)
    check_pages(as_role("anonymous"), ["/", "/lien-he/"])


def _png():
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def _zip(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _with_member(workbook, name, data):
    """An XLSX with one member replaced or added (the archive is otherwise the real one)."""
    source = zipfile.ZipFile(io.BytesIO(workbook))
    members = {info.filename: source.read(info.filename) for info in source.infolist()}
    members[name] = data
    return _zip(members)


XXE = (
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
    b'uniqueCount="1"><si><t>&e;</t></si></sst>'
)
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "hahahahahahahahahaha">'
    + b"".join(
        b'<!ENTITY %s "%s">' % (bytes([98 + n]), (b"&%s;" % bytes([97 + n])) * 10) for n in range(8)
    )
    + b']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&i;</t>'
    b"</si></sst>"
)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("../../../tmp/so-lieu.xlsx", None),
        ("..\\..\\so-lieu.xlsx", None),
        ("<script>alert(1)</script>.xlsx", None),
        ("traversal.xlsx", "member"),
        ("xxe.xlsx", "xxe"),
        ("laughs.xlsx", "laughs"),
    ],
)
def test_spreadsheets_with_hostile_names_and_insides(as_role, world, tmp_path, name, content):
    """Nothing is written outside the storage; no file is read through an entity; no hang."""
    rows = [["Mã chương trình", "Tên chương trình", "Thứ tự"], ["an-toan", "Chương trình", 3]]
    workbook = xlsx(rows)
    if content == "member":
        workbook = _with_member(workbook, "../../../../tmp/evil-member.txt", b"pwned")
    elif content == "xxe":
        workbook = _with_member(workbook, "xl/sharedStrings.xml", XXE)
    elif content == "laughs":
        workbook = _with_member(workbook, "xl/sharedStrings.xml", LAUGHS)
    before = set(Path(tempfile.gettempdir()).glob("evil-member*"))
    response = preview(as_role("administrator"), "program", workbook, name)
    assert response.status_code == 200
    assert not problems_of(response, "preview")
    page = response.content.decode()
    assert "root:x:0:0" not in page and "hahahahaha" * 10 not in page
    assert set(Path(tempfile.gettempdir()).glob("evil-member*")) == before
    media = Path(settings.MEDIA_ROOT).resolve()
    for stored in media.rglob("*"):
        assert media in stored.resolve().parents
