"""The line held to the values Twilio documents (issue 23)."""
