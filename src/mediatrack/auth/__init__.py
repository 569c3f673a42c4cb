"""Signing in with Google from a terminal: the device flow and the id_token check.

``device_flow`` talks to Google's OAuth endpoints (RFC 8628), ``id_token``
verifies the signed identity Google returns, ``settings`` reads the client id,
secret and endpoint URLs from the environment. Nothing here touches the store
or the UI: ``services.identity`` joins them to ``store.identity`` and
``mediatrack.secrets``.
"""
