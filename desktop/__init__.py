"""Qayd's Qt desktop client: windows, views and background jobs over the headless core."""
