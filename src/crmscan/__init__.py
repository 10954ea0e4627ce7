"""crmscan: find, classify and risk-assess sensitive data in CRM databases and exports."""

__version__ = "0.1.0"
