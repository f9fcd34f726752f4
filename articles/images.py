"""Uploaded pictures: checked with Pillow, turned upright, stripped of EXIF, and resized.

Renditions live next to each other under ``articles/renditions/`` with names derived from the
original's name and the width, so a page can list them without touching the disk.
"""

import io
import posixpath
import warnings

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

RENDITION_WIDTHS = (480, 960, 1440)
RENDITION_FORMATS = {"webp": "WEBP", "jpg": "JPEG"}
RENDITION_DIR = "articles/renditions"
_KEEP_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


def max_upload_bytes():
    return settings.ARTICLE_IMAGE_MAX_BYTES


def validate_image_file(file):
    """Reject files that are too big, not pictures, or decompression bombs, with a clear message."""
    if getattr(file, "_committed", False):
        return  # already stored, so already checked
    limit = max_upload_bytes()
    if file.size is not None and file.size > limit:
        raise ValidationError(
            _("The picture is %(size)s; pictures may be at most %(limit)s."),
            code="too_big",
            params={"size": filesizeformat(file.size), "limit": filesizeformat(limit)},
        )
    position = file.tell() if hasattr(file, "tell") else None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                width, height = image.size
                if width * height > Image.MAX_IMAGE_PIXELS:
                    raise Image.DecompressionBombError(width * height)
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ValidationError(
            _("The picture has too many pixels to be processed safely; make it smaller."),
            code="decompression_bomb",
        ) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ValidationError(
            _("This file is not a picture. Upload a JPEG, PNG, WebP or GIF image."),
            code="not_an_image",
        ) from error
    finally:
        if position is not None:
            file.seek(position)


class ImageFormField(forms.ImageField):
    """Django's image field, with our checks first so that every refusal says why."""

    def to_python(self, data):
        if data is not None and hasattr(data, "size"):
            validate_image_file(data)
        return super().to_python(data)


class ArticleImageField(models.ImageField):
    """An image field whose uploads are validated by ``validate_image_file``."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("validators", [validate_image_file])
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": ImageFormField, **kwargs})


def normalise_upload(field_file):
    """Turn a freshly uploaded picture upright and drop its EXIF (GPS included), in place."""
    field_file.open("rb")
    field_file.seek(0)
    with Image.open(field_file) as image:
        fmt = image.format if image.format in _KEEP_FORMATS else "PNG"
        upright = ImageOps.exif_transpose(image)
        upright.load()
    if fmt == "JPEG" and upright.mode not in {"RGB", "L"}:
        upright = upright.convert("RGB")
    buffer = io.BytesIO()
    # Saving without exif=/icc_profile=… writes no metadata at all, except a JPEG or GIF
    # comment that Pillow carries over from the file read: it may hold anything (a script).
    upright.info.pop("comment", None)
    options = {"quality": 90} if fmt in {"JPEG", "WEBP"} else {}
    upright.save(buffer, format=fmt, **options)
    name = posixpath.basename(field_file.name)
    stem, ext = posixpath.splitext(name)
    wanted_ext = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "GIF": ".gif"}[fmt]
    if ext.lower() not in {wanted_ext, ".jpeg"}:
        name = stem + wanted_ext
    field_file.save(name, ContentFile(buffer.getvalue()), save=False)
    # The stored picture may be turned: measure it again for the width/height fields.
    field_file.__dict__.pop("_dimensions_cache", None)
    field_file.field.update_dimension_fields(field_file.instance, force=True)


def rendition_widths(width):
    """Return the widths to render for an original ``width`` pixels wide (never upscaled)."""
    if not width:
        return []
    widths = [w for w in RENDITION_WIDTHS if w < width]
    widths.append(min(width, RENDITION_WIDTHS[-1]))
    return sorted(set(widths))


def rendition_name(original_name, width, ext):
    """Return the storage name of one rendition: deterministic, so pages need no lookup."""
    stem = posixpath.splitext(original_name)[0].replace("/", "-")
    return f"{RENDITION_DIR}/{stem}-{width}w.{ext}"


def make_renditions(field_file, force=False):
    """Write the WebP and JPEG renditions of a stored picture; existing ones are kept."""
    with Image.open(field_file.open("rb")) as probe:
        widths = rendition_widths(probe.width)
    wanted = [
        (w, ext)
        for w in widths
        for ext in RENDITION_FORMATS
        if force or not default_storage.exists(rendition_name(field_file.name, w, ext))
    ]
    if not wanted:
        return
    field_file.open("rb")
    field_file.seek(0)
    with Image.open(field_file) as image:
        image.load()
        source = image.convert("RGBA") if image.mode in {"P", "LA"} else image.copy()
    for width, ext in wanted:
        height = max(1, round(source.height * width / source.width))
        resized = source.resize((width, height), Image.Resampling.LANCZOS)
        if ext == "jpg" and resized.mode != "RGB":
            background = Image.new("RGB", resized.size, "white")
            rgba = resized.convert("RGBA")
            background.paste(rgba, mask=rgba.getchannel("A"))
            resized = background
        buffer = io.BytesIO()
        resized.save(buffer, format=RENDITION_FORMATS[ext], quality=82)
        name = rendition_name(field_file.name, width, ext)
        if default_storage.exists(name):
            default_storage.delete(name)
        default_storage.save(name, ContentFile(buffer.getvalue()))


def picture_context(field_file, width, height, alt, sizes="(min-width: 72rem) 46rem, 100vw"):
    """Return what templates/articles/includes/picture.html needs (stored sizes, no disk)."""
    if not field_file or not width or not height:
        return None
    widths = rendition_widths(width)

    def srcset(ext):
        return ", ".join(
            f"{default_storage.url(rendition_name(field_file.name, w, ext))} {w}w" for w in widths
        )

    largest = widths[-1]
    return {
        "webp_srcset": srcset("webp"),
        "jpeg_srcset": srcset("jpg"),
        "src": default_storage.url(rendition_name(field_file.name, largest, "jpg")),
        # Strings, so that the thousands separator of number formatting never reaches HTML.
        "width": str(largest),
        "height": str(max(1, round(height * largest / width))),
        "sizes": sizes,
        "alt": alt,
    }
