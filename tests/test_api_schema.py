"""The API fuzzed from its own OpenAPI schema: no 500, no answer the schema does not describe.

schemathesis reads /api/schema/ and sends every operation generated requests (valid values,
and values the schema rules out) through the WSGI application, in this test's transaction.
The number of examples is bounded so the whole file runs in well under a minute.
"""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, settings

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = 60


# Fetched through the WSGI application when the file is collected (the schema view needs no
# database). The application is built without the HTTPS redirect, as conftest.py's settings
# are, since those are applied only once the tests start.
#
# A schema can say what a slug, a postal code or a date looks like, not which places exist or
# whether a range is the right way round: such requests are "valid" to the fuzzer and a 400
# to the archive (CONTRACT.md), so a 400 is an expected answer to valid-looking data.
CONFIG = schemathesis.Config.from_dict(
    {"checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "400", "404"]}}}
)
with override_settings(SECURE_SSL_REDIRECT=False):
    schema = schemathesis.openapi.from_wsgi("/api/schema/", WSGIHandler(), config=CONFIG)


@pytest.fixture(autouse=True)
def _keep_the_test_transaction():
    """Like Django's test client: a request must not close the connection that holds this
    test's transaction (and the seed archive in it)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_operation_answers_within_its_schema(case):
    case.call_and_validate()
