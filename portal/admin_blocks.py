"""Admin of the portal blocks."""

import logging

from django import forms
from django.contrib import admin, messages
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from portal import blocks
from portal.admin_changelist import SafeDateHierarchyMixin
from portal.models import ContactMessage, IntroPage, Link, MaintenanceNotice, MenuItem

logger = logging.getLogger(__name__)


@admin.register(Link)
class LinkAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "thumbnail",
        "url",
        "order",
        "is_active",
        "starts_at",
        "ends_at",
        "now",
    ]
    list_editable = ["order", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["title", "url"]
    fields = ["title", "url", "image", "order", "is_active", "starts_at", "ends_at"]

    @admin.display(description=_("picture"))
    def thumbnail(self, obj):
        if not obj.image:
            return "–"
        return format_html('<img src="{}" alt="" height="40">', obj.image.url)  # no style: CSP

    @admin.display(description=_("shown now"), boolean=True)
    def now(self, obj):
        return obj.is_current(timezone.now())


@admin.register(MenuItem)
class MenuItemAdmin(admin.ModelAdmin):
    list_display = ["__str__", "url", "order", "is_active"]
    list_editable = ["order", "is_active"]
    list_select_related = ["parent"]
    list_filter = ["is_active", ("parent", admin.EmptyFieldListFilter)]
    search_fields = ["title", "url"]
    fields = ["title", "title_en", "url", "parent", "order", "is_active"]

    def get_queryset(self, request):
        # Each main entry followed by its sub-items, as the menu shows them.
        return (
            super()
            .get_queryset(request)
            .order_by(
                Coalesce("parent__order", "order"),
                Coalesce("parent_id", "pk"),
                F("parent_id").asc(nulls_first=True),
                "order",
                "pk",
            )
        )

    def get_ordering(self, request):
        return []


@admin.register(IntroPage)
class IntroPageAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "slug", "order", "is_published", "updated_at", "view_link"]
    list_editable = ["order", "is_published"]
    list_filter = ["kind", "is_published"]
    search_fields = ["title", "summary"]
    fields = ["title", "slug", "kind", "summary", "body", "order", "is_published"]

    @admin.display(description=_("on the portal"))
    def view_link(self, obj):
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), _("View"))


class ContactAnswerForm(forms.ModelForm):
    send_email = forms.BooleanField(
        label=_("E-mail the answer to the reader"),
        required=False,
        help_text=_("Sent when you save, only if the reader gave an e-mail address."),
    )

    class Meta:
        model = ContactMessage
        fields = ["status", "answer"]
        widgets = {"answer": forms.Textarea(attrs={"rows": 8})}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("send_email"):
            if not cleaned.get("answer", "").strip():
                self.add_error("answer", _("Write the answer before sending it by e-mail."))
            if not self.instance.email:
                self.add_error(
                    "send_email", _("The reader gave no e-mail address: answer by telephone.")
                )
        if cleaned.get("status") == ContactMessage.Status.ANSWERED and not (
            cleaned.get("answer", "").strip()
        ):
            self.add_error("answer", _("Write the answer, or choose another status."))
        return cleaned


@admin.register(ContactMessage)
class ContactMessageAdmin(SafeDateHierarchyMixin, admin.ModelAdmin):
    form = ContactAnswerForm
    list_display = ["subject", "name", "email", "created_at", "status", "answered_at"]
    list_filter = ["status", "created_at"]
    list_select_related = ["answered_by"]
    search_fields = ["subject", "name", "email", "message"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "name",
        "email",
        "phone",
        "subject",
        "message",
        "created_at",
        "answered_at",
        "answered_by",
        "answer_emailed_at",
    ]
    fieldsets = [
        (
            _("Reader's message"),
            {"fields": ["name", "email", "phone", "created_at", "subject", "message"]},
        ),
        (
            _("Answer"),
            {
                "fields": [
                    "status",
                    "answer",
                    "send_email",
                    "answered_at",
                    "answered_by",
                    "answer_emailed_at",
                ]
            },
        ),
    ]

    def has_add_permission(self, request):
        return False  # messages come from readers only

    def save_model(self, request, obj, form, change):
        answer_changed = "answer" in form.changed_data and obj.answer.strip()
        if not (answer_changed or form.cleaned_data.get("send_email")):
            super().save_model(request, obj, form, change)
            return
        try:
            emailed = blocks.contact_answer_record(
                message=obj, user=request.user, email=form.cleaned_data.get("send_email")
            )
        except Exception:  # the mail server: the answer is stored, say what failed
            logger.exception("Sending the answer to contact message %s failed", obj.pk)
            self.message_user(
                request,
                _("The answer is saved but the e-mail could not be sent. Try again later."),
                messages.ERROR,
            )
            return
        if emailed:
            self.message_user(
                request, _("The answer was e-mailed to %(email)s.") % {"email": obj.email}
            )


@admin.register(MaintenanceNotice)
class MaintenanceNoticeAdmin(admin.ModelAdmin):
    list_display = ["message", "starts_at", "ends_at", "is_active", "now"]
    list_editable = ["is_active"]
    list_filter = ["is_active"]
    fields = ["message", "starts_at", "ends_at", "is_active"]

    @admin.display(description=_("shown now"), boolean=True)
    def now(self, obj):
        return obj.is_current(timezone.now())
