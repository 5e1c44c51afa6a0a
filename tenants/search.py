"""Search normalisation for companies: the one normaliser lives in accounts/search.py."""

from accounts.search import normalise, search_terms

__all__ = ["normalise", "search_terms"]
