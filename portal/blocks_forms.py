"""The contact form: readers write to the district's staff. Works without JavaScript."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.models import ContactMessage


class ContactForm(forms.ModelForm):
    # A honeypot: hidden from people by CSS and aria-hidden; robots that fill it are ignored.
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    class Meta:
        model = ContactMessage
        fields = ["name", "email", "phone", "subject", "message"]
        labels = {
            "name": _("Your full name"),
            "email": _("Your e-mail"),
            "phone": _("Your telephone"),
            "subject": _("Subject"),
            "message": _("Your message"),
        }
        help_texts = {
            "email": _("Needed if you want an answer by e-mail. Never shown publicly."),
            "phone": _("Optional."),
        }
        widgets = {
            "message": forms.Textarea(attrs={"rows": 8, "maxlength": 5000}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        }
        error_messages = {
            "name": {"required": _("Please enter your name.")},
            "subject": {"required": _("Please enter a subject.")},
            "message": {
                "required": _("Please write your message."),
                "max_length": _(
                    "The message may be at most %(limit_value)d characters long "
                    "(it has %(show_value)d)."
                ),
            },
            "email": {"invalid": _("Enter an e-mail address such as ten@example.vn.")},
        }

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        digits = [char for char in phone if char.isdigit()]
        if phone and (len(digits) < 8 or any(c not in "0123456789 +.-()" for c in phone)):
            raise forms.ValidationError(
                _("Enter a telephone number of digits only, for example 0271 3 123 456.")
            )
        return phone

    def is_spam(self):
        return bool(self.cleaned_data.get("website"))
