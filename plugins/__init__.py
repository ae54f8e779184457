"""Built-in rule plugins, one module per concern. Each is registered like any third-party
plugin: it implements `handbook_register_rules` (see `generator.hookspecs`)."""
