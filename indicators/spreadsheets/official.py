"""The official report workbook a district sends upward (filled in by issue 4)."""

from django.http import HttpResponse


def official_report_view(request, admin_context):
    return HttpResponse(status=501)
