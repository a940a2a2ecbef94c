"""Restaurant and menu management pages. Forms parse input; the catalog services decide and write,
including the role rules (`menu.roles`, `restaurants.roles`), positions and reordering.

Owners and admins manage everything; staff see the menu with availability ("86") toggles only.
"""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from foodsys.common.exceptions import ApplicationError
from menu import roles as menu_roles
from menu import selectors as menu_selectors
from menu import services as menu_services
from menu.models import Option, OptionGroup
from pages.forms import (
    HOURS_IGNORED_MESSAGE,
    CategoryForm,
    MenuItemForm,
    OptionFormSet,
    OptionGroupForm,
    RestaurantCreateForm,
    RestaurantSettingsForm,
    options_data,
)
from pages.views.access import dashboard_restaurant
from restaurants import roles as restaurant_roles
from restaurants import services as restaurant_services
from restaurants.zones import zone_list

# The menu editor's pages; staff get 404 there (they only use the toggles on the menu page).
editor_restaurant = partial(dashboard_restaurant, allowed=menu_roles.may_edit_menu)


def _menu_url(restaurant) -> str:
    return f"/dashboard/{restaurant.pk}/menu/"


def _item_url(restaurant, item_id: int) -> str:
    return f"/dashboard/{restaurant.pk}/menu/items/{item_id}/"


# --- restaurant ------------------------------------------------------------------------------------
@login_required
def restaurant_new(request):
    if not restaurant_roles.may_create_restaurant(request.user):
        raise Http404("Only restaurant owners can create a restaurant.")
    form = RestaurantCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            restaurant = restaurant_services.restaurant_create(owner=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, f"{restaurant.name} was created.")
            return redirect("pages:manage-settings", restaurant.pk)
    return render(request, "dashboard/restaurant_new.html", {"form": form})


@login_required
def restaurant_settings(request, restaurant_id: int):
    restaurant, actor = dashboard_restaurant(request, restaurant_id, allowed=restaurant_roles.may_change_settings)
    if request.method == "POST":
        form = RestaurantSettingsForm(request.POST, slot_minutes=restaurant.slot_minutes)
        if form.is_valid():
            try:
                restaurant_services.restaurant_update(restaurant=restaurant, data=form.service_data(), actor=actor)
            except ApplicationError as exc:
                form.add_service_error(exc)
            except DjangoValidationError as exc:  # the model's own bounds (full_clean in the service)
                _add_model_errors(form, exc)
            else:
                messages.success(request, "Settings saved.")
                if form.hours_ignored:
                    messages.warning(request, HOURS_IGNORED_MESSAGE)
                return redirect("pages:manage-settings", restaurant.pk)
    else:
        form = RestaurantSettingsForm(initial=RestaurantSettingsForm.initial_for(restaurant),
                                      slot_minutes=restaurant.slot_minutes)
    return render(request, "dashboard/settings.html", {
        "restaurant": restaurant, "role": actor.role, "form": form,
        "zones": zone_list(restaurant=restaurant),
    })


def _add_model_errors(form, error: DjangoValidationError) -> None:
    """A model validator's errors next to the matching inputs (the rest above the form)."""
    for field, messages_ in (error.message_dict if hasattr(error, "error_dict") else {None: error.messages}).items():
        for message in messages_:
            form.add_error(field if field in form.fields else None, message)


# --- menu overview -------------------------------------------------------------------------------
def _render_menu(request, restaurant, actor, *, category_form=None, status=200):
    return render(request, "dashboard/menu.html", {
        "restaurant": restaurant,
        "role": actor.role,
        "can_manage": menu_roles.may_edit_menu(actor),
        "categories": menu_selectors.menu_for_restaurant(restaurant=restaurant),
        "category_form": category_form or CategoryForm(),
    }, status=status)


@login_required
def menu_manage(request, restaurant_id: int):
    restaurant, actor = dashboard_restaurant(request, restaurant_id)
    return _render_menu(request, restaurant, actor)


