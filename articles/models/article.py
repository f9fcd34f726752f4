"""Articles with their images, old slugs and text revisions."""

import functools

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import Count, Prefetch, Q
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField

from articles import images
from articles.models.taxonomy import Category, Tag
from articles.sanitize import EDITOR_EXTENSIONS, clean_body
from articles.search import search_fields
from articles.slugs import unique_slug, vietnamese_slugify

# An article's ratings (average, count) and whether it has approved comments or hand-picked
# related articles: (name, SQL, type), the SQL's tables and columns named by ``_feedback_sql``.
FEEDBACK_COLUMNS = [
    (
        "rating_average",
        "SELECT AVG({score}) FROM {rating} WHERE {rating_article} = {article}",
        "float",
    ),
    ("rating_count", "SELECT COUNT(*) FROM {rating} WHERE {rating_article} = {article}", "int"),
    (
        "has_comments",
        "EXISTS (SELECT 1 FROM {comment} WHERE {approved} AND {comment_article} = {article})",
        "bool",
    ),
    ("has_picks", "EXISTS (SELECT 1 FROM {related} WHERE {from_article_id} = {article})", "bool"),
]
# What an article card shows: its title and link, time, lead and cover picture.
CARD_FIELDS = [
    *("title", "slug", "lead", "publish_at"),
    *("cover", "cover_width", "cover_height", "cover_alt"),
]
FIELD_TYPES = {"float": models.FloatField, "int": models.IntegerField, "bool": models.BooleanField}


@functools.cache
def _feedback_sql():
    """FEEDBACK_COLUMNS' SQL with the models' tables and columns (quoted), once per process."""
    from articles.models.feedback import Comment, Rating

    q = connection.ops.quote_name
    names = {
        "article": f"{q(Article._meta.db_table)}.{q(Article._meta.pk.column)}",
        "rating": q(Rating._meta.db_table),
        "comment": q(Comment._meta.db_table),
        "related": q(Article.related.through._meta.db_table),
        "score": q(Rating._meta.get_field("score").column),
        "approved": q(Comment._meta.get_field("approved").column),
        "rating_article": q(Rating._meta.get_field("article").column),
        "comment_article": q(Comment._meta.get_field("article").column),
        "from_article_id": q(Article.related.through._meta.get_field("from_article").column),
    }
    return [(name, sql.format(**names), kind) for name, sql, kind in FEEDBACK_COLUMNS]


def _feedback_columns():
    """FEEDBACK_COLUMNS as annotations: subqueries of the article's own query.

    Written as SQL rather than as ``Subquery``/``Exists`` of querysets: Django resolves and
    compiles those again for every query, over a millisecond on each article page rendered
    (measured; building them once saves little). They are short correlated subqueries on
    indexed foreign keys, the same on both databases. They name the article's table itself:
    the query they are added to must not alias it (no self-join).
    """
    # Only the models' own table and column names go into this SQL, never input.
    return {
        name: RawSQL(sql, (), output_field=FIELD_TYPES[kind]())  # noqa: S611
        for name, sql, kind in _feedback_sql()
    }


class ArticleQuerySet(models.QuerySet):
    def published(self, now=None):
        """Articles readers may see: published, and their publication time has come."""
        return self.filter(status=Article.Status.PUBLISHED, publish_at__lte=now or timezone.now())

    def visible_to(self, user):
        """Published articles, and previews: every article for editors, their own for writers."""
        if user.is_active and user.is_staff and user.has_perm("articles.view_article"):
            if user.has_perm("articles.publish_article"):
                return self.all()
            published = Q(status=Article.Status.PUBLISHED, publish_at__lte=timezone.now())
            return self.filter(Q(author=user) | published)
        return self.published()

    def in_category(self, category):
        """Articles in the category or one of its sub-categories."""
        return self.filter(Q(categories=category) | Q(categories__parent=category)).distinct()

    def with_listing(self):
        """Settle the joins that lists of articles need, once."""
        return self.select_related("author").prefetch_related(
            Prefetch("categories", queryset=Category.objects.select_related("parent")),
        )

    def with_detail(self):
        """Settle the joins that the article page needs, once; with, in the same query, its
        ratings' average and count and whether it has approved comments or hand-picked related
        articles (the page asks no more when it has none: most have neither)."""
        return (
            self.with_listing()
            .prefetch_related(
                "tags",
                Prefetch("images", queryset=ArticleImage.objects.order_by("order", "pk")),
            )
            .annotate(**_feedback_columns())
        )

    def latest(self):
        return self.order_by("-publish_at", "-pk")

    def for_cards(self):
        """Only what a compact article card shows (articles/includes/article_card.html): a
        related article's query reads and builds nothing more."""
        return self.only(*CARD_FIELDS)

    def related_to(self, article, limit=4):
        """Published articles sharing tags with ``article`` (most shared, then latest first),
        then the latest sharing a category: at most ``limit``, in two short queries.

        Tags are few and precise, so the articles sharing them are few; a category is broad,
        so only its latest articles are read (the publication-time index), never all of them.
        """
        tag_ids = [tag.pk for tag in article.tags.all()]
        category_ids = [category.pk for category in article.categories.all()]
        others = self.published().exclude(pk=article.pk)
        found = []
        if tag_ids:
            found = list(
                others.filter(tags__in=tag_ids)
                .annotate(shared_tags=Count("tags"))
                .order_by("-shared_tags", "-publish_at", "-pk")[:limit]
            )
        if len(found) < limit and category_ids:
            in_category = Article.categories.through.objects.filter(
                category_id__in=category_ids
            ).values("article_id")
            found += others.filter(pk__in=in_category).exclude(pk__in=[a.pk for a in found])[
                : limit - len(found)
            ]
        return found


