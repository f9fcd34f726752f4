"""Public pages of the portal blocks: introduction pages, contact, site map, security.txt."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from portal import blocks
from portal.blocks_forms import ContactForm
from portal.models import IntroPage
from portal.pagecache import public_page

INTRO_LIST_FIELDS = ("title", "slug", "summary", "kind", "order")


def _intro_pages():
    return list(IntroPage.objects.filter(is_published=True).only(*INTRO_LIST_FIELDS))


@public_page
def intro_index(request):
    pages = _intro_pages()
    return render(
        request,
        "portal/blocks/intro_index.html",
        {"pages": pages, "breadcrumbs": [(_("About"), None)]},
    )


@public_page
def intro_page(request, slug):
    visible = IntroPage.objects.all()
    if not request.user.has_perm("portal.change_intropage"):
        visible = visible.filter(is_published=True)
    page = visible.filter(slug=slug).first()
    if page is None:
        raise Http404(_("No page at this address."))
    response = render(
        request,
        "portal/blocks/intro_page.html",
        {
            "page": page,
            "siblings": _intro_pages(),
            "breadcrumbs": [(_("About"), reverse("intro_index")), (page.title, None)],
        },
    )
    if not page.is_published:
        add_never_cache_headers(response)  # a staff preview must never land in any cache
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def contact(request):
    """The contact page and its form: not cached, since the form carries a CSRF token."""
    if request.method != "POST":
        return _contact_page(request, ContactForm())
    form = ContactForm(request.POST)
    if not form.is_valid():
        return _contact_page(request, form, status=400)
    thanks = _("Thank you. Your message has been sent to the staff of the district.")
    if form.is_spam():
        # Say the same as for a real message: a robot learns nothing.
        messages.success(request, thanks)
        return redirect(reverse("contact"))
    if blocks.contact_rate_limited(request):
        messages.error(
            request, _("Too many messages from your connection. Please try again in an hour.")
        )
        return _contact_page(request, form, status=429)
    blocks.contact_message_send(form=form, request=request)
    messages.success(request, thanks)
    return redirect(reverse("contact"))


def _contact_page(request, form, status=200):
    return render(
        request,
        "portal/blocks/contact.html",
        {"form": form, "breadcrumbs": [(_("Contact"), None)]},
        status=status,
    )


@public_page
def site_map(request):
    context = blocks.site_map()
    context["breadcrumbs"] = [(_("Site map"), None)]
    return render(request, "portal/blocks/site_map.html", context)


@require_GET
def security_txt(request):
    return HttpResponse(blocks.security_txt(request), content_type="text/plain; charset=utf-8")


@require_GET
def security_txt_redirect(request):
    return redirect(reverse("security_txt"), permanent=True)
