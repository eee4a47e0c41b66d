from tests.access.conftest import _module_world, world  # noqa: F401
