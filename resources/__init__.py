"""Qayd's bundled data files (XSDs, fonts, translations, icons); installed as the package `qayd_resources`."""
