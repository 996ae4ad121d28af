"""The REST API for the ministry's other systems: `/api/v1/`, described at `/api/schema/`.

Views parse input, read through `tracker.selectors`, write through `tracker.services` and ask
`tracker.permissions` who may see and do what; nothing here holds a rule of its own.
"""
