"""Endpoint methods, one mixin class per API area, combined into ``Client``."""
