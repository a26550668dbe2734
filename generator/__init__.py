"""Bookwright: from a plain-language description of a booking business to a secure app.

The sub-packages follow the pipeline: ``agent`` (chat to draft manifest, through ``guard``),
``manifest`` (the validated model and its invariants), ``render`` (manifest to app) and
``gates`` (change sets and promotion).
"""

__version__ = "0.1.0"
