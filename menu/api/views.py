"""Menu management for the request's tenant (X-Tenant-ID, or the caller's only membership).

Who may do what is `menu.roles`, enforced by the menu services: owners and admins do everything;
staff may only PATCH `is_available` of items and options (the "86" switch), anything else is 403.
Ids of another tenant are 404.

Options are edited through their group: `options` in an option-group body replaces the group's
options (entries with an `id` keep and update that option, entries without one are new, unlisted
ones are deleted). `/api/menu/options/{id}/` exists for single-option changes, e.g. staff
switching one option off. A category, item or group created without `position` goes last.
"""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.response import Response

from foodsys.common.api_ratelimit import RateLimitedAPIMixin
from foodsys.common.exceptions import NotFoundError
from foodsys.tenancy.actor import Actor, actor_for
from foodsys.tenancy.resolution import require_tenant
from menu import roles
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


def _documented(body, output):
    """OpenAPI: the input serializer of the writes and the output serializer of every action."""
    write = extend_schema(request=body, responses=output)
    schemas = {"create": extend_schema(request=body, responses={201: output}), "update": write,
               "partial_update": write}

    def decorate(view_class):
        return extend_schema_view(**{name: schema for name, schema in schemas.items()
                                     if hasattr(view_class, name)})(view_class)
    return decorate


class MenuManagementViewSet(RateLimitedAPIMixin, viewsets.GenericViewSet):
    permission_classes = [permissions.IsAuthenticated]
    rate_limit_tenant = True
    lookup_value_regex = r"\d+"

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.get_tenant()
        self._refuse_early_by_role(request)

    def get_tenant(self):
        """The tenant being managed (400/401/403 from the tenant resolution when there is none)."""
        return require_tenant(self.request)

    @property
    def actor(self) -> Actor:
        return actor_for(user=self.request.user, membership_role=self.request.tenant_role)

    def _refuse_early_by_role(self, request) -> None:
        """Answers 403 before any lookup or validation (a staff PUT is refused, not reported as
        incomplete), asking the same `menu.roles` the services enforce. The management reads are
        editors' tools: staff switch availability from the dashboard or by PATCH."""
        changes = request.data if request.method == "PATCH" and isinstance(request.data, dict) else None
        if changes is None:
            roles.check_may_edit_menu(self.actor)
        else:
            roles.check_may_change(self.actor, changes)

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
        category = category_create(tenant=self.get_tenant(), actor=self.actor,
                                   **self._input(s.CategoryInputSerializer, partial=False))
        return Response(s.CategoryOutputSerializer(category).data, status=status.HTTP_201_CREATED)

    def update(self, request, pk: str, partial: bool = False):
        category = self.get_object()
        category = category_update(category=category, data=self._input(s.CategoryInputSerializer, partial=partial),
                                   actor=self.actor)
        return Response(s.CategoryOutputSerializer(category).data)

    def partial_update(self, request, pk: str):
        return self.update(request, pk, partial=True)

    def destroy(self, request, pk: str):
        category_delete(category=self.get_object(), actor=self.actor)
        return Response(status=status.HTTP_204_NO_CONTENT)


@_documented(s.MenuItemInputSerializer, s.MenuItemOutputSerializer)
class MenuItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, MenuManagementViewSet):
    serializer_class = s.MenuItemOutputSerializer
    queryset = MenuItem.objects.none()  # for the schema generator only; get_queryset() scopes

    def get_queryset(self):
        category = self.request.query_params.get("category")
        available = self.request.query_params.get("is_available")
        return menu_item_list(
            tenant=self.get_tenant(),
            category_id=int(category) if category and category.isdigit() else None,
            is_available={"true": True, "false": False}.get((available or "").lower()),
        )

    def create(self, request):
        item = menu_item_create(tenant=self.get_tenant(), actor=self.actor,
                                **self._input(s.MenuItemInputSerializer, partial=False))
        return Response(s.MenuItemOutputSerializer(item).data, status=status.HTTP_201_CREATED)

    def update(self, request, pk: str, partial: bool = False):
        item = self.get_object()
        item = menu_item_update(item=item, data=self._input(s.MenuItemInputSerializer, partial=partial),
                                actor=self.actor)
        return Response(s.MenuItemOutputSerializer(item).data)

    def partial_update(self, request, pk: str):
        return self.update(request, pk, partial=True)

    def destroy(self, request, pk: str):
        menu_item_delete(item=self.get_object(), actor=self.actor)
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
        group = option_group_create(item=self._item(), actor=self.actor, **data)
        return Response(s.OptionGroupOutputSerializer(group).data, status=status.HTTP_201_CREATED)

    def update(self, request, item_id: str, pk: str, partial: bool = False):
        group = self.get_object()
        data = dict(self._input(s.OptionGroupInputSerializer, partial=partial))
        options = data.pop("options", None)
        option_group_update(group=group, data=data, options=options, actor=self.actor)
        return Response(s.OptionGroupOutputSerializer(self.get_object()).data)  # re-read: options changed

    def partial_update(self, request, item_id: str, pk: str):
        return self.update(request, item_id, pk, partial=True)

    def destroy(self, request, item_id: str, pk: str):
        option_group_delete(group=self.get_object(), actor=self.actor)
        return Response(status=status.HTTP_204_NO_CONTENT)


@_documented(s.OptionPatchSerializer, s.OptionOutputSerializer)
class OptionViewSet(mixins.RetrieveModelMixin, MenuManagementViewSet):
    """/api/menu/options/{id}/: read or change one option (staff: is_available only)."""

    serializer_class = s.OptionOutputSerializer
    queryset = Option.objects.none()  # for the schema generator only; get_queryset() scopes

    def get_queryset(self):
        return option_list(tenant=self.get_tenant())

    def update(self, request, pk: str, partial: bool = False):
        option = self.get_object()
        option = option_update(option=option, data=self._input(s.OptionPatchSerializer, partial=partial),
                              actor=self.actor)
        return Response(s.OptionOutputSerializer(option).data)

    def partial_update(self, request, pk: str):
        return self.update(request, pk, partial=True)
