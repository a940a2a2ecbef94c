"""Menu management for the request's tenant (X-Tenant-ID, or the caller's only membership).

Owners and admins may do everything. Staff may only PATCH `is_available` of items and options
(the "86" switch); anything else is 403. Ids of another tenant are 404.

Options are edited through their group: `options` in an option-group body replaces the group's
options (entries with an `id` keep and update that option, entries without one are new, unlisted
ones are deleted). `/api/menu/options/{id}/` exists for single-option changes, e.g. staff
switching one option off.
"""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.response import Response

from foodsys.common.api_ratelimit import RateLimitedAPIMixin
from foodsys.common.exceptions import NotFoundError, PermissionDeniedError
from foodsys.tenancy.resolution import is_admin, require_tenant
from menu.api import serializers as s
from menu.models import Category, MenuItem, Option, OptionGroup
from menu.selectors import category_list, menu_item_list, option_group_list, option_list
from menu.services import (
    category_create,
    category_delete,
    category_update,
    menu_item_create,
    menu_item_delete,
    menu_item_update,
    option_group_create,
    option_group_delete,
    option_group_update,
    option_update,
)

MANAGER_ROLES = ("owner", "staff", "admin")


def _documented(body, output):
    """OpenAPI: the input serializer of the writes and the output serializer of every action."""
    write = extend_schema(request=body, responses=output)
    schemas = {"create": extend_schema(request=body, responses={201: output}), "update": write,
               "partial_update": write}

    def decorate(view_class):
        return extend_schema_view(**{name: schema for name, schema in schemas.items()
                                     if hasattr(view_class, name)})(view_class)
    return decorate


def management_tenant(request):
    """The tenant being managed; a signed-in user without any membership gets 403, not 400."""
    resolution = getattr(request, "tenant_resolution", None)
    problem = getattr(resolution, "problem", None)
    if problem is not None and problem.code == "tenant_required" and not is_admin(request.user):
        raise PermissionDeniedError("Only a restaurant's owners and staff can manage its menu.",
                                    code="role_forbidden")
    return require_tenant(request, roles=MANAGER_ROLES)


class MenuManagementViewSet(RateLimitedAPIMixin, viewsets.GenericViewSet):
    permission_classes = [permissions.IsAuthenticated]
    rate_limit_tenant = True
    lookup_value_regex = r"\d+"
    staff_patchable_fields: frozenset[str] = frozenset()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.get_tenant()
        if request.tenant_role == "staff":
            self._check_staff_change(request)

    def get_tenant(self):
        return management_tenant(self.request)

    def _check_staff_change(self, request) -> None:
        fields = set(request.data) if isinstance(request.data, dict) else None
        allowed = request.method == "PATCH" and fields is not None and fields <= self.staff_patchable_fields
        if not allowed:
            raise PermissionDeniedError("Staff may only switch is_available on items and options.",
                                        code="role_forbidden")

    def _input(self, serializer_class, *, partial: bool):
        body = serializer_class(data=self.request.data, partial=partial)
        body.is_valid(raise_exception=True)
        return body.validated_data