# --- categories ------------------------------------------------------------------------------------
@login_required
@require_POST
def category_create(request, restaurant_id: int):
    restaurant, actor = editor_restaurant(request, restaurant_id)
    form = CategoryForm(request.POST)
    if form.is_valid():
        try:
            menu_services.category_create(tenant=restaurant, name=form.cleaned_data["name"], actor=actor)
        except ApplicationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, f"Category “{form.cleaned_data['name']}” added.")
            return redirect(_menu_url(restaurant))
    return _render_menu(request, restaurant, actor, category_form=form, status=400)


@login_required
def category_edit(request, restaurant_id: int, category_id: int):
    restaurant, actor = editor_restaurant(request, restaurant_id)
    category = get_object_or_404(menu_selectors.category_list(tenant=restaurant), pk=category_id)
    form = CategoryForm(request.POST or None, initial={"name": category.name})
    if request.method == "POST":
        try:
            if "delete" in request.POST:
                menu_services.category_delete(category=category, actor=actor)
                messages.success(request, f"Category “{category.name}” deleted.")
                return redirect(_menu_url(restaurant))
            if form.is_valid():
                menu_services.category_update(category=category, data={"name": form.cleaned_data["name"]},
                                              actor=actor)
                messages.success(request, "Category saved.")
                return redirect(_menu_url(restaurant))
        except ApplicationError as exc:
            form.add_service_error(exc)
    return render(request, "dashboard/category_form.html",
                  {"restaurant": restaurant, "category": category, "form": form})


@login_required
@require_POST
def category_move(request, restaurant_id: int, category_id: int, direction: str):
    restaurant, actor = editor_restaurant(request, restaurant_id)
    category = get_object_or_404(menu_selectors.category_list(tenant=restaurant), pk=category_id)
    menu_services.category_move(category=category, direction=direction, actor=actor)
    return redirect(_menu_url(restaurant))


# --- items -----------------------------------------------------------------------------------------
def _item_form_page(request, restaurant, actor, item=None):
    categories = list(menu_selectors.category_list(tenant=restaurant))
    if not categories:
        messages.error(request, "Add a category first.")
        return redirect(_menu_url(restaurant))
    initial = MenuItemForm.initial_for(item) if item else {"category": request.GET.get("category")}
    form = MenuItemForm(request.POST or None, initial=initial, categories=categories)
    if request.method == "POST" and "delete" in request.POST and item is not None:
        menu_services.menu_item_delete(item=item, actor=actor)
        messages.success(request, f"“{item.name}” deleted.")
        return redirect(_menu_url(restaurant))
    if request.method == "POST" and form.is_valid():
        try:
            if item is None:
                item = menu_services.menu_item_create(tenant=restaurant, actor=actor, **form.service_data())
            else:
                menu_services.menu_item_update(item=item, data=form.service_data(), actor=actor)
        except ApplicationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, f"“{item.name}” saved.")
            return redirect(_item_url(restaurant, item.pk))
    groups = menu_selectors.option_group_list(tenant=restaurant, item_id=item.pk) if item else []
    return render(request, "dashboard/item_form.html",
                  {"restaurant": restaurant, "item": item, "form": form, "option_groups": groups},
                  status=400 if form.errors else 200)


@login_required
def item_create(request, restaurant_id: int):
    restaurant, actor = editor_restaurant(request, restaurant_id)
    return _item_form_page(request, restaurant, actor)


@login_required
def item_edit(request, restaurant_id: int, item_id: int):
    restaurant, actor = editor_restaurant(request, restaurant_id)
    item = get_object_or_404(menu_selectors.menu_item_list(tenant=restaurant), pk=item_id)
    return _item_form_page(request, restaurant, actor, item)


