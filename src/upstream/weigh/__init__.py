"""Weigh: provenance risk, factor by factor, against capability, with better alternatives."""
