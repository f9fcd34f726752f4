"""Site-wide pieces: the portal's own settings, edited by staff in the admin."""

from django.core.cache import cache
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

CACHE_KEY = "portal:site-settings"


class SiteSettings(models.Model):
    """The one row of settings that names the portal and its agency (a singleton)."""

    name = models.CharField(
        _("portal name"),
        max_length=200,
        help_text=_("Shown in the header, the browser tab and the admin."),
    )
    agency = models.CharField(
        _("managing agency"),
        max_length=200,
        help_text=_("The agency that runs the portal, e.g. Ủy ban nhân dân huyện Lộc Ninh."),
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("telephone"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    responsible_person = models.CharField(
        _("person responsible for content"),
        max_length=200,
        blank=True,
        help_text=_("Full name and position, as the law asks a government portal to publish."),
    )
    licence = models.CharField(
        _("licence"),
        max_length=300,
        blank=True,
        help_text=_("The portal's licence or the decision that set it up, if any."),
    )
    figures_due_day = models.PositiveSmallIntegerField(
        _("figures due on day"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("Each month's figures are due by this day of the next month."),
    )
    emblem = models.ImageField(
        _("emblem"),
        upload_to="site/",
        blank=True,
        validators=[FileExtensionValidator(["png", "jpg", "jpeg", "webp"])],
        help_text=_("Shown beside the portal name. Leave empty to use the national emblem."),
    )

    class Meta:
        verbose_name = _("site settings")
        verbose_name_plural = _("site settings")
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="site_settings_singleton"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)
        cache.delete(CACHE_KEY)

    @classmethod
    def load(cls, request=None):
        """Return the portal's settings, from the cache when possible; read once per
        ``request`` when given (a page asks in several places: one cache round trip)."""
        settings = getattr(request, "_site_settings", None)
        if settings is not None:
            return settings
        settings = cache.get(CACHE_KEY)
        if settings is None:
            settings = cls.objects.filter(pk=1).first() or cls.default()
            cache.set(CACHE_KEY, settings, 300)
        if request is not None:
            request._site_settings = settings
        return settings

    @classmethod
    def default(cls):
        """Unsaved settings used before staff have filled them in."""
        return cls(pk=1, name=_("District portal"), agency=_("District People's Committee"))
