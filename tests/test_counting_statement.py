"""A counting statement runs with the memory its bitmap needs, and no other statement does.

Outside any transaction, as a page's statements run in production (``transaction=True``):
inside one, a ``SET LOCAL`` lasts until it ends.
"""

import pytest
from django.db import DEFAULT_DB_ALIAS, connection

from archive.results import counting_rows

SETTING = "SELECT current_setting('work_mem'), %s"


def server_setting(parameter: str) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(SETTING, [parameter])
        return cursor.fetchone()


@pytest.mark.django_db(transaction=True)
def test_the_count_has_its_memory_for_itself_alone():
    assert not connection.in_atomic_block
    default = server_setting("before")[0]
    assert default != "32MB"
    rows = counting_rows(DEFAULT_DB_ALIAS, SETTING, ["the count's parameter"])
    assert rows == [("32MB", "the count's parameter")]
    assert server_setting("after") == (default, "after")
