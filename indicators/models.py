"""Administrative units and, later, the indicators and figures reported for them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    PROVINCE = "province", _("province")
    CITY = "city", _("city")
    DISTRICT = "district", _("district")
    TOWN = "town", _("town")
    COMMUNE = "commune", _("commune")
    WARD = "ward", _("ward")
    TOWNSHIP = "township", _("township")
    SPECIAL_ZONE = "special_zone", _("special zone")


class UnitQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def communes(self):
        """Commune-level units (xã, phường, thị trấn): those under the jurisdiction."""
        return self.filter(parent__isnull=False)

    def jurisdiction(self):
        """The portal's own district or province: the unit with no parent."""
        return self.filter(parent__isnull=True).order_by("order", "pk").first()


class UnitManager(models.Manager.from_queryset(UnitQuerySet)):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class AdministrativeUnit(models.Model):
    """The portal's jurisdiction or one of its commune-level units."""

    code = models.SlugField(
        _("code"),
        max_length=30,
        unique=True,
        help_text=_("Short code used in spreadsheets and links, e.g. loc-an."),
    )
    name = models.CharField(_("name"), max_length=120, help_text=_("Without the kind: Lộc An."))
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("belongs to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text=_("Empty for the portal's own district or province."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    objects = UnitManager()

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["order", "name"]

    def __str__(self):
        return self.full_name

    def natural_key(self):
        return (self.code,)

    @property
    def full_name(self):
        """The name as it is written in documents: Xã Lộc An, Thị trấn Lộc Ninh."""
        return f"{self.get_kind_display().capitalize()} {self.name}"
