"""A small portal built through the real code paths: the demo accounts and one of everything.

Two communes (Lộc An, whose clerk is the demo account ``canbo.locan``, and Lộc Điền with a
clerk of its own) with approved, submitted and draft months; articles of two writers in every
state; comments, a rating, a contact message, links, menu, introduction pages and a notice.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from articles.models import Article, Category, Comment, Rating, Tag
from indicators import services
from indicators.models import (
    Achievement,
    AdministrativeUnit,
    FigureChange,
    Indicator,
    Program,
    Target,
    UnitAssignment,
)
from indicators.validation import Entry
from portal import demo, roles
from portal.blocks_demo import load_blocks_demo
from portal.models import ContactMessage, IntroPage, Link, MaintenanceNotice, MenuItem, SiteSettings
from portal.models.visits import DailyVisits

# The roles every test walks, and the account each one signs in with (None: anonymous).
ROLES = ("anonymous", "clerk", "officer", "editor", "writer", "administrator", "superuser")
USERNAMES = {
    "clerk": "canbo.locan",
    "officer": "canbo.huyen",
    "editor": "bientap",
    "writer": "phongvien",
    "administrator": "quantri.vien",  # the "Quản trị viên" group, not a superuser
    "superuser": "quantri",
}
YEAR = 2026


@dataclass
class World:
    users: dict
    units: dict
    objects: dict = field(default_factory=dict)  # "app.model" -> {variant: instance}
    extra: dict = field(default_factory=dict)  # objects only the public pages need

    def user(self, role):
        return self.users.get(role)

    def pk(self, label, variant=""):
        return self.objects[label][variant].pk


def _figures(report, user, indicator, value, *, submit=False, note=""):
    entry = Entry(indicator=indicator, value=Decimal(value), note=note)
    result = services.report_save(
        report=report, user=user, entries={indicator.pk: entry}, submit=submit
    )
    assert result.saved, result
    report.refresh_from_db()
    return report


def _staff(username, role, unit=None):
    user = get_user_model().objects.create_user(
        username, password="mat-khau-thu-123", is_staff=True
    )
    user.groups.add(Group.objects.get(name=roles.role_group_name(role)))
    if unit is not None:
        UnitAssignment.objects.create(user=user, unit=unit)
    return user


def build_indicators(users, units):
    """A program, an indicator and targets; September approved, October submitted or draft."""
    program = Program.objects.create(code="ld", name="Lao động – việc làm", order=1)
    jobs = Indicator.objects.create(
        program=program, code="JOBS", name="Lao động có việc làm mới", unit_of_measure="người"
    )
    objects = {"indicators.program": {"": program}, "indicators.indicator": {"": jobs}}
    officer = users["officer"]
    targets, reports, figures, changes = {}, {}, {}, {}
    for variant, unit, clerk in (
        ("own", units["own"], users["clerk"]),
        ("other", units["other"], users["other_clerk"]),
    ):
        target = Target(indicator=jobs, unit=unit, year=YEAR, value=1200)
        services.target_record_change(target=target, user=officer)
        target.save()
        targets[variant] = target
        september = services.report_get_or_create(unit=unit, year=YEAR, month=9)
        _figures(september, clerk, jobs, 100, submit=True)
        services.report_approve(report=september, user=officer)
        october = services.report_get_or_create(unit=unit, year=YEAR, month=10)
        _figures(october, clerk, jobs, 50, submit=variant == "own", note=f"Ghi chú {variant}")
        reports[variant] = october
        figures[variant] = Achievement.objects.get(report=october, indicator=jobs)
        changes[variant] = FigureChange.objects.filter(unit=unit, month=10).first()
    objects |= {
        "indicators.target": targets,
        "indicators.monthlyreport": reports,
        "indicators.achievement": figures,
        "indicators.figurechange": changes,
        "indicators.administrativeunit": dict(units),
        "indicators.unitassignment": {
            "own": UnitAssignment.objects.get(user=users["clerk"]),
            "other": UnitAssignment.objects.get(user=users["other_clerk"]),
        },
    }
    return objects


def build_articles(users):
    """Articles of two writers in each state, a category, a tag, comments and a rating."""
    now = timezone.now()
    category = Category.objects.create(name="Tin tức – Sự kiện", order=1)
    tag = Tag.objects.create(name="Nông thôn mới")

    def article(title, author, status, **extra):
        item = Article(title=title, author=author, status=status, lead=f"Sapo của {title}")
        if status == Article.Status.PUBLISHED:
            item.publish_at = extra.pop("publish_at", now - timedelta(hours=2))
        item.body = f"<p>Nội dung {title}</p>"
        item.save(editor=author)
        item.categories.set([category])
        item.tags.set([tag])
        return item

    articles = {
        "own-draft": article("Bài nháp của phóng viên", users["writer"], Article.Status.DRAFT),
        "own-review": article("Bài chờ duyệt", users["writer"], Article.Status.REVIEW),
        "other-draft": article("Bài nháp người khác", users["other_writer"], Article.Status.DRAFT),
        "published": article("Bài đã đăng", users["writer"], Article.Status.PUBLISHED),
    }
    published = articles["published"]
    comments = {
        "approved": Comment.objects.create(
            article=published, name="Bạn đọc", email="a@example.vn", text="Hay", approved=True
        ),
        "pending": Comment.objects.create(
            article=published, name="Người lạ", email="b@example.vn", text="Chờ duyệt"
        ),
    }
    Rating.objects.create(article=published, visitor="x" * 64, score=4)
    return {
        "articles.article": articles,
        "articles.category": {"": category},
        "articles.tag": {"": tag},
        "articles.comment": comments,
    }


def build_blocks():
    load_blocks_demo()
    now = timezone.now()
    notice = MaintenanceNotice.objects.create(
        message="Bảo trì hệ thống", starts_at=now - timedelta(hours=1), ends_at=now + timedelta(1)
    )
    message = ContactMessage.objects.create(
        name="Nguyễn Văn B", email="b@example.vn", subject="Hỏi đường", message="Xin chỉ đường"
    )
    visits = DailyVisits.objects.create(day=timezone.localdate(), visits=3, page_views=5)
    hidden = IntroPage.objects.create(
        title="Trang chưa đăng", body="<p>Nháp</p>", is_published=False
    )
    return {
        "portal.sitesettings": {"": SiteSettings.objects.get()},
        "portal.link": {"": Link.objects.order_by("pk").first()},
        "portal.menuitem": {"": MenuItem.objects.order_by("pk").first()},
        "portal.intropage": {"": IntroPage.objects.order_by("pk").first()},
        "portal.contactmessage": {"": message},
        "portal.maintenancenotice": {"": notice},
        "portal.dailyvisits": {"": visits},
    }, {"hidden_intro": hidden}


def build_login_records(users):
    """A failed staff login and its logs (django-axes)."""
    objects = {}
    if apps.is_installed("axes"):
        from axes.models import AccessAttempt, AccessFailureLog, AccessLog

        seen = {
            "user_agent": "Mozilla/5.0",
            "ip_address": "203.0.113.5",
            "username": USERNAMES["clerk"],
            "http_accept": "text/html",
            "path_info": "/admin/login/",
        }
        attempt = AccessAttempt.objects.create(
            get_data="", post_data="", failures_since_start=2, **seen
        )
        objects["axes.accessattempt"] = {"": attempt}
        objects["axes.accesslog"] = {"": AccessLog.objects.create(**seen)}
        objects["axes.accessfailurelog"] = {"": AccessFailureLog.objects.create(**seen)}
    return objects


def build_world():
    demo.load_site_settings()
    demo.load_units()
    demo.load_accounts()
    user_model = get_user_model()
    users = {
        role: user_model.objects.get(username=name)
        for role, name in USERNAMES.items()
        if role != "administrator"
    }
    units = {
        "own": AdministrativeUnit.objects.get(code="loc-an"),
        "other": AdministrativeUnit.objects.get(code="loc-dien"),
    }
    users["administrator"] = _staff(USERNAMES["administrator"], roles.ADMINISTRATOR)
    users["other_clerk"] = _staff("canbo.locdien", roles.COMMUNE_CLERK, units["other"])
    users["other_writer"] = _staff("phongvien2", roles.WRITER)
    world = World(users=users, units=units)
    world.objects |= build_indicators(users, units)
    world.objects |= build_articles(users)
    blocks, world.extra = build_blocks()
    world.objects |= blocks
    world.objects |= build_login_records(users)
    world.objects["auth.group"] = {"": Group.objects.get(name=roles.role_group_name(roles.WRITER))}
    world.objects["auth.user"] = {"": users["other_writer"]}
    return world
