"""Messenger adapters: each turns its platform's updates into engine Incoming and renders Results."""