class Article(models.Model):
    """A news item or report, written by a writer and published by an editor."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("In review")
        PUBLISHED = "published", _("Published")
        UNPUBLISHED = "unpublished", _("Unpublished")

    title = models.CharField(_("title"), max_length=250)
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        blank=True,
        help_text=_(
            "The article's address, made from the title when left empty. "
            "Old addresses keep working after a change."
        ),
    )
    lead = models.TextField(
        _("lead"), blank=True, help_text=_("The sapo: one or two sentences shown in bold.")
    )
    body = ProseEditorField(
        _("body"), blank=True, extensions=EDITOR_EXTENSIONS, sanitize=clean_body
    )
    cover = images.ArticleImageField(
        _("cover image"),
        upload_to="articles/covers/%Y/%m/",
        blank=True,
        width_field="cover_width",
        height_field="cover_height",
    )
    cover_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    cover_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    cover_caption = models.CharField(_("cover caption"), max_length=300, blank=True)
    cover_credit = models.CharField(
        _("cover credit"), max_length=150, blank=True, help_text=_("Who took or drew it.")
    )
    cover_alt = models.CharField(
        _("cover alternative text"),
        max_length=250,
        blank=True,
        help_text=_("What the picture shows, for readers who cannot see it."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
    )
    byline = models.CharField(
        _("byline"),
        max_length=150,
        blank=True,
        help_text=_("The author's name as readers see it; the account's name when empty."),
    )
    source = models.CharField(
        _("source"), max_length=250, blank=True, help_text=_('The "Nguồn tin" line.')
    )
    categories = models.ManyToManyField(
        Category, verbose_name=_("categories"), related_name="articles", blank=True
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), related_name="articles", blank=True)
    featured = models.BooleanField(
        _("featured"), default=False, help_text=_("Shown at the top of the home page.")
    )
    related = models.ManyToManyField(
        "self",
        verbose_name=_("related articles"),
        blank=True,
        symmetrical=False,
        related_name="related_from",
        help_text=_("Chosen by hand; articles sharing tags or categories are added after them."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    publish_at = models.DateTimeField(
        _("publication time"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("A future time schedules the article: it appears on its own at that time."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    view_count = models.PositiveIntegerField(_("views"), default=0, editable=False)
    # Folded (lowercase, no diacritics) copies for the search fallback on SQLite. PostgreSQL
    # searches a weighted vector that a trigger keeps in a column outside the model
    # (``search_document``, migration 0007): loading an article never reads it.
    search_title = models.TextField(blank=True, editable=False)
    search_text = models.TextField(blank=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-publish_at", "-pk"]
        # Lists, the home page, feeds and related articles read the latest published first.
        indexes = [models.Index(fields=["-publish_at", "-id"], name="article_latest")]
        permissions = [("publish_article", _("Can publish, unpublish and schedule articles"))]
        constraints = [
            models.CheckConstraint(
                name="article_published_has_time",
                condition=~Q(status="published") | Q(publish_at__isnull=False),
                violation_error_message=_("A published article needs a publication time."),
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, editor=None, **kwargs):
        """Save with a clean body, a free slug and a revision of the text when it changed."""
        self.body = clean_body(self.body)
        self.search_title, self.search_text = search_fields(self)
        self.slug = unique_slug(vietnamese_slugify(self.slug or self.title), self._slug_taken, 200)
        if self.status == self.Status.PUBLISHED and self.publish_at is None:
            self.publish_at = timezone.now()
        new_cover = bool(self.cover) and not self.cover._committed
        if new_cover:
            images.normalise_upload(self.cover)
        with transaction.atomic():
            old_slug = None
            if self.pk:
                old_slug = Article.objects.filter(pk=self.pk).values_list("slug", flat=True).first()
            super().save(*args, **kwargs)
            if old_slug and old_slug != self.slug:
                ArticleSlug.objects.update_or_create(slug=old_slug, defaults={"article": self})
                ArticleSlug.objects.filter(slug=self.slug).delete()
            self._record_revision(editor)
            if self.status == self.Status.PUBLISHED:
                from articles.figures import freeze_figures  # it reads the indicators

                freeze_figures(self)
        if self.cover:
            images.make_renditions(self.cover, force=new_cover)

    def get_absolute_url(self):
        return reverse("articles:detail", args=[self.slug])

    def body_html(self):
        """The body for templates: safe because save() stored it only after nh3 cleaned it."""
        return mark_safe(clean_body(self.body) if self._state.adding else self.body)  # noqa: S308

    def is_published(self):
        """Whether readers can see the article now."""
        return (
            self.status == self.Status.PUBLISHED
            and self.publish_at is not None
            and self.publish_at <= timezone.now()
        )

    def is_scheduled(self):
        """Whether the article is published with a time still to come."""
        return self.status == self.Status.PUBLISHED and not self.is_published()

    def author_name(self):
        if self.byline:
            return self.byline
        return (self.author.get_full_name() or self.author.get_username()) if self.author else ""

    def cover_picture(self):
        return images.picture_context(
            self.cover, self.cover_width, self.cover_height, self.cover_alt
        )

    def related_articles(self, limit=4):
        """Hand-picked related articles first, then published ones sharing tags or categories."""
        # Cards show few columns: only those are read (and grouped by in related_to).
        chosen = []
        if getattr(self, "has_picks", True):  # known when read by ``with_detail``
            chosen = list(self.related.published().for_cards().latest()[:limit])
        if len(chosen) < limit:
            found = Article.objects.for_cards().related_to(self, limit + len(chosen))
            chosen += [a for a in found if a.pk not in {c.pk for c in chosen}]
        return chosen[:limit]

    def _slug_taken(self, slug):
        return (
            Article.objects.filter(slug=slug).exclude(pk=self.pk).exists()
            or ArticleSlug.objects.filter(slug=slug).exclude(article_id=self.pk).exists()
        )

    def clean(self):
        self.body = clean_body(self.body)
        if self.status == self.Status.PUBLISHED and self.publish_at is None:
            self.publish_at = timezone.now()  # published now (the constraint needs a time)
        if self.slug and self._slug_taken(self.slug):
            raise ValidationError({"slug": _("Another article already uses this address.")})

    def _record_revision(self, editor):
        last = self.revisions.order_by("-created_at", "-pk").first()
        if last and (last.title, last.lead, last.body) == (self.title, self.lead, self.body):
            return
        ArticleRevision.objects.create(
            article=self,
            title=self.title,
            lead=self.lead,
            body=self.body,
            author=editor or self.author,
        )


class ArticleSlug(models.Model):
    """An address the article had before; it redirects to the current one."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="old_slugs")
    slug = models.SlugField(_("old slug"), max_length=200, unique=True)
    created_at = models.DateTimeField(_("changed"), auto_now_add=True)

    class Meta:
        verbose_name = _("old address")
        verbose_name_plural = _("old addresses")

    def __str__(self):
        return self.slug


class ArticleImage(models.Model):
    """A picture shown with the article, with its caption."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="images")
    image = images.ArticleImageField(
        _("image"),
        upload_to="articles/images/%Y/%m/",
        width_field="width",
        height_field="height",
    )
    width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    credit = models.CharField(_("credit"), max_length=150, blank=True)
    alt = models.CharField(
        _("alternative text"),
        max_length=250,
        help_text=_("What the picture shows, for readers who cannot see it."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("image")
        verbose_name_plural = _("images")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.caption or self.alt

    def save(self, *args, **kwargs):
        new_image = bool(self.image) and not self.image._committed
        if new_image:
            images.normalise_upload(self.image)
        super().save(*args, **kwargs)
        if self.image:
            images.make_renditions(self.image, force=new_image)

    def picture(self):
        return images.picture_context(self.image, self.width, self.height, self.alt)


class ArticleRevision(models.Model):
    """The article's text as it was after one save."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    title = models.CharField(_("title"), max_length=250)
    lead = models.TextField(_("lead"), blank=True)
    body = models.TextField(_("body"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("edited by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("saved"), default=timezone.now)

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.title} ({self.created_at:%d/%m/%Y %H:%M})"
