"""The API's pages. By page number (`?page=`, with the total `count`), or, for reading a long list
through, by keyset (`?after=<id>`): the rows after that id in id order, found through the primary
key whatever the depth, with no count. An offset costs as much as the rows it skips (page 20,000 of
a million items reads a million index entries); a keyset page costs the same at any depth."""

from django.db.models import QuerySet
from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

AFTER_PARAM = "after"


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def paginate_queryset(self, queryset: QuerySet, request: Request, view=None):
        self.after = None
        raw = request.query_params.get(AFTER_PARAM)
        if raw is None:
            return super().paginate_queryset(queryset, request, view)
        if request.query_params.get(self.page_query_param) is not None:
            raise ValidationError({AFTER_PARAM: ["Use either page or after, not both."]})
        try:
            after = int(raw)
        except ValueError:
            after = -1
        if after < 0:
            raise ValidationError({AFTER_PARAM: ["Enter the id of the last row read (a whole number, 0 to start)."]})
        self.request = request
        self.after = after
        size = self.get_page_size(request)
        rows = list(queryset.order_by("pk").filter(pk__gt=after)[: size + 1])
        self.next_after = rows[size - 1].pk if len(rows) > size else None
        return rows[:size]

    def get_paginated_response(self, data) -> Response:
        if self.after is None:
            return super().get_paginated_response(data)
        url = self.request.build_absolute_uri()
        next_url = None if self.next_after is None else replace_query_param(url, AFTER_PARAM, self.next_after)
        return Response({"next": next_url, "previous": None, "results": data})

    def get_paginated_response_schema(self, schema: dict) -> dict:
        answer = super().get_paginated_response_schema(schema)
        answer["required"] = ["results"]  # a keyset page has no count
        answer["properties"]["count"]["description"] = "Every matching row (pages by number only)."
        return answer

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [
            *super().get_schema_operation_parameters(view),
            {
                "name": AFTER_PARAM,
                "required": False,
                "in": "query",
                "description": "Keyset paging: the rows after this id, in id order (0 for the first page). "
                "Follow `next` to read a long list through; there is no count.",
                "schema": {"type": "integer", "minimum": 0},
            },
        ]
