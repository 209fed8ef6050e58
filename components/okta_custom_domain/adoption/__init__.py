"""Adopting what exists: an Okta domain (and the records serving it) taken over, not created."""