@login_required
@require_POST
def item_move(request, restaurant_id: int, item_id: int, direction: str):
    restaurant, actor = editor_restaurant(request, restaurant_id)
    item = get_object_or_404(menu_selectors.menu_item_list(tenant=restaurant), pk=item_id)
    menu_services.menu_item_move(item=item, direction=direction, actor=actor)
    return redirect(_menu_url(restaurant))


@login_required
@require_POST
def item_availability(request, restaurant_id: int, item_id: int):
    """The "86" switch; staff may use it."""
    restaurant, actor = dashboard_restaurant(request, restaurant_id)
    item = get_object_or_404(menu_selectors.menu_item_list(tenant=restaurant), pk=item_id)
    item = menu_services.menu_item_set_availability(item=item, is_available=not item.is_available, actor=actor)
    messages.success(request, f"“{item.name}” is now {'available' if item.is_available else 'unavailable (86)'}.")
    return redirect(_menu_url(restaurant))


# --- option groups and options ------------------------------------------------------------------------
def _group_form_page(request, restaurant, actor, item, group=None):
    if group is not None:
        initial = {"name": group.name, "min_select": group.min_select, "max_select": group.max_select}
        option_initial = [{"id": o.pk, "name": o.name, "price_delta": o.price_delta, "is_available": o.is_available}
                          for o in group.options.all()]
    else:
        initial, option_initial = {}, []
    form = OptionGroupForm(request.POST or None, initial=initial)
    formset = OptionFormSet(request.POST or None, initial=option_initial, prefix="options")
    if request.method == "POST" and "delete" in request.POST and group is not None:
        menu_services.option_group_delete(group=group, actor=actor)
        messages.success(request, f"Option group “{group.name}” deleted.")
        return redirect(_item_url(restaurant, item.pk))
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            if group is None:
                menu_services.option_group_create(item=item, actor=actor, options=options_data(formset),
                                                  **form.cleaned_data)
            else:
                menu_services.option_group_update(group=group, data=form.cleaned_data, options=options_data(formset),
                                                  actor=actor)
        except ApplicationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, f"Option group “{form.cleaned_data['name']}” saved.")
            return redirect(_item_url(restaurant, item.pk))
    return render(request, "dashboard/option_group_form.html",
                  {"restaurant": restaurant, "item": item, "group": group, "form": form, "formset": formset},
                  status=400 if request.method == "POST" else 200)


@login_required
def option_group_create(request, restaurant_id: int, item_id: int):
    restaurant, actor = editor_restaurant(request, restaurant_id)
    item = get_object_or_404(menu_selectors.menu_item_list(tenant=restaurant), pk=item_id)
    return _group_form_page(request, restaurant, actor, item)


def _tenant_group(restaurant, group_id: int) -> OptionGroup:
    return get_object_or_404(OptionGroup.objects.for_tenant(restaurant).select_related("item")
                             .prefetch_related("options"), pk=group_id)


@login_required
def option_group_edit(request, restaurant_id: int, group_id: int):
    restaurant, actor = editor_restaurant(request, restaurant_id)
    group = _tenant_group(restaurant, group_id)
    return _group_form_page(request, restaurant, actor, group.item, group)


@login_required
@require_POST
def option_group_move(request, restaurant_id: int, group_id: int, direction: str):
    restaurant, actor = editor_restaurant(request, restaurant_id)
    group = _tenant_group(restaurant, group_id)
    menu_services.option_group_move(group=group, direction=direction, actor=actor)
    return redirect(_item_url(restaurant, group.item_id))


@login_required
@require_POST
def option_availability(request, restaurant_id: int, option_id: int):
    """Staff may switch single options off too (e.g. out of one topping)."""
    restaurant, actor = dashboard_restaurant(request, restaurant_id)
    option = get_object_or_404(Option.objects.for_tenant(restaurant), pk=option_id)
    option = menu_services.option_set_availability(option=option, is_available=not option.is_available, actor=actor)
    messages.success(request, f"Option “{option.name}” is now {'available' if option.is_available else 'unavailable'}.")
    return redirect(_menu_url(restaurant))
