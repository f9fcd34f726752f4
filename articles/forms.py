"""Reader forms: rating and comment. Both work without JavaScript."""

from django import forms
from django.utils.translation import gettext_lazy as _

from articles.models import Comment


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Your rating"),
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
    )


class CommentForm(forms.ModelForm):
    # A honeypot: hidden from people by CSS and aria-hidden; robots that fill it are ignored.
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    class Meta:
        model = Comment
        fields = ["name", "email", "text"]
        labels = {"name": _("Your name"), "email": _("Your e-mail (not shown)")}
        widgets = {"text": forms.Textarea(attrs={"rows": 5, "maxlength": 3000})}

    def is_spam(self):
        return bool(self.cleaned_data.get("website"))
