"""The workspace's views: one module per area, each a `View` registered in `desktop.views.registry`."""
