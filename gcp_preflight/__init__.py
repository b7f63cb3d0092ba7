"""gcp-preflight: static checks for Python data pipelines on Google Cloud."""

__version__ = "0.1.0"
