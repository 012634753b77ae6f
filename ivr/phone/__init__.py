"""A Twilio-like client: places calls into the app and follows its TwiML as Twilio would."""
