"""Every URL pattern of the portal, and a real address for each (objects of the test world)."""

import re

from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver

ADMIN_OBJECT = re.compile(
    r"^admin/(?P<app>\w+)/(?P<model>\w+)/<path:object_id>/(?P<page>(?:history/|delete/|change/)?)$"
)


def _walk(patterns, prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route


APP_LIST = "admin/<app_label>/"


def route_key(route):
    """The route as the tables name it: the admin's app-list regex is named by its parameter."""
    if route.startswith("admin/^(?P<app_label>"):
        return APP_LIST
    return route


def all_routes():
    """Every route of the URLconf as its pattern text, e.g. ``tin-tuc/<slug:slug>/``."""
    return list(dict.fromkeys(route_key(r) for r in _walk(get_resolver().url_patterns)))


def addresses(route, world, public):
    """{variant: URL} to try for a route (``public[route](world)`` for other parameters)."""
    if route.startswith("^media/"):
        return {"": "/media/khong-co.jpg"}
    if route == APP_LIST:
        apps = sorted({m._meta.app_label for m in admin.site._registry})
        return {app: f"/admin/{app}/" for app in apps}
    if route == "admin/(?P<url>.*)$":
        return {"": "/admin/khong-co-trang-nay/"}
    match = ADMIN_OBJECT.match(route)
    if match:
        label = f"{match['app']}.{match['model']}"
        if label not in world.objects:
            raise LookupError(f"tests/security/world.py builds no {label} to try {route} on")
        variants = world.objects[label]
        if not match["page"]:  # a bare object address only redirects to its change page
            variants = dict(list(variants.items())[:1])
        return {
            variant: "/" + route.replace("<path:object_id>", str(obj.pk))
            for variant, obj in variants.items()
        }
    if route == "admin/auth/user/<id>/password/":
        return {"": f"/admin/auth/user/{world.pk('auth.user')}/password/"}
    if "<" not in route:
        return {"": "/" + route}
    if route not in public:
        raise LookupError(
            f"{route} has parameters: add the addresses to try to PUBLIC in "
            "tests/security/test_permission_matrix.py"
        )
    return public[route](world)
