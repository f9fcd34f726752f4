"""Restoring a portable archive (``portal.backup``) into an empty portal, all or nothing.

Everything is checked before anything is written: that the file is an archive this portal can
read, every member's SHA-256, the models and migrations. Then, in one transaction: the portal
must be empty, the rows of a fresh portal that the archive replaces are removed, each model's
rows are loaded (as ``loaddata`` does: raw saves, so that no signal handler adds rows), keys
are checked, sequences reset and the media copied back. A failure undoes it all, media too.
"""

import contextlib
import hashlib
import io
import json
import zipfile
import zlib
from pathlib import Path

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, connection, transaction
from django.utils.translation import gettext as _

from indicators import report_cache
from portal import pagecache
from portal.backup import (
    BY_NATURAL_KEY,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    REPLACED,
    BackupError,
    applied_migrations,
    archived_models,
)
from portal.formatting import format_number
from portal.models import site

_UNREADABLE = (zipfile.BadZipFile, zlib.error, EOFError, OSError, KeyError, UnicodeDecodeError)


def _damaged(path, error):
    return BackupError(
        _("%(path)s is not a portal archive, or it is damaged or incomplete: %(error)s")
        % {"path": path, "error": error}
    )


def read_manifest(archive, path):
    """The archive's manifest, once it is known to be an archive this portal can read."""
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except (*_UNREADABLE, ValueError) as error:
        raise _damaged(path, error) from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _damaged(path, _("it has no portal manifest"))
    shapes = {"files": dict, "models": list, "migrations": list}
    if any(not isinstance(manifest.get(key), shape) for key, shape in shapes.items()):
        raise _damaged(path, _("its manifest is incomplete"))
    version = manifest.get("format_version")
    if not isinstance(version, int):
        raise _damaged(path, _("its manifest is incomplete"))
    if version > FORMAT_VERSION:
        raise BackupError(
            _(
                "%(path)s was made by a newer version of the portal (archive format "
                "%(version)s; this portal reads format %(supported)s). Update the portal first."
            )
            % {"path": path, "version": version, "supported": FORMAT_VERSION}
        )
    return manifest


def _verify(archive, manifest, path):
    """Every member is there with its checksum; every model is one this portal has."""
    for name, expected in manifest["files"].items():
        digest = hashlib.sha256()
        try:
            with archive.open(name) as member:
                while chunk := member.read(1 << 20):
                    digest.update(chunk)
        except _UNREADABLE as error:
            raise _damaged(path, error) from error
        if digest.hexdigest() != expected["sha256"]:
            raise _damaged(path, _("%(name)s does not match its checksum") % {"name": name})
    plan = []
    for entry in manifest["models"]:
        try:
            model = apps.get_model(entry["model"])
        except (LookupError, ValueError) as error:
            raise BackupError(
                _("The archive holds %(model)s, which this portal does not have.")
                % {"model": entry["model"]}
            ) from error
        member = f"data/{entry['model']}.jsonl"
        if member not in manifest["files"]:
            raise _damaged(path, _("%(name)s is missing") % {"name": member})
        plan.append((model, member, entry["rows"]))
    newer = sorted(set(manifest["migrations"]) - set(applied_migrations(apps.get_models())))
    if newer:
        raise BackupError(
            _(
                "The archive comes from a newer version of the portal: migrations %(names)s are "
                "not applied here. Update the portal and run migrate, then restore."
            )
            % {"names": ", ".join(newer)}
        )
    return plan


def _require_empty():
    filled = [
        f"{model._meta.verbose_name_plural}: {format_number(count)}"
        for model in archived_models()
        if model._meta.label_lower not in {*BY_NATURAL_KEY, *REPLACED}
        and (count := model._base_manager.count())
    ]
    if filled:
        raise BackupError(
            _(
                "This portal already has content (%(tables)s). An archive is restored only into "
                "an empty portal: restore into a new database after migrate, or empty this one "
                "with “python manage.py flush” (which deletes everything), then try again."
            )
            % {"tables": ", ".join(filled)}
        )


def _load(archive, model, member):
    natural = model._meta.label_lower in BY_NATURAL_KEY
    count = 0
    with archive.open(member) as raw:
        lines = io.TextIOWrapper(raw, encoding="utf-8")
        for item in serializers.deserialize("jsonl", lines):
            if type(item.object) is not model:
                raise DeserializationError(f"{item.object._meta.label} in {member}")
            count += 1
            if natural and item.object.pk is not None:
                continue  # migrate made this one already
            item.save(force_insert=not natural)
    return count


def _restore_media(archive, manifest, written):
    for member, expected in manifest["files"].items():
        if not member.startswith("media/"):
            continue
        name = member.removeprefix("media/")
        if default_storage.exists(name):
            digest = hashlib.sha256()
            with default_storage.open(name, "rb") as existing:
                for chunk in existing.chunks():
                    digest.update(chunk)
            if digest.hexdigest() == expected["sha256"]:
                continue
            default_storage.delete(name)  # a stray file: no row of an empty portal uses it
        try:
            with archive.open(member) as source:
                content = File(source, name=name)
                content.size = expected["size"]
                saved = default_storage.save(name, content)
        except OSError as error:
            raise BackupError(
                _("The file %(name)s could not be restored: %(error)s")
                % {"name": name, "error": error}
            ) from error
        written.append(saved)
        if saved != name:
            raise BackupError(
                _("The file %(name)s could not be restored: %(error)s")
                % {"name": name, "error": saved}
            )


def restore_archive(path):
    """Check the archive at ``path``, then load it into this empty portal; return its manifest."""
    if not Path(path).is_file():
        raise BackupError(_("There is no file at %(path)s.") % {"path": path})
    try:
        archive = zipfile.ZipFile(path)
    except _UNREADABLE as error:
        raise _damaged(path, error) from error
    written = []
    with archive:
        manifest = read_manifest(archive, path)
        try:
            plan = _verify(archive, manifest, path)
        except (KeyError, TypeError, AttributeError) as error:
            raise _damaged(path, _("its manifest is incomplete")) from error
        try:
            with transaction.atomic():
                _require_empty()
                for label in sorted(REPLACED):
                    apps.get_model(label)._base_manager.all().delete()
                for model, member, rows in plan:
                    try:
                        loaded = _load(archive, model, member)
                    except (DeserializationError, DatabaseError, ValidationError) as error:
                        raise BackupError(
                            _("The rows of %(model)s could not be loaded: %(error)s")
                            % {"model": model._meta.label_lower, "error": error}
                        ) from error
                    if loaded != rows:
                        raise _damaged(path, _("%(name)s is incomplete") % {"name": member})
                    ContentType.objects.clear_cache()
                try:
                    connection.check_constraints()
                except DatabaseError as error:
                    raise BackupError(
                        _("The archive's rows refer to rows it does not have: %(error)s")
                        % {"error": error}
                    ) from error
                reset_sequences([model for model, _member, _rows in plan])
                _restore_media(archive, manifest, written)
        except BaseException:
            for name in written:
                with contextlib.suppress(OSError):
                    default_storage.delete(name)
            raise
        finally:
            ContentType.objects.clear_cache()
    cache.delete(site.CACHE_KEY)
    pagecache.bump()
    report_cache.bump()
    return manifest


def reset_sequences(model_list):
    """Let new rows take ids after the restored ones (PostgreSQL; SQLite needs nothing)."""
    throughs = [
        field.remote_field.through for model in model_list for field in model._meta.many_to_many
    ]
    statements = connection.ops.sequence_reset_sql(no_style(), [*model_list, *throughs])
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
