"""Connectors: one module per kind of source, all behind :class:`crmscan.connectors.base.Connector`."""
