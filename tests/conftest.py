import os
import shutil

import pytest
from django.core.cache import cache

# Playwright's sync API runs an event loop in the test thread; Django must allow DB access there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
BROWSER_SKIP = (
    "browser tests skipped: no Chromium found. Install Debian's chromium "
    "(apt-get install chromium) or set CHROMIUM_PATH to a Chromium binary to run them."
)


def pytest_collection_modifyitems(config, items):
    if CHROMIUM:
        return
    skip = pytest.mark.skip(reason=BROWSER_SKIP)
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter):
    skipped = [
        r for r in terminalreporter.stats.get("skipped", []) if BROWSER_SKIP in str(r.longrepr)
    ]
    if skipped:
        terminalreporter.write_line(f"{BROWSER_SKIP} ({len(skipped)} tests)")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [*browser_type_launch_args.get("args", []), *CHROMIUM_FLAGS],
    }


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty cache (site settings are cached between requests), and
    with no page, generation or view marker held in the process."""
    from articles import feedback
    from portal import pagecache

    cache.clear()
    pagecache.forget_held_pages()
    feedback.forget_held_views()
    yield
    cache.clear()
    pagecache.forget_held_pages()
    feedback.forget_held_views()


@pytest.fixture
def site_settings(db):
    from portal.models import SiteSettings

    settings = SiteSettings(
        name="Cổng thông tin điện tử huyện Thử Nghiệm",
        agency="Ủy ban nhân dân huyện Thử Nghiệm",
        address="Số 1 đường Trung tâm, thị trấn Thử Nghiệm",
        phone="0271 3 123 456",
        email="lienhe@thunghiem.example",
        responsible_person="Nguyễn Văn A, Chánh Văn phòng",
    )
    settings.save()
    return settings


@pytest.fixture
def units(db):
    from indicators.models import AdministrativeUnit, UnitKind

    district = AdministrativeUnit.objects.create(
        code="thu-nghiem", name="Thử Nghiệm", kind=UnitKind.DISTRICT
    )
    names = ["An Bình", "Tân Lập", "Hòa Thuận"]
    communes = [
        AdministrativeUnit.objects.create(
            code=f"xa-{i}", name=name, kind=UnitKind.COMMUNE, parent=district, order=i
        )
        for i, name in enumerate(names, start=1)
    ]
    return district, communes
