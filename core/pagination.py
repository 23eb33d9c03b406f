"""Pagination of the pages and of the API, in one place.

Pages never count their list. A page reads one row more than it shows, and that row says whether a next page
exists: counting a province official's roster (590 000 teachers) took longer than the rest of the page, and so
would any list that grows with the province. The pager shows the page number and the previous and next links,
with no total and no last page.

The API keeps DRF's numbered pages with a `count`: the count is part of the API's answer (its tests pin it) and no
page of the portal waits for it.
"""

from collections.abc import Sequence

from rest_framework.pagination import PageNumberPagination

PAGE_SIZE = 50
# Far past any list of the portal (5 million rows); a larger number is a typing error and reads the first page.
MAX_PAGE = 100_000


class Page(Sequence):
    """One page of a list: its rows, its number, and whether pages come before and after it."""

    def __init__(self, rows: list, number: int, per_page: int, has_next: bool):
        self.object_list = rows
        self.number = number
        self.per_page = per_page
        self._has_next = has_next

    def __len__(self) -> int:
        return len(self.object_list)

    def __getitem__(self, index):
        return self.object_list[index]

    def __repr__(self) -> str:
        return f"<Page {self.number}>"

    def has_next(self) -> bool:
        return self._has_next

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_previous() or self.has_next()

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1

    def start_index(self) -> int:
        """The position of the page's first row in the whole list, from 1 (0 for an empty page)."""
        return (self.number - 1) * self.per_page + 1 if self.object_list else 0

    def end_index(self) -> int:
        return (self.number - 1) * self.per_page + len(self.object_list)


def page_number(value) -> int:
    """The page asked for; anything that is not a page number (missing, text, 0, negative, huge) is the first."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 1
    return number if 1 <= number <= MAX_PAGE else 1


def read_page(rows, number: int, per_page: int = PAGE_SIZE) -> Page:
    """Page `number` of `rows` (a queryset, or anything that answers a slice with a list of rows)."""
    offset = (number - 1) * per_page
    window = list(rows[offset : offset + per_page + 1])
    return Page(window[:per_page], number, per_page, has_next=len(window) > per_page)


def paginate(request, rows, per_page: int = PAGE_SIZE):
    """The requested page of a list, and the query string without `page` for the page links.

    A page past the end (a link kept while rows were deleted, or a typed number) shows the first page, as a
    page number that is not a number does: without a count, the last page is not known.
    """
    number = page_number(request.GET.get("page"))
    page = read_page(rows, number, per_page)
    if not page and number > 1:
        page = read_page(rows, 1, per_page)
    params = request.GET.copy()
    params.pop("page", None)
    return page, params.urlencode()


class PageSizePagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 1000
