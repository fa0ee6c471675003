"""Domains, user profiles, spaces and the path rules that keep users inside them."""
