"""The admin's lists, with an absurd date in the address answered like any wrong filter."""

from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList


class SafeDateChangeList(ChangeList):
    """?created_at__year=99999999999999999999 overflows datetime(): a wrong filter, not a 500."""

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except OverflowError as error:
            raise IncorrectLookupParameters(error) from error


class SafeDateHierarchyMixin:
    """For a ModelAdmin with ``date_hierarchy``."""

    def get_changelist(self, request, **kwargs):
        return SafeDateChangeList
