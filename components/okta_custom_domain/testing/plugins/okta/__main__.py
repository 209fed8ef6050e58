"""What the engine runs (through the launcher script): serve the okta double until killed."""

from okta_custom_domain.testing.plugins.okta.provider import main

main()
