"""The Twilio Voice webhooks: the caller's side of the phone line."""
