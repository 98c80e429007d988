"""kresearch: autonomous deep research with a local model, cited reports."""

__version__ = "0.1.0"
