"""Per request: the channel of any change it makes (API, admin, web form) and the request simple-history reads
its user from."""

from simple_history.models import HistoricalRecords

from . import context


class AuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        HistoricalRecords.context.request = request
        try:
            with context.using(context.State(channel=context.channel_for_path(request.path_info))):
                return self.get_response(request)
        finally:
            del HistoricalRecords.context.request
