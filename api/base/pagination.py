"""`?page=&page_size=`: the page body `{count, next, previous, results}` (api.md).

Two costs grow with the table (issue 17), and both are kept flat here:

- The count. An exact `COUNT(*)` reads the whole (filtered) table on every page. On PostgreSQL,
  when the planner estimates more than COUNT_ESTIMATE_ABOVE rows, the page shows that estimate
  and says so (`"count_estimated": true`). Small lists, and every list on SQLite, keep the exact
  count and the usual body. Whether there is a next page never depends on the estimate: the page
  reads one row more than it shows. The last page knows its exact count and shows it.
  What a process learns of a query's rows is reused for ESTIMATE_SECONDS (`RowEstimate`): the
  planner's estimate, or better, an exact count made since (a small list's count, a last
  page's). A small list then costs one count query instead of an EXPLAIN and a count, a large
  one no query for its count, and a list that grew past the threshold is counted exactly once.
- Deep pages. A `next` link continues after the last row of its page (`after`, api/base/
  keyset.py), so a page reached by its links starts on the index where the last one ended,
  at any depth. A page asked for by its number alone still has an offset: `OFFSET 49900`
  makes the database read and throw away 49,900 rows; from DEFERRED_OFFSET on, that page
  reads only its ids along the ordering's index and loads just those rows by primary key (a
  "deferred join", one statement), in the same order.
"""

import json
import math
import time

from django.core.paginator import EmptyPage, InvalidPage, Page, PageNotAnInteger, Paginator
from django.db import connections
from django.utils.functional import cached_property
from rest_framework import pagination
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from api.base import keyset

COUNT_ESTIMATE_ABOVE = 20_000  # rows; below it an exact count costs a few milliseconds
DEFERRED_OFFSET = 1_000  # rows skipped before a page loads its ids first


ESTIMATE_SECONDS = 10.0  # how long a process reuses what it learnt of one query's rows
_ESTIMATES_KEPT = 1_000  # queries remembered (per process) before the memory starts afresh
_estimates: dict[tuple, tuple[float, int]] = {}


class RowEstimate:
    """What this process knows of the rows a query returns: the planner's estimate, or an
    exact count made since, either at most ESTIMATE_SECONDS old."""

    def __init__(self, queryset):
        self.connection = connections[queryset.db]
        self.sql, self.params = queryset.order_by().query.sql_with_params()
        self.key = (queryset.db, self.sql, repr(self.params))

    def rows(self) -> int:
        known = _estimates.get(self.key)
        if known is not None and time.monotonic() - known[0] < ESTIMATE_SECONDS:
            return known[1]
        with self.connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (FORMAT JSON) {self.sql}", self.params)
            plan = cursor.fetchone()[0]
        if isinstance(plan, str):
            plan = json.loads(plan)
        return self.remember(int(plan[0]["Plan"]["Plan Rows"]))

    def remember(self, rows: int) -> int:
        """`rows` stands for this query's estimate from now: an exact count is a better one,
        so a list that grew past COUNT_ESTIMATE_ABOVE is counted once, not for
        ESTIMATE_SECONDS, and shows its estimate from the next page on."""
        if len(_estimates) >= _ESTIMATES_KEPT:
            _estimates.clear()
        _estimates[self.key] = (time.monotonic(), rows)
        return rows


def planner_row_estimate(queryset) -> int | None:
    """The rows `queryset` returns as this process knows them (`RowEstimate`) on
    PostgreSQL; None on other databases."""
    if connections[queryset.db].vendor != "postgresql":
        return None
    return RowEstimate(queryset).rows()


def forget_estimates() -> None:
    """Drop every remembered estimate (tests that change a table's statistics)."""
    _estimates.clear()


def _can_defer(queryset) -> bool:
    query = queryset.query
    return (
        hasattr(queryset, "model")
        and query.combinator is None  # a UNION cannot be filtered by pk
        and not query.distinct
        and not query.group_by
        and not query.values_select
    )


class CheapCountPage(Page):
    def has_next(self) -> bool:
        return self.paginator.has_more_after(self.number)


