"""The portal blocks' logic: the menu, links and maintenance notices as every page needs them
(cached, a bounded number of queries), cache invalidation, the contact form's rate limit and
the answer by e-mail.

What a page shows of the blocks is cached under a version of its own that any saved or deleted
block bumps (together with the page cache's generation), so a change of articles does not
cost the blocks' queries again. Links
and notices start and end by themselves: ``next_block_change`` tells the page cache when, so no
cached page outlives that moment (and its ETag changes with its content, so browsers that
revalidate do not get 304 for the old page).
"""

import secrets
from dataclasses import dataclass, field
from datetime import UTC, timedelta

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from portal import pagecache, readers
from portal.models import ContactMessage, IntroPage, Link, MaintenanceNotice, MenuItem, SiteSettings
from portal.readers import ip_hash

VERSION_KEY = "portal:blocks:version"
BLOCK_SECONDS = 24 * 3600
CONTACT_LIMIT = (3, 3600)  # messages per IP address and seconds


def _version():
    value = cache.get(VERSION_KEY)
    if value is None:
        # A random start: after a cache flush, no entry of an earlier version can match, in
        # the cache or held by a process (``blocks``).
        value = secrets.randbits(48)
        if not cache.add(VERSION_KEY, value, None):
            value = cache.get(VERSION_KEY, value)
    return value


def _increment():
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no version yet: nothing is cached under one
        _version()


def blocks_changed(**_signal_kwargs):
    """A block changed: forget the cached blocks and the cached pages (now and on commit)."""
    _increment()
    transaction.on_commit(_increment)
    pagecache.bump()


# What this process read of each version: {version: {name: value}}. What a version holds never
# changes (any change of a block makes a new one), so it is read from the cache once.
_held = {}


def blocks():
    """The menu, links and notices as {name: value}, kept until a block changes (not on every
    change of articles): one cache round trip for the version, and the blocks themselves read
    from the cache (built when missing) once per version by each process."""
    version = _version()
    held = _held.get(version)
    if held is not None:
        return held
    keys = {name: f"portal:blocks:{version}:{name}" for name in BUILDERS}
    found = cache.get_many(list(keys.values()))
    held, missing = {}, {}
    for name, key in keys.items():
        if key in found:
            held[name] = found[key]
        else:
            held[name] = missing[key] = BUILDERS[name]()
    if missing:
        cache.set_many(missing, BLOCK_SECONDS)
    if len(_held) > 4:
        _held.clear()
    _held[version] = held
    return held


# The menu ----------------------------------------------------------------------------------


@dataclass
class MenuEntry:
    title: str
    title_en: str
    url: str
    external: bool
    children: list = field(default_factory=list)
    current: bool = False

    def label(self):
        return self.title_en if self.title_en and get_language() == "en" else self.title

    def link_html(self):
        """The entry's link as the menu and the site map show it (a few dozen on every page:
        written here rather than by including a template for each)."""
        if self.external:
            return format_html(
                '<a href="{}" target="_blank" rel="noopener noreferrer">{}'
                '<span aria-hidden="true"> ↗</span><span class="visually-hidden"> ({})</span></a>',
                self.url,
                self.label(),
                _("another website, opens in a new tab"),
            )
        current = mark_safe(' aria-current="page"') if self.current else ""  # noqa: S308
        return format_html('<a href="{}"{}>{}</a>', self.url, current, self.label())


def _menu_tree():
    """The active menu as plain entries, in one query."""
    items = list(
        MenuItem.objects.filter(is_active=True)
        .filter(Q(parent__isnull=True) | Q(parent__is_active=True))
        .order_by("order", "pk")
    )
    if not items and not MenuItem.objects.exists():
        return _default_menu()
    entries = {}
    roots = []
    for item in items:
        entry = MenuEntry(item.title, item.title_en, item.url, item.is_external())
        entries[item.pk] = entry
        if item.parent_id is None:
            roots.append(entry)
    for item in items:
        if item.parent_id in entries:
            entries[item.parent_id].children.append(entries[item.pk])
    return roots


def _default_menu():
    """The menu of a portal whose staff have not set one (the migration's seed)."""
    return [
        MenuEntry(title, title_en, url, False)
        for title, title_en, url in [
            ("Trang chủ", "Home", "/"),
            ("Giới thiệu", "About", "/gioi-thieu/"),
            ("Tin tức", "News", "/tin-tuc/"),
            ("Kết quả", "Results", "/ket-qua/"),
            ("Đơn vị hành chính", "Administrative units", "/don-vi-hanh-chinh/"),
            ("Liên hệ", "Contact", "/lien-he/"),
        ]
    ]


def menu_for(path, held=None):
    """The menu for a page at ``path``: the entry leading to it is marked current."""
    roots = (held or blocks())["menu"]
    best = None
    for entry in roots:
        for candidate in [entry, *entry.children]:
            url = candidate.url
            if candidate.external:
                continue
            matches = path == url if url == "/" else path.startswith(url)
            if matches and (best is None or len(url) > len(best[1].url)):
                best = (entry, candidate)
    if best is None:
        return roots
    marked = []
    for entry in roots:
        children = [
            MenuEntry(c.title, c.title_en, c.url, c.external, current=c is best[1])
            for c in entry.children
        ]
        marked.append(
            MenuEntry(
                entry.title,
                entry.title_en,
                entry.url,
                entry.external,
                children,
                current=entry is best[0],
            )
        )
    return marked


