"""Renderers: one module per output format, chosen through :mod:`crmscan.report.base`."""
