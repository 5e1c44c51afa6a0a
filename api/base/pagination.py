from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    """`?page=&page_size=`: 25 by default, clamped to 200; a page past the end is 404."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 200
