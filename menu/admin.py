"""Catalog admin. Saves here bypass the services, so each one also retires the tenant's cached
catalog on commit; tenants of new options and groups are copied from their parent."""

from django import forms
from django.contrib import admin
from django.db import models

from foodsys.common.cache import invalidate_catalog_on_commit
from menu.models import Category, MenuItem, Option, OptionGroup
from restaurants.admin import TenantListFilter


class CatalogAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_filter = (TenantListFilter,)
    list_select_related = ("tenant",)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        invalidate_catalog_on_commit(obj.tenant_id, restaurant_changed=False)

    def delete_model(self, request, obj):
        tenant_id = obj.tenant_id
        super().delete_model(request, obj)
        invalidate_catalog_on_commit(tenant_id, restaurant_changed=False)

    def delete_queryset(self, request, queryset):
        tenant_ids = set(queryset.values_list("tenant_id", flat=True))
        super().delete_queryset(request, queryset)
        for tenant_id in tenant_ids:
            invalidate_catalog_on_commit(tenant_id, restaurant_changed=False)


@admin.register(Category)
class CategoryAdmin(CatalogAdmin):
    list_display = ("name", "tenant", "position")
    search_fields = ("name",)
    raw_id_fields = ("tenant",)


class MenuItemAdminForm(forms.ModelForm):
    image_url = forms.URLField(max_length=500, required=False, assume_scheme="https")

    class Meta:
        model = MenuItem
        fields = ["tenant", "category", "name", "description", "price", "position", "image_url", "is_available",
                  "is_vegetarian", "is_vegan", "spicy_level", "preparation_time", "calories", "allergens"]

    def clean(self):
        cleaned = super().clean()
        tenant, category = cleaned.get("tenant"), cleaned.get("category")
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


class OptionInline(admin.TabularInline):
    model = Option
    fields = ("name", "price_delta", "is_available", "position")
    extra = 1


@admin.register(OptionGroup)
class OptionGroupAdmin(CatalogAdmin):
    list_display = ("name", "item", "tenant", "min_select", "max_select")
    list_select_related = ("tenant", "item")
    search_fields = ("name", "item__name")
    raw_id_fields = ("item",)
    exclude = ("tenant",)
    inlines = (OptionInline,)

    def save_model(self, request, obj, form, change):
        obj.tenant_id = obj.item.tenant_id
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        options = formset.save(commit=False)
        for option in options:
            option.tenant_id = form.instance.tenant_id
            option.save()
        for option in formset.deleted_objects:
            option.delete()
        formset.save_m2m()
