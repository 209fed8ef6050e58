"""What the engine runs (through the launcher script): serve the cloudflare double until killed."""

from okta_custom_domain.testing.plugins.cloudflare.provider import main

main()