@_documented(s.CategoryInputSerializer, s.CategoryOutputSerializer)
class CategoryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, MenuManagementViewSet):
    serializer_class = s.CategoryOutputSerializer
    queryset = Category.objects.none()  # for the schema generator only; get_queryset() scopes

    def get_queryset(self):
        return category_list(tenant=self.get_tenant())

    def create(self, request):
        category = category_create(tenant=self.get_tenant(), **self._input(s.CategoryInputSerializer, partial=False))
        return Response(s.CategoryOutputSerializer(category).data, status=status.HTTP_201_CREATED)

    def update(self, request, pk: str, partial: bool = False):
        category = self.get_object()
        category = category_update(category=category, data=self._input(s.CategoryInputSerializer, partial=partial))
        return Response(s.CategoryOutputSerializer(category).data)

    def partial_update(self, request, pk: str):
        return self.update(request, pk, partial=True)

    def destroy(self, request, pk: str):
        category_delete(category=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


@_documented(s.MenuItemInputSerializer, s.MenuItemOutputSerializer)
class MenuItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, MenuManagementViewSet):
    serializer_class = s.MenuItemOutputSerializer
    queryset = MenuItem.objects.none()  # for the schema generator only; get_queryset() scopes
    staff_patchable_fields = frozenset({"is_available"})

    def get_queryset(self):
        category = self.request.query_params.get("category")
        available = self.request.query_params.get("is_available")
        return menu_item_list(
            tenant=self.get_tenant(),
            category_id=int(category) if category and category.isdigit() else None,
            is_available={"true": True, "false": False}.get((available or "").lower()),
        )

    def create(self, request):
        item = menu_item_create(tenant=self.get_tenant(), **self._input(s.MenuItemInputSerializer, partial=False))
        return Response(s.MenuItemOutputSerializer(item).data, status=status.HTTP_201_CREATED)

    def update(self, request, pk: str, partial: bool = False):
        item = self.get_object()
        item = menu_item_update(item=item, data=self._input(s.MenuItemInputSerializer, partial=partial))
        return Response(s.MenuItemOutputSerializer(item).data)

    def partial_update(self, request, pk: str):
        return self.update(request, pk, partial=True)

    def destroy(self, request, pk: str):
        menu_item_delete(item=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


@_documented(s.OptionGroupInputSerializer, s.OptionGroupOutputSerializer)
class OptionGroupViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, MenuManagementViewSet):
    """/api/menu/items/{item_id}/option-groups/: the option groups of one item, with options."""

    serializer_class = s.OptionGroupOutputSerializer
    queryset = OptionGroup.objects.none()  # for the schema generator only; get_queryset() scopes

    def get_queryset(self):
        return option_group_list(tenant=self.get_tenant(), item_id=int(self.kwargs["item_id"]))

    def _item(self) -> MenuItem:
        item = MenuItem.objects.for_tenant(self.get_tenant()).filter(id=int(self.kwargs["item_id"])).first()
        if item is None:
            raise NotFoundError("No such menu item.")
        return item

    def list(self, request, *args, **kwargs):
        self._item()
        return super().list(request, *args, **kwargs)

    def create(self, request, item_id: str):
        data = self._input(s.OptionGroupInputSerializer, partial=False)
        group = option_group_create(item=self._item(), **data)
        return Response(s.OptionGroupOutputSerializer(group).data, status=status.HTTP_201_CREATED)

    def update(self, request, item_id: str, pk: str, partial: bool = False):
        group = self.get_object()
        data = dict(self._input(s.OptionGroupInputSerializer, partial=partial))
        options = data.pop("options", None)
        group = option_group_update(group=group, data=data, options=options)
        return Response(s.OptionGroupOutputSerializer(self.get_object()).data)  # re-read: options changed

    def partial_update(self, request, item_id: str, pk: str):
        return self.update(request, item_id, pk, partial=True)

    def destroy(self, request, item_id: str, pk: str):
        option_group_delete(group=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


@_documented(s.OptionPatchSerializer, s.OptionOutputSerializer)
class OptionViewSet(mixins.RetrieveModelMixin, MenuManagementViewSet):
    """/api/menu/options/{id}/: read or change one option (staff: is_available only)."""

    serializer_class = s.OptionOutputSerializer
    queryset = Option.objects.none()  # for the schema generator only; get_queryset() scopes
    staff_patchable_fields = frozenset({"is_available"})

    def get_queryset(self):
        return option_list(tenant=self.get_tenant())

    def update(self, request, pk: str, partial: bool = False):
        option = self.get_object()
        option = option_update(option=option, data=self._input(s.OptionPatchSerializer, partial=partial))
        return Response(s.OptionOutputSerializer(option).data)

    def partial_update(self, request, pk: str):
        return self.update(request, pk, partial=True)
