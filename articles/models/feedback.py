"""What readers leave behind: daily views, ratings and comments (ý kiến bạn đọc)."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models.article import Article


class ArticleView(models.Model):
    """One visitor read one article on one day: the row exists once, so the count is exact."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="views")
    day = models.DateField(default=timezone.localdate)
    visitor = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("article view")
        verbose_name_plural = _("article views")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "day", "visitor"], name="article_view_once_a_day"
            )
        ]

    def __str__(self):
        return f"{self.article_id} {self.day}"


class Rating(models.Model):
    """A visitor's 1–5 stars for an article; rating again replaces the old score."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="ratings")
    visitor = models.CharField(max_length=64)
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.UniqueConstraint(fields=["article", "visitor"], name="rating_once_per_visitor"),
            models.CheckConstraint(
                name="rating_score_1_to_5", condition=models.Q(score__gte=1, score__lte=5)
            ),
        ]

    def __str__(self):
        return f"{self.article_id}: {self.score}"


class CommentQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(approved=True)


class Comment(models.Model):
    """A reader's comment, shown only after a moderator approves it. The e-mail is never shown."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="comments"
    )
    name = models.CharField(_("name"), max_length=100)
    email = models.EmailField(_("e-mail"))
    text = models.TextField(_("comment text"), max_length=3000)
    approved = models.BooleanField(_("approved"), default=False, db_index=True)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    ip_hash = models.CharField(max_length=64, blank=True, editable=False)

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("reader comment")
        verbose_name_plural = _("reader comments")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.name}: {self.text[:50]}"
