import pytest

from restaurants.api.public import forget_known_tenants


@pytest.fixture(autouse=True)
def _forget_known_tenants():
    """Test databases reuse restaurant ids, so the process's id -> tenant memo must not outlive a test."""
    forget_known_tenants()
