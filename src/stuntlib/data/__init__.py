"""Packaged WHO growth tables (TSV) and their manifest."""
