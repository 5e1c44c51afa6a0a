"""The managers' admin for the incubator. Every change goes through incubator.services."""

from incubator.admin import applications, programs  # noqa: F401  registers the admins
