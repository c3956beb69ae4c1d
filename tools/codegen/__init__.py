"""Generate openai_lite's endpoint methods and types from the pinned OpenAPI spec.

Run from the repository root: ``python -m tools.codegen``. Standard library
only; the same spec always gives byte-identical output.
"""
