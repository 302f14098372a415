"""Pages of the supervision app, one module per area; each view checks the role, calls a
selector or a service and renders."""
