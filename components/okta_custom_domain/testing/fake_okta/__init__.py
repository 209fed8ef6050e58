"""A fake Okta org on loopback: the custom-domains API with the live behaviour, for offline tests.

It follows what the live service does where the spec is wrong (201 on create, FAILED_TO_VERIFY
with HTTP 200 and a regenerated TXT value, list without ``dnsRecords``), and its verify
*really resolves* the records through a DNS server you point it at, so a pipeline can be tested
end to end against real DNS. Faults (429 with rate-limit headers, 5xx, slow answers) are
injected on request; every request is recorded (method, path, status; never a body).

``facade`` composes the parts: ``domains`` (the state machine; ``domain`` and ``certificates``
its data), ``dns_check``, ``oauth`` (with ``users``), ``system_log``, and the HTTP side
(``http_server``, ``routes``, ``faults``).
"""

from okta_custom_domain.testing.fake_okta.facade import FakeOkta
from okta_custom_domain.testing.fake_okta.http_server import RecordedRequest
from okta_custom_domain.testing.fake_okta.system_log import CUSTOM_DOMAIN_EVENTS

__all__ = ["CUSTOM_DOMAIN_EVENTS", "FakeOkta", "RecordedRequest"]
