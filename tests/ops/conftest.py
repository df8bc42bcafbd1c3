import pytest

from tests.ops.support import Services, services_or_skip


@pytest.fixture
def services() -> Services:
    """The real Redis and PostgreSQL, or a skip that says why (a failure under WMR_REQUIRE_SERVICES=1)."""
    return services_or_skip()
