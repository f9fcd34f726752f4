"""Demo data for a fresh portal: the Lộc Ninh district of the reference report.

Every function creates what is missing and leaves alone what exists, so that loading the demo
again keeps what staff have entered and duplicates nothing.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import translation

from articles.demo import load_article_demo
from indicators import report_cache
from indicators.demo import load_indicator_demo
from indicators.models import AdministrativeUnit, UnitAssignment, UnitKind
from portal import pagecache, roles
from portal.blocks_demo import load_blocks_demo
from portal.models import SiteSettings

DISTRICT = ("loc-ninh", "Lộc Ninh", UnitKind.DISTRICT)
COMMUNES = [
    ("tt-loc-ninh", "Lộc Ninh", UnitKind.TOWNSHIP),
    ("loc-an", "Lộc An", UnitKind.COMMUNE),
    ("loc-dien", "Lộc Điền", UnitKind.COMMUNE),
    ("loc-hiep", "Lộc Hiệp", UnitKind.COMMUNE),
    ("loc-hoa", "Lộc Hòa", UnitKind.COMMUNE),
    ("loc-hung", "Lộc Hưng", UnitKind.COMMUNE),
    ("loc-khanh", "Lộc Khánh", UnitKind.COMMUNE),
    ("loc-phu", "Lộc Phú", UnitKind.COMMUNE),
    ("loc-quang", "Lộc Quang", UnitKind.COMMUNE),
    ("loc-tan", "Lộc Tấn", UnitKind.COMMUNE),
    ("loc-thai", "Lộc Thái", UnitKind.COMMUNE),
    ("loc-thanh", "Lộc Thành", UnitKind.COMMUNE),
    ("loc-thanh-2", "Lộc Thạnh", UnitKind.COMMUNE),
    ("loc-thien", "Lộc Thiện", UnitKind.COMMUNE),
    ("loc-thinh", "Lộc Thịnh", UnitKind.COMMUNE),
    ("loc-thuan", "Lộc Thuận", UnitKind.COMMUNE),
]

SITE = {
    "name": "Cổng thông tin điện tử huyện Lộc Ninh",
    "agency": "Ủy ban nhân dân huyện Lộc Ninh",
    "address": "Thị trấn Lộc Ninh, huyện Lộc Ninh, tỉnh Bình Phước (địa chỉ minh họa)",
    "phone": "0271 0000 000",
    "email": "congthongtin@locninh.example",
    "responsible_person": "Chánh Văn phòng HĐND và UBND huyện (thông tin minh họa)",
    "licence": "Dữ liệu minh họa cho bản trình diễn, không phải giấy phép thật",
}


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str | None
    description: str
    unit: str | None = None  # the code of the unit whose figures the account enters


ACCOUNTS = [
    DemoAccount("quantri", "quantri-demo-2026", None, "superuser: every admin page"),
    DemoAccount("canbo.huyen", "huyen-demo-2026", roles.DISTRICT_OFFICER, "district officer"),
    DemoAccount(
        "canbo.locan", "locan-demo-2026", roles.COMMUNE_CLERK, "commune clerk, Lộc An", "loc-an"
    ),
    DemoAccount("bientap", "bientap-demo-2026", roles.EDITOR, "editor"),
    DemoAccount("phongvien", "phongvien-demo-2026", roles.WRITER, "writer"),
]


def load_site_settings():
    if not SiteSettings.objects.exists():
        SiteSettings(**SITE).save()


def load_units():
    district, _created = AdministrativeUnit.objects.get_or_create(
        code=DISTRICT[0], defaults={"name": DISTRICT[1], "kind": DISTRICT[2], "order": 0}
    )
    for order, (code, name, kind) in enumerate(COMMUNES, start=1):
        AdministrativeUnit.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind, "order": order, "parent": district}
        )
    return district


def load_accounts():
    """Create the demo staff accounts; an existing account keeps its password."""
    user_model = get_user_model()
    groups = roles.sync_roles()
    created = []
    for account in ACCOUNTS:
        user, is_new = user_model.objects.get_or_create(
            username=account.username,
            defaults={"is_staff": True, "is_superuser": account.role is None},
        )
        if is_new:
            user.set_password(account.password)
            user.save()
            if account.role:
                user.groups.add(groups[account.role])
        if account.unit:
            UnitAssignment.objects.get_or_create(
                user=user, unit=AdministrativeUnit.objects.get(code=account.unit)
            )
        created.append((account, is_new))
    return created


@transaction.atomic
def load_demo():
    """Load everything; return the demo accounts with whether each was created now."""
    with translation.override("vi"):
        load_site_settings()
        load_units()
        accounts = load_accounts()
        load_indicator_demo()
        load_article_demo()
        load_blocks_demo()
    # Demo figures are written in bulk (no signals): no cached page or report may predate them.
    pagecache.bump()
    report_cache.bump()
    return accounts
