"""Screens: the flow list, the chat, and the modal views over it."""
