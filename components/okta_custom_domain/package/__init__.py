"""``OktaCustomDomain`` as a Pulumi component package, for programs in any language.

``python -m okta_custom_domain.package`` serves it (see ``provider``); the schema is inferred
from the Python arguments (``views``) and the host's inputs become those arguments
(``inputs``). The Python API is unchanged: Python programs import ``okta_custom_domain``.
"""