class CheapCountPaginator(Paginator):
    """A Paginator whose count may be estimated and whose deep pages load ids first."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._more_after: dict[int, bool] = {}
        self._exact_count: int | None = None
        self.after = None  # a Q: the page starts after the row a `next` link named

    @cached_property
    def estimated(self) -> bool:
        return self._estimate is not None

    @cached_property
    def _row_estimate(self) -> RowEstimate | None:
        queryset = self.object_list
        if not hasattr(queryset, "query") or connections[queryset.db].vendor != "postgresql":
            return None
        return RowEstimate(queryset)

    @cached_property
    def _estimate(self) -> int | None:
        if self._row_estimate is None:
            return None
        estimate = self._row_estimate.rows()
        return estimate if estimate > COUNT_ESTIMATE_ABOVE else None

    @cached_property
    def count(self) -> int:
        if self._exact_count is not None:
            return self._exact_count
        if self._estimate is not None:
            return self._estimate
        exact = super().count
        if self._row_estimate is not None:
            self._row_estimate.remember(exact)
        return exact

    @property
    def count_estimated(self) -> bool:
        return self._estimate is not None and self._exact_count is None

    def validate_number(self, number):
        if not self.estimated:
            return super().validate_number(number)
        # The page count is unknown: any page from 1 on, a 404 once it turns out empty.
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number

    def page(self, number):
        number = self.validate_number(number)
        offset = (number - 1) * self.per_page
        rows = self._rows(offset, self.per_page + 1)  # one more: is there a next page?
        more = len(rows) > self.per_page
        rows = rows[: self.per_page]
        if not rows and number > 1 and self.after is not None:
            raise EmptyPage(self.error_messages["no_results"])  # the rows after it are gone
        if self.estimated:
            if not rows and number > 1:
                raise EmptyPage(self.error_messages["no_results"])
            if not more:  # the last page: now the count is known
                self._exact_count = offset + len(rows)
                self.__dict__.pop("count", None)
                self._row_estimate.remember(self._exact_count)
        self._more_after[number] = more
        return CheapCountPage(rows, number, self)

    def has_more_after(self, number: int) -> bool:
        if number in self._more_after:
            return self._more_after[number]
        return number < self.num_pages

    @cached_property
    def num_pages(self) -> int:
        if self.count == 0 and not self.allow_empty_first_page:
            return 0
        return max(1, math.ceil(self.count / self.per_page))

    def _rows(self, offset: int, limit: int) -> list:
        queryset = self.object_list
        if self.after is not None:
            return list(queryset.filter(self.after)[:limit])
        if offset < DEFERRED_OFFSET or not _can_defer(queryset):
            return list(queryset[offset : offset + limit])
        # One statement: the ids along the index (an index-only scan), then those rows by
        # primary key, sorted again in the list's order (a hundred rows, in memory).
        return list(queryset.filter(pk__in=queryset.values("pk")[offset : offset + limit]))


class PageNumberPagination(pagination.PageNumberPagination):
    """`?page=&page_size=`: 25 by default, clamped to 200; a page past the end is 404."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 200
    django_paginator_class = CheapCountPaginator

    def paginate_queryset(self, queryset, request, view=None):
        # DRF's, with the paginator told where a `next` link's page starts (keyset.py).
        self.request = request
        page_size = self.get_page_size(request)
        if not page_size:
            return None
        paginator = self.django_paginator_class(queryset, page_size)
        page_number = self.get_page_number(request, paginator)
        self.keys = keyset.ordering_keys(queryset)
        self.scope = keyset.scope(request)
        raw = request.query_params.get(keyset.PARAM)
        if raw is not None:
            paginator.after = keyset.continuation(
                raw, keys=self.keys, page=page_number, scope=self.scope
            )
        try:
            self.page = paginator.page(page_number)
        except InvalidPage as exc:
            message = self.invalid_page_message.format(page_number=page_number, message=str(exc))
            raise NotFound(message) from exc
        if paginator.num_pages > 1 and self.template is not None:
            self.display_page_controls = True  # the browsable API's page links
        return list(self.page)

    def get_next_link(self):
        link = super().get_next_link()
        if link is None:
            return None
        rows = self.page.object_list
        after = None
        if self.keys is not None and rows:
            after = keyset.token(
                keys=self.keys, row=rows[-1], page=self.page.number + 1, scope=self.scope
            )
        if after is None:
            return remove_query_param(link, keyset.PARAM)
        return replace_query_param(link, keyset.PARAM, after)

    def get_previous_link(self):
        link = super().get_previous_link()
        return None if link is None else remove_query_param(link, keyset.PARAM)

    def get_html_context(self):
        # The browsable API's numbered links page by number: a token names one page only.
        context = super().get_html_context()
        context["page_links"] = [
            link._replace(url=remove_query_param(link.url, keyset.PARAM)) if link.url else link
            for link in context["page_links"]
        ]
        return context

    def get_schema_operation_parameters(self, view):
        return [
            *super().get_schema_operation_parameters(view),
            {
                "name": keyset.PARAM,
                "required": False,
                "in": "query",
                "description": "Set by `next` links: the page starts right after the last "
                "row of the page before, at the cost of a first page however deep it is. "
                "Ignored when the link's page, page size, filters or ordering were changed.",
                "schema": {"type": "string"},
            },
        ]

    def get_paginated_response(self, data):
        body = {
            "count": self.page.paginator.count,
            "next": self.get_next_link(),
            "previous": self.get_previous_link(),
            "results": data,
        }
        if self.page.paginator.count_estimated:
            body = {"count": body["count"], "count_estimated": True, **body}
        return Response(body)

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count_estimated"] = {
            "type": "boolean",
            "description": "Present (true) when `count` is the database's estimate: lists of "
            "more than 20,000 rows on PostgreSQL.",
        }
        return response
