"""The servicedesk's rules, pure: calendar, holidays, triage, SLA clocks, maintenance, call flow.

Standard library and `holidays` only; time is always passed in. No Flask, Twilio or SQLAlchemy.
"""
