import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES" / "django.po"


def test_vietnamese_catalogue_is_complete():
    catalogue = polib.pofile(str(CATALOGUE))
    assert catalogue.untranslated_entries() == []
    assert catalogue.fuzzy_entries() == []
    assert catalogue.percent_translated() == 100


def test_compiled_catalogue_is_in_use():
    with translation.override("vi"):
        assert translation.gettext("Skip to main content") == "Chuyển đến nội dung chính"
        assert translation.gettext("Friday") == "Thứ sáu"


@pytest.mark.skipif(not shutil.which("xgettext"), reason="GNU gettext (xgettext) is not installed")
def test_every_message_in_the_code_is_in_the_catalogue(tmp_path, monkeypatch):
    """Extracting the messages again finds nothing that the catalogue lacks.

    makemessages writes to the ``locale`` directory above the files it reads, so it reads the
    project through links from a directory of its own: the real catalogue is never rewritten.
    """
    base = Path(settings.BASE_DIR)
    for name in ("portal", "indicators", "articles", "templates", "static"):
        (tmp_path / name).symlink_to(base / name)
    target = tmp_path / "locale" / "vi" / "LC_MESSAGES"
    target.mkdir(parents=True)
    shutil.copy(CATALOGUE, target / "django.po")
    before = CATALOGUE.read_bytes()
    monkeypatch.chdir(tmp_path)
    with override_settings(LOCALE_PATHS=[tmp_path / "locale"]):
        call_command("makemessages", locale=["vi"], symlinks=True, verbosity=0)
    assert CATALOGUE.read_bytes() == before
    extracted = polib.pofile(str(target / "django.po"))
    assert len(extracted) >= len(polib.pofile(str(CATALOGUE)))  # it did read the project
    missing = [entry.msgid for entry in extracted.untranslated_entries()]
    assert missing == []
