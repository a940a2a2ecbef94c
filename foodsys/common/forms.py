"""Shared form helpers for the server-rendered pages."""

from foodsys.common.exceptions import ApplicationError


class ServiceErrorsMixin:
    """Maps ApplicationError.fields onto form fields (`field_aliases` renames service fields)."""

    field_aliases: dict[str, str] = {}

    def add_service_error(self, error: ApplicationError) -> None:
        placed = False
        for field, messages in error.fields.items():
            target = self.field_aliases.get(field, field)
            if target in self.fields:
                for message in messages:
                    self.add_error(target, message)
                placed = True
        if not placed:
            self.add_error(None, error.message)
