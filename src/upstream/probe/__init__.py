"""Probe: measure how a served model behaves on politically sensitive topics.

suite (items as data) -> client + store (HTTP, resumable) -> transport (ok or which failure) ->
scoring (deterministic labels, optional judges) -> stats (rates, intervals, paired indices) -> render.
"""
