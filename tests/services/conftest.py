"""The services' tests load workbooks as the loaders' tests do, with the same fixtures."""

from tests.loaders.conftest import load, template  # noqa: F401
