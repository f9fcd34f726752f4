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
def test_every_message_in_the_code_is_in_the_catalogue(tmp_path):
    """Extracting the messages again finds nothing that the catalogue lacks."""
    target = tmp_path / "vi" / "LC_MESSAGES"
    target.mkdir(parents=True)
    shutil.copy(CATALOGUE, target / "django.po")
    with override_settings(LOCALE_PATHS=[tmp_path]):
        call_command(
            "makemessages",
            locale=["vi"],
            ignore_patterns=[".venv", "var", "node_modules", "tests", "locale"],
            verbosity=0,
        )
    extracted = polib.pofile(str(target / "django.po"))
    missing = [entry.msgid for entry in extracted.untranslated_entries()]
    assert missing == []
