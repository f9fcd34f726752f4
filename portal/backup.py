"""Portable archives: every content row and the media it uses in one zip file, and back.

``export_archive`` writes one JSON-lines file per model (Django's serializer, streamed from
the database) and every media file the rows name, read through ``default_storage`` (a disk
or an S3 bucket), with a manifest holding the counts and the SHA-256 of each member.
``restore_archive`` (portal.backup_restore) checks it all before writing anything, then loads
it into an empty portal in one transaction and copies the media back. Row ids are kept, so
addresses and links stay the same; content types and permissions, which ``migrate`` makes
with ids of its own, are matched by natural key. See docs/backup.md.
"""

import datetime
import hashlib
import json
import os
import time
import tomllib
import zipfile
from graphlib import TopologicalSorter
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.serializers import jsonl
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.images import RENDITION_FORMATS, rendition_name, rendition_widths

FORMAT = "district-portal-archive"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CHUNK_ROWS = 2000

# Not content: signed-in sessions, django-axes' login failures and lockouts (tied to this
# server's clients), and the batch mark of this server's Redis visit counts.
EXCLUDED = {
    "sessions.session",
    "axes.accessattempt",
    "axes.accessattemptexpiration",
    "axes.accesslog",
    "axes.accessfailurelog",
    "portal.visitflushstate",
}
# Made by ``migrate`` with ids of its own: written and matched by natural key, in its order.
BY_NATURAL_KEY = {
    "contenttypes.contenttype": ("app_label", "model"),
    "auth.permission": ("content_type__app_label", "content_type__model", "codename"),
}
# Rows a fresh portal has without anyone entering content (the staff roles and the menu made
# by migrations, the visits counted by its own pages): the archive's rows replace them.
REPLACED = {"auth.group", "portal.menuitem", "portal.dailyvisits"}


class BackupError(Exception):
    """A refused or failed export or restore, with a message for the person running it."""


def archived_models():
    """The models an archive holds, each after the models its rows refer to."""
    chosen = [
        model
        for model in apps.get_models()
        if model._meta.managed and model._meta.label_lower not in EXCLUDED
    ]
    chosen.sort(key=lambda model: model._meta.label_lower)
    graph = TopologicalSorter()
    for model in chosen:
        related = {
            field.related_model
            for field in [*model._meta.local_fields, *model._meta.local_many_to_many]
            if field.is_relation and field.related_model in chosen
        }
        related.discard(model)  # a row's parent of the same model: keys are checked at the end
        graph.add(model, *sorted(related, key=lambda m: m._meta.label_lower))
    return list(graph.static_order())


def _label(model):
    return model._meta.label_lower


def _natural(field):
    return _label(field.related_model) in BY_NATURAL_KEY


class _Serializer(jsonl.Serializer):
    """Django's JSON lines, with natural keys only for content types and permissions."""

    def handle_fk_field(self, obj, field):
        self.use_natural_foreign_keys = _natural(field)
        super().handle_fk_field(obj, field)

    def handle_m2m_field(self, obj, field):
        self.use_natural_foreign_keys = _natural(field)
        super().handle_m2m_field(obj, field)


class _Encoder(DjangoJSONEncoder):
    """Django's JSON encoder, without cutting times to milliseconds (rows must come back equal)."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class _Member:
    """One file being written into the archive, hashed and counted on the way."""

    def __init__(self, archive, name, compress=zipfile.ZIP_DEFLATED):
        info = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
        info.compress_type = compress
        self.name = name
        self._file = archive.open(info, "w", force_zip64=True)
        self._buffer = []
        self._buffered = 0
        self.sha256 = hashlib.sha256()
        self.size = 0

    def write(self, data):
        if isinstance(data, str):
            data = data.encode()
        self._buffer.append(data)
        self._buffered += len(data)
        if self._buffered >= 1 << 16:
            self._flush()

    def _flush(self):
        data = b"".join(self._buffer)
        self._buffer, self._buffered = [], 0
        self.sha256.update(data)
        self.size += len(data)
        self._file.write(data)

    def close(self):
        self._flush()
        self._file.close()
        return {"sha256": self.sha256.hexdigest(), "size": self.size}


def _rows(model):
    """The model's rows in a stable order, streamed, with what the serializer needs joined."""
    queryset = model._base_manager.order_by(*BY_NATURAL_KEY.get(_label(model), ["pk"]))
    natural_fks = [f.name for f in model._meta.concrete_fields if f.is_relation and _natural(f)]
    if natural_fks:
        queryset = queryset.select_related(*natural_fks)
    lookups = []
    for field in model._meta.local_many_to_many:
        order = BY_NATURAL_KEY.get(_label(field.related_model), ["pk"])
        related = field.related_model._base_manager.order_by(*order)
        if _natural(field):
            related = related.select_related("content_type")
        lookups.append(Prefetch(field.name, queryset=related))
    return queryset.prefetch_related(*lookups).iterator(chunk_size=CHUNK_ROWS)


