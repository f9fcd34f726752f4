"""Writers draft articles and send them to review; editors (publishers) publish them."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.html import format_html, strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from articles import figures
from articles.models import (
    Article,
    ArticleFigure,
    ArticleImage,
    ArticleRevision,
    Category,
    Comment,
    Tag,
)
from portal import formatting, pagecache
from portal.admin_changelist import SafeDateHierarchyMixin

PUBLISH_PERMISSION = "articles.publish_article"
WRITER_STATUSES = {Article.Status.DRAFT, Article.Status.REVIEW}


def can_publish(request):
    return request.user.has_perm(PUBLISH_PERMISSION)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["__str__", "slug", "order"]
    list_select_related = ["parent"]
    search_fields = ["name"]
    list_editable = ["order"]
    list_display_links = ["__str__"]
    autocomplete_fields = ["parent"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]


class ArticleImageInline(admin.StackedInline):
    model = ArticleImage
    extra = 0
    fields = ["image", "alt", "caption", "credit", "order"]


class ArticleRevisionInline(admin.TabularInline):
    """The article's text after each save, newest first; read only."""

    model = ArticleRevision
    extra = 0
    can_delete = False
    fields = ["created_at", "author", "title", "text"]
    readonly_fields = fields
    verbose_name_plural = _("revision history")

    @admin.display(description=_("text"))
    def text(self, obj):
        return format_html(
            "<strong>{}</strong><br>{}",
            Truncator(obj.lead).words(30),
            Truncator(strip_tags(obj.body)).words(60, truncate="…"),
        )

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")


class ArticleFigureInline(admin.TabularInline):
    """Figures the body quotes, chosen from lists; the body shows each where its token stands."""

    model = ArticleFigure
    extra = 1
    fields = [
        "number",
        "token_to_copy",
        "measure",
        "indicator",
        "program",
        "unit",
        "year",
        "month",
        "as_published",
    ]
    readonly_fields = ["token_to_copy", "as_published"]
    autocomplete_fields = ["indicator", "program", "unit"]

    @admin.display(description=_("token to type in the body"))
    def token_to_copy(self, obj):
        return format_html("<code>{}</code>", obj.token) if obj.pk else "–"

    @admin.display(description=_("as published"))
    def as_published(self, obj):
        if not obj.is_frozen:
            return "–"
        if "rows" in obj.frozen:
            text = _("table frozen on %(date)s") % {
                "date": formatting.format_date(timezone.localtime(obj.frozen_at))
            }
        else:
            text = _("%(text)s, frozen on %(date)s") % {
                "text": obj.frozen["text"] or _("no data yet"),
                "date": formatting.format_date(timezone.localtime(obj.frozen_at)),
            }
        if obj.revised_at is None:
            return text
        return format_html(
            '{}<br><strong class="figure-revised">{}</strong>',
            text,
            _("the data has been revised since %(date)s")
            % {"date": formatting.format_date(timezone.localtime(obj.revised_at))},
        )


