"""Pelican plugin: one kiosk bundle per site (``build/kiosk/<site>/``), from the same corpus."""

from p2f_kiosk.plugin import register

__all__ = ["register"]
