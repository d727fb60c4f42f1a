"""Invoicing: the company profile, customers, products and invoice drafts, validated and totalled."""
