"""The spec format: what a contributor declares, its JSON Schema, and the error for its mistakes."""
