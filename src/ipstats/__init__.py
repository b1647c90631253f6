"""ipstats: intellectual-property statistics of Chinese cities, each figure traced to its source."""

__version__ = "0.1.0"