# Links and maintenance notices ---------------------------------------------------------------


def _links():
    return list(Link.objects.filter(is_active=True))


def _notices():
    return list(MaintenanceNotice.objects.filter(is_active=True, ends_at__gt=timezone.now()))


BUILDERS = {"menu": _menu_tree, "links": _links, "notices": _notices}


def current_links(now=None, held=None):
    """The links and banners shown now, in order (no query once cached)."""
    now = now or timezone.now()
    return [link for link in (held or blocks())["links"] if link.is_current(now)]


def current_notice(now=None, held=None):
    """The maintenance notice shown now, or None (no query once cached)."""
    now = now or timezone.now()
    return next((n for n in (held or blocks())["notices"] if n.is_current(now)), None)


@pagecache.schedule_limit
def next_block_change():
    """When a link or a maintenance notice next starts or ends: no page is cached past it.

    Read from the same cached lists the page was rendered from, so it costs no query.
    """
    now = timezone.now()
    held = blocks()
    moments = [
        moment
        for block in [*held["links"], *held["notices"]]
        for moment in (block.starts_at, block.ends_at)
        if moment and moment > now
    ]
    return min(moments, default=None)


class SiteBlocks:
    """What base.html and the home page show of the blocks, computed only when used."""

    def __init__(self, request):
        self.request = request

    @cached_property
    def _held(self):
        return blocks()  # once per page: the menu and the notice come from one read

    @cached_property
    def menu(self):
        return menu_for(self.request.path, self._held)

    @cached_property
    def notice(self):
        return current_notice(held=self._held)

    @cached_property
    def links(self):
        return current_links(held=self._held)


def connect():
    """Any change of a block readers see makes the cached pages (and block caches) stale."""
    for model in (Link, MenuItem, IntroPage, MaintenanceNotice):
        label = model._meta.label
        post_save.connect(blocks_changed, sender=model, dispatch_uid=f"blocks-save-{label}")
        post_delete.connect(blocks_changed, sender=model, dispatch_uid=f"blocks-del-{label}")


# The site map and results --------------------------------------------------------------------


def results_url():
    """The public results pages' address (built by the indicators app)."""
    try:
        return reverse("results:index")
    except NoReverseMatch:
        return "/ket-qua/"


def site_map():
    """What the HTML site map lists: menu, introduction pages, news categories (3 queries)."""
    from articles.models import Category

    categories = list(Category.objects.select_related("parent").order_by("order", "name"))
    main = [c for c in categories if c.parent_id is None]
    children = {}
    for category in categories:
        if category.parent_id:
            children.setdefault(category.parent_id, []).append(category)
    return {
        "menu": blocks()["menu"],
        "intro_pages": list(IntroPage.objects.filter(is_published=True).only("title", "slug")),
        "categories": [(c, children.get(c.pk, [])) for c in main],
        "results_url": results_url(),
    }


# Contact -------------------------------------------------------------------------------------


def contact_rate_limited(request):
    """Count one message from the request's IP address; True when over the limit."""
    return readers.rate_limited(request, "contact", *CONTACT_LIMIT)


def contact_message_send(*, form, request):
    """Store the reader's message for staff."""
    message = form.save(commit=False)
    message.ip_hash = ip_hash(request)
    message.save()
    return message


def contact_answer_record(*, message, user, email=False):
    """Stamp a staff answer and, when asked and possible, e-mail it; True if e-mailed.

    Raises the mail backend's error after the answer is stored, so nothing typed is lost.
    """
    now = timezone.now()
    message.answered_at = now
    message.answered_by = user
    if message.status == ContactMessage.Status.NEW:
        message.status = ContactMessage.Status.ANSWERED
    message.save()
    if not (email and message.email):
        return False
    site = SiteSettings.load()
    subject = _("Reply: %(subject)s") % {"subject": message.subject}
    body = _(
        "Dear %(name)s,\n\n%(answer)s\n\n---\nYour message of %(date)s:\n%(message)s\n\n%(site)s"
    ) % {
        "name": message.name,
        "answer": message.answer,
        "date": timezone.localtime(message.created_at).strftime("%d/%m/%Y %H:%M"),
        "message": message.message,
        "site": site.agency,
    }
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [message.email])
    message.answer_emailed_at = timezone.now()
    message.save(update_fields=["answer_emailed_at"])
    return True


# security.txt --------------------------------------------------------------------------------


def security_txt(request):
    """RFC 9116 security.txt: contact from the site settings, expiring a year ahead."""
    site = SiteSettings.load()
    contact_page = request.build_absolute_uri(reverse("contact"))
    contacts = [f"mailto:{site.email}"] if site.email else []
    contacts.append(contact_page)
    expires = (timezone.now() + timedelta(days=365)).replace(microsecond=0)
    lines = [f"Contact: {contact}" for contact in contacts]
    lines += [
        f"Expires: {expires.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}",
        "Preferred-Languages: vi, en",
        f"Canonical: {request.build_absolute_uri(reverse('security_txt'))}",
    ]
    return "\n".join(lines) + "\n"


class IntroPageSitemap(Sitemap):
    """The published introduction pages, for sitemap.xml (articles.sitemaps.SITEMAPS)."""

    changefreq = "monthly"
    priority = 0.5

    def items(self):
        return IntroPage.objects.filter(is_published=True).only("slug", "updated_at")

    def lastmod(self, item):
        return item.updated_at
