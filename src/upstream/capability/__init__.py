"""Capability probe: coding tasks with hidden unit tests, run in a sandbox."""
