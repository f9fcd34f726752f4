"""Portal blocks: links and banners, the main menu, introduction pages, contact messages,
maintenance notices."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField

from articles import images
from articles.sanitize import EDITOR_EXTENSIONS, clean_body
from articles.slugs import unique_slug, vietnamese_slugify

__all__ = ["ContactMessage", "IntroPage", "Link", "MaintenanceNotice", "MenuItem"]

WEB_URL_MESSAGE = _("Enter a full web address starting with http:// or https://.")


def validate_web_url(value):
    """Only http and https addresses: no javascript:, data:, ftp: or mailto: links."""
    URLValidator(schemes=["http", "https"], message=WEB_URL_MESSAGE)(value)


def validate_menu_target(value):
    """A path inside the portal ("/tin-tuc/") or a full http(s) address."""
    if value.startswith("/") and not value.startswith("//"):
        if any(char.isspace() for char in value) or "\\" in value:
            raise ValidationError(_("A path may not contain spaces or backslashes."))
        return
    try:
        validate_web_url(value)
    except ValidationError:
        raise ValidationError(
            _(
                "Enter a path inside the portal starting with / (for example /tin-tuc/) "
                "or a full address starting with http:// or https://."
            ),
            code="invalid",
        ) from None


def _check_period(instance):
    if instance.starts_at and instance.ends_at and instance.ends_at <= instance.starts_at:
        raise ValidationError({"ends_at": _("The end must come after the start.")})


class WebURLField(models.URLField):
    """An http(s) address; a typed address without a scheme is taken as https://."""

    def formfield(self, **kwargs):
        return super().formfield(**{"assume_scheme": "https", **kwargs})


class Link(models.Model):
    """A link or banner to another site, shown on the home page while it is current."""

    title = models.CharField(
        _("title"),
        max_length=200,
        help_text=_("The site's name as readers see it; also the picture's text alternative."),
    )
    url = WebURLField(
        _("web address"),
        max_length=500,
        validators=[validate_web_url],
        help_text=_("Full address starting with http:// or https://."),
    )
    image = images.ArticleImageField(
        _("banner picture"),
        upload_to="links/%Y/",
        blank=True,
        width_field="image_width",
        height_field="image_height",
        help_text=_("Optional. Without a picture the link is shown as text."),
    )
    image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Smaller numbers come first.")
    )
    is_active = models.BooleanField(_("shown"), default=True)
    starts_at = models.DateTimeField(
        _("shown from"), null=True, blank=True, help_text=_("Leave empty to show at once.")
    )
    ends_at = models.DateTimeField(
        _("shown until"), null=True, blank=True, help_text=_("Leave empty to show until removed.")
    )

    class Meta:
        verbose_name = _("link or banner")
        verbose_name_plural = _("links and banners")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True)
                | Q(ends_at__isnull=True)
                | Q(ends_at__gt=models.F("starts_at")),
                name="link_ends_after_start",
                violation_error_message=_("The end must come after the start."),
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.image and not self.image._committed:
            images.normalise_upload(self.image)
        super().save(*args, **kwargs)

    def clean(self):
        _check_period(self)

    def is_current(self, now):
        """Whether the link shows at ``now``."""
        return (
            self.is_active
            and (self.starts_at is None or self.starts_at <= now)
            and (self.ends_at is None or now < self.ends_at)
        )

    def host(self):
        """The other site's name as its address shows it (www. left out)."""
        host = urlsplit(self.url).hostname or ""
        return host.removeprefix("www.")


