from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination


class DefaultPagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100  # huge page sizes are capped, not refused

    def get_page_number(self, request, paginator):
        """`page` must be a positive integer (or "last"): 0, -1 or "abc" are a 400; past the end stays 404."""
        number = super().get_page_number(request, paginator)
        if number in self.last_page_strings or (str(number).isdigit() and int(number) >= 1):
            return number
        raise ValidationError({self.page_query_param: ["A page number is a positive integer."]})