class QuotedFiguresFilter(admin.SimpleListFilter):
    """Published articles whose quoted figures no longer match the data."""

    title = _("quoted figures")
    parameter_name = "so_lieu"

    def lookups(self, request, model_admin):
        return [
            ("revised", _("Revised since publication")),
            ("current", _("As published")),
            ("none", _("No figures")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "revised":
            return queryset.filter(has_revised_figures=True)
        if self.value() == "current":
            return queryset.filter(figures__isnull=False, has_revised_figures=False).distinct()
        if self.value() == "none":
            return queryset.filter(figures__isnull=True)
        return queryset


@admin.register(Article)
class ArticleAdmin(SafeDateHierarchyMixin, admin.ModelAdmin):
    list_display = [
        "title",
        "status_label",
        "publish_at",
        "author",
        "featured",
        "figures_state",
        "updated_at",
    ]
    list_filter = ["status", QuotedFiguresFilter, "featured", "categories"]
    list_select_related = ["author"]
    search_fields = ["title", "lead"]
    date_hierarchy = "publish_at"
    autocomplete_fields = ["categories", "tags", "related"]
    inlines = [ArticleFigureInline, ArticleImageInline, ArticleRevisionInline]
    actions = ["send_to_review", "publish", "unpublish", "refresh_figures"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "lead", "body"]}),
        (
            _("Cover image"),
            {"fields": ["cover", "cover_alt", "cover_caption", "cover_credit"]},
        ),
        (
            _("Author and source"),
            {"fields": ["author", "byline", "source"]},
        ),
        (
            _("Categories and links"),
            {"fields": ["categories", "tags", "related", "featured"]},
        ),
        (
            _("Publication"),
            {"fields": ["status", "publish_at", "created_at", "updated_at"]},
        ),
    ]

    @admin.display(description=_("status"), ordering="status")
    def status_label(self, obj):
        if obj.is_scheduled():
            return _("Scheduled")
        return obj.get_status_display()

    @admin.display(description=_("quoted figures"), boolean=False)
    def figures_state(self, obj):
        if obj.has_revised_figures:
            return format_html(
                '<strong class="figure-revised">{}</strong>', _("Revised since publication")
            )
        return ""

    def get_queryset(self, request):
        revised = ArticleFigure.objects.filter(article=OuterRef("pk"), revised_at__isnull=False)
        queryset = super().get_queryset(request).annotate(has_revised_figures=Exists(revised))
        if can_publish(request):
            return queryset
        return queryset.filter(author=request.user)

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        if obj is None or can_publish(request):
            return True
        return obj.author_id == request.user.pk and obj.status in WRITER_STATUSES

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and can_publish(request)

    def has_publish_permission(self, request):
        return can_publish(request)

    def get_readonly_fields(self, request, obj=None):
        fields = ["author", "created_at", "updated_at"]
        if not can_publish(request):
            fields += ["publish_at", "featured"]
        return fields

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "status" and not can_publish(request):
            # The form refuses any other status, whatever is posted.
            kwargs["choices"] = [
                (value, label)
                for value, label in Article.Status.choices
                if value in WRITER_STATUSES
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not can_publish(request) and obj.status not in WRITER_STATUSES:
            raise PermissionDenied
        if not change:
            obj.author = request.user
        obj.save(editor=request.user)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if form.instance.status == Article.Status.PUBLISHED:
            figures.freeze_figures(form.instance)  # figures added or changed with this save

    def _set_status(self, request, queryset, status, message):
        count = 0
        for article in queryset:
            article.status = status
            if status == Article.Status.PUBLISHED and article.publish_at is None:
                article.publish_at = timezone.now()
            article.save(editor=request.user)
            count += 1
        self.message_user(request, message(count), messages.SUCCESS)

    @admin.action(description=_("Send selected articles to review"), permissions=["change"])
    def send_to_review(self, request, queryset):
        self._set_status(
            request,
            queryset.filter(status=Article.Status.DRAFT),
            Article.Status.REVIEW,
            lambda n: (
                ngettext(
                    "%(count)d article was sent to review.",
                    "%(count)d articles were sent to review.",
                    n,
                )
                % {"count": n}
            ),
        )

    @admin.action(description=_("Publish selected articles"), permissions=["publish"])
    def publish(self, request, queryset):
        self._set_status(
            request,
            queryset,
            Article.Status.PUBLISHED,
            lambda n: (
                ngettext(
                    "%(count)d article was published.", "%(count)d articles were published.", n
                )
                % {"count": n}
            ),
        )

    @admin.action(description=_("Unpublish selected articles"), permissions=["publish"])
    def unpublish(self, request, queryset):
        self._set_status(
            request,
            queryset.filter(status=Article.Status.PUBLISHED),
            Article.Status.UNPUBLISHED,
            lambda n: (
                ngettext(
                    "%(count)d article was unpublished.", "%(count)d articles were unpublished.", n
                )
                % {"count": n}
            ),
        )

    @admin.action(
        description=_("Update the quoted figures to the current data"), permissions=["publish"]
    )
    def refresh_figures(self, request, queryset):
        count = 0
        for article in queryset.filter(status=Article.Status.PUBLISHED):
            if figures.freeze_figures(article, refresh=True):
                count += 1
        pagecache.bump()
        self.message_user(
            request,
            ngettext(
                "The figures of %(count)d article now read as the current data.",
                "The figures of %(count)d articles now read as the current data.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(Comment)
class CommentAdmin(SafeDateHierarchyMixin, admin.ModelAdmin):
    """Readers' comments wait here until a moderator approves them."""

    list_display = ["name", "short_text", "article", "created_at", "approved"]
    list_filter = ["approved", "created_at"]
    list_select_related = ["article"]
    search_fields = ["name", "email", "text", "article__title"]
    readonly_fields = ["article", "name", "email", "created_at"]
    fields = ["article", "name", "email", "created_at", "text", "approved"]
    actions = ["approve", "withdraw"]
    date_hierarchy = "created_at"

    @admin.display(description=_("comment text"))
    def short_text(self, obj):
        return Truncator(obj.text).words(20, truncate="…")

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Approve the selected comments"), permissions=["change"])
    def approve(self, request, queryset):
        count = queryset.update(approved=True)
        pagecache.bump()  # update() sends no signal
        self.message_user(
            request,
            ngettext("%(count)d comment approved.", "%(count)d comments approved.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Hide the selected comments"), permissions=["change"])
    def withdraw(self, request, queryset):
        count = queryset.update(approved=False)
        pagecache.bump()
        self.message_user(
            request,
            ngettext("%(count)d comment hidden.", "%(count)d comments hidden.", count)
            % {"count": count},
            messages.SUCCESS,
        )
