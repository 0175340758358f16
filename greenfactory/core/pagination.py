from rest_framework.pagination import LimitOffsetPagination


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    """limit/offset paging whose limit is capped and whose offset never goes past the data.

    An offset beyond the last row answers an empty page instead of a database overflow.
    """

    default_limit = 100
    max_limit = 1000

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.limit = self.get_limit(request)
        if self.limit is None:
            return None
        self.count = self.get_count(queryset)
        self.offset = min(self.get_offset(request), self.count)
        if self.count > self.limit and self.template is not None:
            self.display_page_controls = True
        if self.count == 0 or self.offset == self.count:
            return []
        return list(queryset[self.offset : self.offset + self.limit])
