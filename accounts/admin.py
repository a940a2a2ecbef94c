from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db.models import Prefetch

from accounts.models import Membership, User
from accounts.selectors import membership_roles_text


class UserCreationForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("email", "name", "role")
        field_classes = {}


class UserEditForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"
        field_classes = {}


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    fields = ("tenant", "role", "created_at")
    readonly_fields = ("created_at",)
    raw_id_fields = ("tenant",)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    inlines = (MembershipInline,)
    ordering = ("email",)
    list_display = ("email", "name", "role", "restaurant_roles", "is_staff", "is_active")
    list_filter = ("role", "is_staff", "is_superuser", "is_active")
    search_fields = ("email", "name")
    readonly_fields = ("last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("name", "phone", "role")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",),
                "fields": ("email", "name", "role", "usable_password", "password1", "password2")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related(
            Prefetch("memberships", queryset=Membership.objects.select_related("tenant")))

    @admin.display(description="Memberships (restaurant and role)")
    def restaurant_roles(self, user: User) -> str:
        return membership_roles_text(user.memberships.all()) or ("–" if user.role != "restaurant_owner"
                                                                 else "restaurant owner, no restaurant yet")

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else ()  # memberships are added once the user exists


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "tenant", "role", "created_at")
    list_filter = ("tenant", "role")
    list_select_related = ("user", "tenant")
    search_fields = ("user__email", "tenant__name")
    autocomplete_fields = ("user",)
    raw_id_fields = ("tenant",)
