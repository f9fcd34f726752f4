import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from articles.images import rendition_name, validate_image_file
from articles.models import ArticleImage

from .conftest import image_upload, make_article

pytestmark = pytest.mark.django_db


def test_a_file_that_is_not_an_image_is_refused_with_a_clear_message():
    upload = SimpleUploadedFile("bao-cao.jpg", b"%PDF-1.4 not an image")
    with pytest.raises(ValidationError) as error:
        validate_image_file(upload)
    assert error.value.code == "not_an_image"
    assert "không phải là ảnh" in error.value.messages[0]


def test_a_decompression_bomb_is_refused(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    with pytest.raises(ValidationError) as error:
        validate_image_file(image_upload(size=(100, 100)))
    assert error.value.code == "decompression_bomb"


def test_an_upload_over_the_size_limit_is_refused(settings):
    settings.ARTICLE_IMAGE_MAX_BYTES = 1000
    with pytest.raises(ValidationError) as error:
        validate_image_file(image_upload())
    assert error.value.code == "too_big"
    assert "tối đa" in error.value.messages[0]


def test_exif_orientation_is_applied_and_exif_with_gps_is_dropped():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    exif[0x8825] = {1: "N", 2: (11.0, 50.0, 0.0)}  # GPS
    article = make_article(cover=image_upload(size=(400, 200), exif=exif.tobytes()))
    with default_storage.open(article.cover.name) as stored, Image.open(stored) as image:
        assert image.size == (200, 400)
        assert not image.getexif()
    assert (article.cover_width, article.cover_height) == (200, 400)


def test_renditions_in_webp_and_jpeg_are_written_with_deterministic_names():
    article = make_article(cover=image_upload(size=(1600, 900)), cover_alt="Cánh đồng")
    for width in (480, 960, 1440):
        for ext in ("webp", "jpg"):
            name = rendition_name(article.cover.name, width, ext)
            with default_storage.open(name) as stored, Image.open(stored) as image:
                assert image.width == width
                assert image.format == {"webp": "WEBP", "jpg": "JPEG"}[ext]
    picture = article.cover_picture()
    assert (picture["width"], picture["height"]) == ("1440", "810")
    assert picture["webp_srcset"].count("w,") == 2


def test_a_small_picture_is_not_upscaled():
    image = ArticleImage(article=make_article(), image=image_upload(size=(300, 200)), alt="Nhỏ")
    image.save()
    assert image.picture()["webp_srcset"].endswith(" 300w")


def test_the_article_page_renders_picture_with_srcset_size_and_alt(client):
    article = make_article(
        cover=image_upload(), cover_alt="Cánh đồng lúa", cover_caption="Mùa gặt 2022"
    )
    ArticleImage.objects.create(
        article=article,
        image=image_upload("b.png", (800, 600), "PNG"),
        alt="Biểu đồ",
        caption="Biểu đồ kết quả",
    )
    content = client.get(article.get_absolute_url()).content.decode()
    assert '<source type="image/webp" srcset="/media/articles/renditions/' in content
    assert 'width="1440" height="810" alt="Cánh đồng lúa"' in content
    assert 'width="800" height="600" alt="Biểu đồ"' in content
    assert "Mùa gặt 2022" in content and "Biểu đồ kết quả" in content


def test_png_with_transparency_gets_a_jpeg_fallback():
    buffer = io.BytesIO()
    Image.new("RGBA", (600, 300), (0, 0, 0, 0)).save(buffer, format="PNG")
    image = ArticleImage(
        article=make_article(), image=SimpleUploadedFile("t.png", buffer.getvalue()), alt="x"
    )
    image.save()
    assert default_storage.exists(rendition_name(image.image.name, 480, "jpg"))
