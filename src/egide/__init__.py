"""Égide: an open platform for Security System Reform (SSR) cooperation."""

__version__ = "0.1.0"
