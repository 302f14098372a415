"""Every write of the supervision app, one module per area."""
