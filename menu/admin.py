"""Catalog admin. Every save and delete goes through the menu services, acting as the admin user
(role "admin"), so the admin gets the same rules and the same cache retirement as the API and the
pages. A service's refusal (e.g. a group needing more options than it has) is shown as a message
and nothing is written."""

from django import forms
from django.contrib import admin
from django.db import models

from foodsys.tenancy.actor import Actor
from menu import services
from menu.models import Category, MenuItem, Option, OptionGroup
from restaurants.admin import ServiceAdmin, TenantListFilter


def _changed_fields(form, names) -> dict:
    return {name: form.cleaned_data[name] for name in names if name in form.changed_data}


class CatalogAdmin(ServiceAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_filter = (TenantListFilter,)
    list_select_related = ("tenant",)

    def get_readonly_fields(self, request, obj=None):
        # A row never changes tenant: the services refuse it, and its children would stay behind.
        return ("tenant",) if obj is not None and "tenant" not in (self.exclude or ()) else ()

    def delete_model(self, request, obj):
        self.service_delete(obj, actor=Actor.admin(request.user))

    def delete_queryset(self, request, queryset):
        actor = Actor.admin(request.user)
        for obj in queryset:
            self.service_delete(obj, actor=actor)

    def service_delete(self, obj, *, actor: Actor) -> None:
        raise NotImplementedError


@admin.register(Category)
class CategoryAdmin(CatalogAdmin):
    list_display = ("name", "tenant", "position")
    search_fields = ("name",)
    raw_id_fields = ("tenant",)

    def save_model(self, request, obj, form, change):
        actor = Actor.admin(request.user)
        if change:
            services.category_update(category=obj, data=_changed_fields(form, services.CATEGORY_FIELDS),
                                     actor=actor)
        else:
            created = services.category_create(tenant=obj.tenant, name=obj.name, position=obj.position, actor=actor)
            obj.pk = created.pk

    def service_delete(self, obj, *, actor):
        services.category_delete(category=obj, actor=actor)


class MenuItemAdminForm(forms.ModelForm):
    image_url = forms.URLField(max_length=500, required=False, assume_scheme="https")

    class Meta:
        model = MenuItem
        fields = ["tenant", "category", "name", "description", "price", "position", "image_url", "is_available",
                  "is_vegetarian", "is_vegan", "spicy_level", "preparation_time", "calories", "allergens"]

    def clean(self):
        cleaned = super().clean()
        tenant = cleaned.get("tenant") or (self.instance.tenant if self.instance.pk else None)
        category = cleaned.get("category")
        if tenant and category and category.tenant_id != tenant.tenant_id:
            self.add_error("category", "This category belongs to another restaurant.")
        return cleaned


@admin.register(MenuItem)
class MenuItemAdmin(CatalogAdmin):
    form = MenuItemAdminForm
    list_display = ("name", "tenant", "category", "price", "is_available")
    list_filter = (TenantListFilter, "is_available")
    list_select_related = ("tenant", "category")
    search_fields = ("name",)
    raw_id_fields = ("tenant", "category")

    def save_model(self, request, obj, form, change):
        actor = Actor.admin(request.user)
        data = _changed_fields(form, services.MENU_ITEM_FIELDS) if change else {
            name: value for name, value in form.cleaned_data.items() if name in services.MENU_ITEM_FIELDS}
        if "category" in data:
            data["category"] = data["category"].pk  # the services take the category's id
        if change:
            services.menu_item_update(item=obj, data=data, actor=actor)
        else:
            obj.pk = services.menu_item_create(tenant=form.cleaned_data["tenant"], actor=actor, **data).pk

    def service_delete(self, obj, *, actor):
        services.menu_item_delete(item=obj, actor=actor)


class OptionInline(admin.TabularInline):
    model = Option
    fields = ("name", "price_delta", "is_available", "position")
    extra = 1


@admin.register(OptionGroup)
class OptionGroupAdmin(CatalogAdmin):
    """The group and its inline options are one service call (`option_group_create/update` with the
    whole options list), made once the inline formset is known: the selection bounds are checked
    against the options the group will have."""

    list_display = ("name", "item", "tenant", "min_select", "max_select")
    list_select_related = ("tenant", "item")
    search_fields = ("name", "item__name")
    raw_id_fields = ("item",)
    exclude = ("tenant",)
    inlines = (OptionInline,)

    def save_model(self, request, obj, form, change):
        pass  # written with its options in save_related

    def save_related(self, request, form, formsets, change):
        actor = Actor.admin(request.user)
        group = form.instance
        options = None
        for formset in formsets:
            if formset.model is Option:
                formset.save(commit=False)  # writes nothing; fills what the admin's change message reads
                options = self._options(formset)
        fields = {name: form.cleaned_data[name] for name in ("name", "min_select", "max_select", "position")}
        if change:
            services.option_group_update(group=group, data=fields, options=options, actor=actor)
        else:
            created = services.option_group_create(item=group.item, actor=actor, options=options, **fields)
            group.pk, group.tenant_id = created.pk, created.tenant_id
        form.save_m2m()

    @staticmethod
    def _options(formset) -> list[dict]:
        """The group's options after this save: kept rows (with their id) and new rows, in order."""
        options = []
        for inline in formset.forms:
            data = inline.cleaned_data
            if not data or data.get("DELETE") or (inline.instance.pk is None and not inline.has_changed()):
                continue
            entry = {name: data[name] for name in ("name", "price_delta", "is_available", "position") if name in data}
            if inline.instance.pk is not None:
                entry["id"] = inline.instance.pk
            options.append(entry)
        return options

    def service_delete(self, obj, *, actor):
        services.option_group_delete(group=obj, actor=actor)
