"""upstream: which AI models your software runs, whose they are, and where they came from."""

__version__ = "0.1.0"
