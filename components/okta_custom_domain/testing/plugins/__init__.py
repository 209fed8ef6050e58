"""Stand-ins for provider plugins the engine tests need but cannot build offline.

``base`` holds the engine's wire protocol once; ``okta`` and ``cloudflare`` are the doubles,
each runnable as ``python -m okta_custom_domain.testing.plugins.<name>`` (the launcher script
``install_plugin_dir`` writes does exactly that).
"""
