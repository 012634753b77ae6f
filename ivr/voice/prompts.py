"""Everything the phone line says, by prompt id. English is the source; callers hear nl or de.

Placeholders are filled with spoken forms from `ivr.spoken` (dates, digits, durations); a prompt
with placeholders is always synthesised, one without may have a studio recording.
"""

from ivr.prompts import prompt

# Language
GREETING = prompt("greeting", "Welcome to the servicedesk.")
CHOOSE_DUTCH = prompt("choose_dutch", "For Dutch, press 1.")
CHOOSE_GERMAN = prompt("choose_german", "For German, press 2.")
# Said in the language it offers, so a caller remembered wrongly understands it.
SWITCH_TO_THIS_LANGUAGE = prompt(
    "switch_to_this_language", "To continue in this language, press 9 at any time."
)

# Announcements
CLOSED_TODAY = prompt("closed_today", "Today the servicedesk is closed: {reason}.")
CLOSED_NOW = prompt(
    "closed_now", "The servicedesk is closed at the moment. We are open again {when}."
)
# No opening in sight (a closure without a known end): the truth, never a made-up date.
CLOSED_UNTIL_FURTHER_NOTICE = prompt(
    "closed_until_further_notice", "The servicedesk is closed until further notice."
)
MAINTENANCE_PLANNED = prompt(
    "maintenance_planned",
    "Please note: planned maintenance. {description}. It starts {start} and is finished {end}.",
)
MAINTENANCE_RUNNING = prompt(
    "maintenance_running",
    "Please note: planned maintenance is in progress. {description}. It is finished {end}.",
)

# Menus
PURPOSE_MENU = prompt(
    "purpose_menu", "To report a disruption, press 1. For a question or advice, press 2."
)
IMPACT_MENU = prompt(
    "impact_menu",
    "How many users are affected? All users, press 1. Several users, press 2. Only you, press 3.",
)
SEVERITY_MENU = prompt(
    "severity_menu",
    "How bad is it? If you cannot make calls or cannot work at all, press 1. If certain "
    "functions do not work, press 2. If you can still work, but in a cumbersome way, press 3.",
)
REPEAT_HINT = prompt("repeat_hint", "To hear the choices again, press star.")
INVALID_CHOICE = prompt("invalid_choice", "Sorry, that is not one of the choices.")
NO_INPUT = prompt("no_input", "Sorry, we did not hear a choice.")

# Routing in opening hours
CONNECTING = prompt("connecting", "One moment please, we are connecting you with a colleague.")
NO_AGENT = prompt("no_agent", "All our colleagues are busy at the moment.")
LEAVE_REPORT_ASAP = prompt(
    "leave_report_asap",
    "Please leave your report. A colleague will pick it up as soon as one is free.",
)
WHISPER_INCIDENT = prompt(
    "whisper_incident",
    "Servicedesk call in {language}, category {category}, reference {reference}.",
)
WHISPER_UNCLASSIFIED = prompt(
    "whisper_unclassified",
    "Servicedesk call in {language}, not classified yet, reference {reference}.",
)
WHISPER_QUESTION = prompt(
    "whisper_question", "Servicedesk call in {language}, a question, reference {reference}."
)
LANGUAGE_NAME_NL = prompt("language_name_nl", "Dutch")
LANGUAGE_NAME_DE = prompt("language_name_de", "German")

# Taking a report
RECORDING_NOTICE = prompt(
    "recording_notice",
    "Your message will be recorded so that we can handle your report. We keep the recording "
    "for {days} days.",
)
RECORD_INCIDENT = prompt(
    "record_incident",
    "After the tone, please describe the problem. Press the hash key when you are done.",
)
RECORD_QUESTION = prompt(
    "record_question",
    "After the tone, please ask your question. Press the hash key when you are done.",
)
NOTHING_RECORDED = prompt("nothing_recorded", "We did not hear a message.")

# Callback number
CALLBACK_CONFIRM = prompt(
    "callback_confirm",
    "We will call you back on the number ending in {digits}. To confirm, press 1. "
    "For another number, press 2.",
)
CALLBACK_ENTER = prompt(
    "callback_enter",
    "Please enter the phone number we can call you back on, including the area code, and end "
    "with the hash key.",
)
CALLBACK_INVALID = prompt("callback_invalid", "That is not a valid phone number.")
CALLBACK_SAVED = prompt("callback_saved", "We will call you back on {number}.")

# Closing the report
REFERENCE = prompt("reference", "Your reference is {reference}. Once more: {reference}.")
PICKUP_AT = prompt("pickup_at", "A colleague will pick up your report {when}.")
PICKUP_WHEN_REOPENED = prompt(
    "pickup_when_reopened",
    "The servicedesk is closed until further notice. A colleague will pick up your report as "
    "soon as it is open again.",
)
PICKUP_ASAP = prompt("pickup_asap", "A colleague will pick up your report as soon as possible.")
REACTION_TARGET = prompt(
    "reaction_target",
    "For this category we react within {duration} of opening time, at the latest {when}.",
)
GOODBYE = prompt("goodbye", "Thank you for calling. Goodbye.")

# When anything else failed (see ivr/voice/twiml.py)
APOLOGY = prompt("apology", "We are sorry, something went wrong on our side.")
APOLOGY_CONNECTING = prompt("apology_connecting", "We are connecting you to the servicedesk.")
APOLOGY_RECORD = prompt(
    "apology_record",
    "Please leave your name, your phone number and a short description of the problem after "
    "the tone. This message is recorded. Press the hash key when you are done.",
)
