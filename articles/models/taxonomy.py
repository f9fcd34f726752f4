"""How articles are sorted: categories (one level of sub-categories) and tags."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from articles.slugs import unique_slug, vietnamese_slugify


class Category(models.Model):
    """A section of the news (chuyên mục); one level of sub-categories."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(
        _("slug"),
        max_length=120,
        unique=True,
        blank=True,
        help_text=_("The address of the category page; made from the name when left empty."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        limit_choices_to={"parent__isnull": True},
        help_text=_("Leave empty for a main category."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["order", "name"]

    def __str__(self):
        return f"{self.parent.name} › {self.name}" if self.parent_id else self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(
                vietnamese_slugify(self.name, 120),
                lambda s: Category.objects.filter(slug=s).exclude(pk=self.pk).exists(),
                120,
            )
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:category", args=[self.slug])

    def clean(self):
        if self.parent_id:
            if self.parent_id == self.pk or self.parent.parent_id:
                raise ValidationError(
                    {"parent": _("A sub-category must belong to a main category.")}
                )
            if self.pk and self.children.exists():
                raise ValidationError(
                    {"parent": _("This category has sub-categories; it must stay a main one.")}
                )


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, blank=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(
                vietnamese_slugify(self.name, 80),
                lambda s: Tag.objects.filter(slug=s).exclude(pk=self.pk).exists(),
                80,
            )
        super().save(*args, **kwargs)
