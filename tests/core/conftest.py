from tests.file_cache import file_cache  # noqa: F401 - the fixture
