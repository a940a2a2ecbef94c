"""The tenancy package names the tenant and membership models by setting (foodsys/ imports no app;
tests/test_layers.py checks the imports)."""

from django.apps import apps
from django.conf import settings

from foodsys.tenancy.models import TenantScopedModel
from foodsys.tenancy.resolution import membership_model, tenant_model


def test_the_settings_name_the_tenant_and_membership_models():
    assert tenant_model() is apps.get_model(settings.TENANT_MODEL)
    assert membership_model() is apps.get_model(settings.TENANT_MEMBERSHIP_MODEL)
    assert membership_model()._meta.get_field("tenant").related_model is tenant_model()


def test_every_tenant_scoped_model_points_at_the_tenant_model():
    scoped = [model for model in apps.get_models() if issubclass(model, TenantScopedModel)]
    assert scoped and {model._meta.get_field("tenant").related_model for model in scoped} == {tenant_model()}
