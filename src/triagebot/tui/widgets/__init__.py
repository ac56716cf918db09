"""Widgets: question inputs, transcript bubbles and the outcome card."""
