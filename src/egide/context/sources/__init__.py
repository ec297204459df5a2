"""The public indicator sources Égide reads, each with its indicators, its terms of use and its reader."""

from egide.context.sources.base import IndicatorSpec, Observation, Reading, SourceSpec, Unmapped
from egide.context.sources.registry import SOURCE_BY_CODE, SOURCES, indicator_spec

__all__ = [
    "SOURCES",
    "SOURCE_BY_CODE",
    "IndicatorSpec",
    "Observation",
    "Reading",
    "SourceSpec",
    "Unmapped",
    "indicator_spec",
]
