"""Pagination of the pages (Django's Paginator) and of the API (DRF), in one place."""

from django.core.paginator import Paginator
from rest_framework.pagination import PageNumberPagination

PAGE_SIZE = 50


def paginate(request, queryset, per_page: int = PAGE_SIZE):
    """The requested page of a list, and the query string without `page` for the page links."""
    page = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return page, params.urlencode()


class PageSizePagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 1000