def _write_rows(archive, model):
    member = _Member(archive, f"data/{_label(model)}.jsonl")
    counted = [0]

    def counting(rows):
        for row in rows:
            counted[0] += 1
            yield row

    _Serializer().serialize(
        counting(_rows(model)),
        stream=member,
        use_natural_primary_keys=_label(model) in BY_NATURAL_KEY,
        cls=_Encoder,
        sort_keys=True,  # the same bytes from SQLite and PostgreSQL (jsonb orders keys)
    )
    return member.name, member.close(), counted[0]


def media_names():
    """Storage names of the files the rows use, originals and their renditions (in order)."""
    names = {}
    for model in archived_models():
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.FileField):
                continue
            width_field = getattr(field, "width_field", None)
            columns = [field.attname, *([width_field] if width_field else [])]
            rows = (
                model._base_manager.exclude(**{field.attname: ""})
                .exclude(**{f"{field.attname}__isnull": True})
                .order_by("pk")
                .values_list(*columns)
            )
            for name, *width in rows.iterator(chunk_size=CHUNK_ROWS):
                names.setdefault(name, True)
                for rendition_width in rendition_widths(width[0] if width else None):
                    for ext in RENDITION_FORMATS:
                        names.setdefault(rendition_name(name, rendition_width, ext), False)
    return names  # name -> whether a row names it (False: a rendition, made from it)


def _write_media(archive, files):
    copied, missing = 0, []
    for name, is_original in media_names().items():
        try:
            source = default_storage.open(name, "rb")
        except FileNotFoundError:
            if is_original:
                missing.append(name)
            continue
        with source:
            member = _Member(archive, f"media/{name}", compress=zipfile.ZIP_STORED)
            for chunk in source.chunks():
                member.write(chunk)
        files[member.name] = member.close()
        copied += 1
    return copied, missing


def portal_version():
    """The portal's release, as pyproject.toml names it."""
    try:
        with open(Path(settings.BASE_DIR) / "pyproject.toml", "rb") as file:
            return tomllib.load(file)["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


def applied_migrations(model_list):
    """The migrations applied to this database for the apps of ``model_list``."""
    app_labels = {model._meta.app_label for model in model_list}
    applied = MigrationRecorder(connection).applied_migrations()
    return sorted(f"{app}.{name}" for app, name in applied if app in app_labels)


def _archive_path(path):
    path = Path(path)
    if path.is_dir():
        path = path / f"portal-{timezone.localtime():%Y%m%d-%H%M%S}.zip"
    if path.exists():
        raise BackupError(
            _("%(path)s exists already: choose another name or delete it first.") % {"path": path}
        )
    return path


def export_archive(path):
    """Write the archive to ``path`` (a file, or a directory to put a dated file in)."""
    path = _archive_path(path)
    partial = path.with_name(path.name + ".partial")
    files, counts = {}, {}
    outermost = not connection.in_atomic_block
    try:
        with (
            transaction.atomic(),
            zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive,
        ):
            if connection.vendor == "postgresql" and outermost:
                # One snapshot for every table, while staff go on saving.
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            model_list = archived_models()
            for model in model_list:
                name, summary, counts[_label(model)] = _write_rows(archive, model)
                files[name] = summary
            copied, missing = _write_media(archive, files)
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "portal_version": portal_version(),
                "django_version": django.get_version(),
                "created_at": timezone.now().isoformat(),
                "database": connection.vendor,
                "migrations": applied_migrations(model_list),
                "models": [{"model": label, "rows": rows} for label, rows in counts.items()],
                "media": {"files": copied, "missing": missing},
                "files": files,
            }
            archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
        os.replace(partial, path)
    except OSError as error:
        raise BackupError(
            _("The archive could not be written to %(path)s: %(error)s")
            % {"path": path, "error": error}
        ) from error
    finally:
        partial.unlink(missing_ok=True)
    return path, manifest
