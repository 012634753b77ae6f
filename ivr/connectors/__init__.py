"""Ticket-system connectors (issue 28): one adapter module per vendor, no Flask, no database.

`base` is the interface the outbox (ivr/services/outbox.py) and the progress reader use; each
vendor's HTTP calls live in its own module here, the mapping and the bookkeeping in services.
"""