class MenuItem(models.Model):
    """One entry of the main menu; an entry may have one level of children."""

    title = models.CharField(_("title"), max_length=100)
    title_en = models.CharField(
        _("English title"),
        max_length=100,
        blank=True,
        help_text=_("Shown to readers who chose English; the title is used when empty."),
    )
    url = models.CharField(
        _("address"),
        max_length=500,
        validators=[validate_menu_target],
        help_text=_(
            "A path inside the portal such as /tin-tuc/ or /lien-he/, "
            "or a full address starting with https://."
        ),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent item"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        limit_choices_to={"parent__isnull": True},
        help_text=_("Leave empty for a main entry; choose one to put this entry under it."),
    )
    order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Smaller numbers come first.")
    )
    is_active = models.BooleanField(_("shown"), default=True)

    class Meta:
        verbose_name = _("menu item")
        verbose_name_plural = _("main menu")
        ordering = ["order", "pk"]

    def __str__(self):
        return f"{self.parent.title} › {self.title}" if self.parent_id else self.title

    def clean(self):
        if self.parent_id:
            if self.pk and self.parent_id == self.pk:
                raise ValidationError({"parent": _("An item cannot be placed under itself.")})
            parent = MenuItem.objects.filter(pk=self.parent_id).values("parent_id").first()
            if parent and parent["parent_id"]:
                raise ValidationError(
                    {"parent": _("The menu has one level of sub-items: choose a main entry.")}
                )
            if self.pk and MenuItem.objects.filter(parent_id=self.pk).exists():
                raise ValidationError(
                    {"parent": _("This item has sub-items, so it must stay a main entry.")}
                )

    def is_external(self):
        """Whether the entry leaves the portal."""
        return not self.url.startswith("/")


class IntroPage(models.Model):
    """An introduction page: the district, its organisation, its leaders, its history."""

    class Kind(models.TextChoices):
        GENERAL = "general", _("General introduction")
        ORGANISATION = "organisation", _("Organisational structure")
        LEADERSHIP = "leadership", _("Leadership")
        HISTORY = "history", _("History and culture")
        OTHER = "other", _("Other")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("slug"),
        max_length=120,
        unique=True,
        blank=True,
        help_text=_("The page's address after /gioi-thieu/, made from the title when empty."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.GENERAL)
    summary = models.TextField(
        _("summary"), blank=True, help_text=_("One or two sentences shown in lists.")
    )
    body = ProseEditorField(
        _("body"), blank=True, extensions=EDITOR_EXTENSIONS, sanitize=clean_body
    )
    order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Smaller numbers come first.")
    )
    is_published = models.BooleanField(_("published"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("introduction page")
        verbose_name_plural = _("introduction pages")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body = clean_body(self.body)
        base = vietnamese_slugify(self.slug or self.title, 120) or "trang"
        self.slug = unique_slug(base, self._slug_taken, 120)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("intro_page", args=[self.slug])

    def clean(self):
        self.body = clean_body(self.body)

    def _slug_taken(self, slug):
        return IntroPage.objects.filter(slug=slug).exclude(pk=self.pk).exists()

    def body_html(self):
        """The body for templates: safe because save() stored it only after nh3 cleaned it."""
        return mark_safe(clean_body(self.body) if self._state.adding else self.body)  # noqa: S308


class ContactMessage(models.Model):
    """A reader's question or feedback sent from the contact page, answered by staff."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed without answer")

    name = models.CharField(_("full name"), max_length=120)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telephone"), max_length=30, blank=True)
    subject = models.CharField(_("subject"), max_length=200)
    message = models.TextField(_("message"), max_length=5000)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True, db_index=True)
    ip_hash = models.CharField(max_length=64, blank=True, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.NEW)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True, editable=False)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    answer_emailed_at = models.DateTimeField(
        _("answer e-mailed"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("contact message")
        verbose_name_plural = _("contact messages")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.name}: {self.subject}"


class MaintenanceNotice(models.Model):
    """A notice of planned maintenance, shown on every page from its start until its end."""

    message = models.CharField(
        _("message"),
        max_length=500,
        help_text=_("For example: The portal will be unavailable on Sunday from 22:00 to 23:00."),
    )
    starts_at = models.DateTimeField(
        _("shown from"), help_text=_("When the notice starts to show, often a day ahead.")
    )
    ends_at = models.DateTimeField(_("shown until"), help_text=_("When the notice disappears."))
    is_active = models.BooleanField(_("switched on"), default=True)

    class Meta:
        verbose_name = _("maintenance notice")
        verbose_name_plural = _("maintenance notices")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="maintenance_ends_after_start",
                violation_error_message=_("The end must come after the start."),
            ),
        ]

    def __str__(self):
        return self.message

    def clean(self):
        _check_period(self)

    def is_current(self, now):
        """Whether the notice shows at ``now``."""
        return self.is_active and self.starts_at <= now < self.ends_at
