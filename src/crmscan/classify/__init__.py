"""Column classification: rules, name and value matchers, validators, protection detection."""
