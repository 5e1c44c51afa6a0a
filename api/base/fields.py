"""Shared field conventions of the HTTP layer."""

# The ids in our URLs: a UUID, so a non-UUID path segment is a 404 before any query runs.
UUID_PATTERN = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
