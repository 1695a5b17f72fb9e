"""Knowledge graph builder for China–ASEAN cooperation news.

Data flows one way: read → extract → map → store → query / view / export
(see docs/architecture.md).
"""

__version__ = "0.1.0"
