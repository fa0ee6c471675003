"""REST handlers, one module per resource."""
