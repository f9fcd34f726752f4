import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from articles.models import Article, Category
from indicators.models import (
    Achievement,
    AdministrativeUnit,
    Indicator,
    MonthlyReport,
    Program,
    ReportStatus,
    Target,
    UnitKind,
)
from portal import roles


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def image_upload(name="anh.jpg", size=(1600, 900), fmt="JPEG", exif=None, color="teal"):
    buffer = io.BytesIO()
    options = {"exif": exif} if exif is not None else {}
    Image.new("RGB", size, color).save(buffer, format=fmt, **options)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


def make_article(title="Bài viết thử", status=Article.Status.PUBLISHED, publish_at=None, **kwargs):
    if status == Article.Status.PUBLISHED and publish_at is None:
        publish_at = timezone.now() - timedelta(hours=1)
    categories = kwargs.pop("categories", [])
    tags = kwargs.pop("tags", [])
    article = Article(title=title, status=status, publish_at=publish_at, **kwargs)
    article.save()
    article.categories.set(categories)
    article.tags.set(tags)
    return article


@pytest.fixture
def category(db):
    return Category.objects.create(name="Tin tức – Sự kiện", order=1)


def _staff(username, role):
    user = get_user_model().objects.create_user(
        username, password="mat-khau-thu-123", is_staff=True
    )
    user.groups.add(Group.objects.get(name=roles.role_group_name(role)))
    return user


@pytest.fixture
def writer(db):
    return _staff("vietbai", roles.WRITER)


@pytest.fixture
def other_writer(db):
    return _staff("vietbai2", roles.WRITER)


@pytest.fixture
def publisher(db):
    return _staff("bientap", roles.EDITOR)


@pytest.fixture
def data(db):
    """A district, a commune and the jobs indicator: 2.000 + 2.884 approved of 5.700 planned."""
    district = AdministrativeUnit.objects.create(
        code="huyen", name="Thử Nghiệm", kind=UnitKind.DISTRICT
    )
    commune = AdministrativeUnit.objects.create(
        code="xa-a", name="An Bình", kind=UnitKind.COMMUNE, parent=district, order=1
    )
    program = Program.objects.create(code="ld", name="Lao động – việc làm", order=1)
    jobs = Indicator.objects.create(
        program=program, code="JOBS", name="Lao động có việc làm mới", unit_of_measure="người"
    )
    Target.objects.create(indicator=jobs, unit=district, year=2026, value=Decimal(5700))
    for month, value in [(1, 2000), (2, 2884)]:
        report = MonthlyReport.objects.create(
            unit=commune, year=2026, month=month, status=ReportStatus.APPROVED
        )
        Achievement.objects.create(report=report, indicator=jobs, value=Decimal(value))
    return {"district": district, "commune": commune, "program": program, "jobs": jobs}


@pytest.fixture
def admin_user(db):
    return get_user_model().objects.create_superuser("quantri", password="mat-khau-thu-123")
