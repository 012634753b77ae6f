"""Everything the phone line says, by prompt id. English is the source; callers hear nl or de.

Placeholders are filled with spoken forms from `ivr.spoken` (dates, digits, durations); a prompt
with placeholders is always synthesised, one without may have a studio recording.
"""

# The registry's names, re-exported: `from ivr.prompts import Prompt` is the one import callers use.
from ivr.prompts.registry import REGISTRY as REGISTRY
from ivr.prompts.registry import Prompt as Prompt
from ivr.prompts.registry import prompt

# Language: the welcome and the two choices are one interruptible menu.
GREETING = prompt("greeting", "Welcome to the servicedesk.")
CHOOSE_DUTCH = prompt("choose_dutch", "Dutch: press 1.")
CHOOSE_GERMAN = prompt("choose_german", "German: press 2.")
# Said in the language it offers, so a caller remembered wrongly understands it.
SWITCH_TO_THIS_LANGUAGE = prompt("switch_to_this_language", "This language: press 9.")

# Announcements. "Closed" is said once, with the reason when there is one.
CLOSED_NOW = prompt("closed_now", "We are closed now and open again {when}.")
CLOSED_TODAY = prompt(
    "closed_today", "Today the servicedesk is closed: {reason}. We are open again {when}."
)
# No opening in sight (a closure without a known end): the truth, never a made-up date.
CLOSED_UNTIL_FURTHER_NOTICE = prompt(
    "closed_until_further_notice", "The servicedesk is closed until further notice."
)
CLOSED_UNTIL_FURTHER_NOTICE_FOR = prompt(
    "closed_until_further_notice_for", "The servicedesk is closed until further notice: {reason}."
)
MAINTENANCE_PLANNED = prompt(
    "maintenance_planned",
    "Please note: planned maintenance starts {start} and is finished {end}.",
)
MAINTENANCE_RUNNING = prompt(
    "maintenance_running", "Please note: planned maintenance is in progress; it is finished {end}."
)
# Only when the description says more than "maintenance" (ivr.domain.maintenance).
MAINTENANCE_ABOUT = prompt("maintenance_about", "Subject: {description}.")

# A known disruption (ivr/voice/disruption.py)
DISRUPTION_KNOWN = prompt("disruption_known", "Please note, a known disruption: {description}.")
DISRUPTION_MINE = prompt("disruption_mine", "This is your problem: press 1.")
DISRUPTION_OTHER = prompt("disruption_other", "Something else: press 2.")
DISRUPTION_NOTED = prompt(
    "disruption_noted", "Thank you. We have noted that you are affected, and we are working on it."
)
DISRUPTION_NOTED_MESSAGE = prompt(
    "disruption_noted_message", "You will receive a text message when it is solved."
)
# Not spoken: written into the history of affected callers' incidents when it ends.
DISRUPTION_ENDED_UPDATE = prompt(
    "disruption_ended_update", "The known disruption is over: {description}."
)

# Status by phone (ivr/voice/status.py)
STATUS_ENTER = prompt(
    "status_enter", "Please key in the eight digits of your reference, then the hash key."
)
STATUS_UNKNOWN = prompt("status_unknown", "We cannot find that reference.")
STATUS_UNAVAILABLE = prompt(
    "status_unavailable", "We cannot look up reports right now. Please try again later."
)
STATUS_LAST_FOUR = prompt(
    "status_last_four",
    "To hear the details, key in the last four digits of the callback number.",
)
STATUS_EXISTS = prompt(
    "status_exists", "Reference {reference} exists, and the servicedesk is handling it."
)
STATUS_RECEIVED = prompt(
    "status_received", "Report {reference} has been received; a colleague will pick it up."
)
STATUS_IN_HAND = prompt("status_in_hand", "A colleague is working on report {reference}.")
STATUS_RESOLVED = prompt("status_resolved", "Report {reference} has been resolved.")
STATUS_LAST_UPDATE = prompt("status_last_update", "The last update, {when}:")
STATUS_NO_UPDATE = prompt("status_no_update", "There is no update yet.")
STATUS_NEXT = prompt("status_next", "You will hear more {when} at the latest.")

# Menus: one sentence per choice, the choice first and its key last, so a caller who knows
# the line presses as soon as they hear theirs (barge-in: every menu is inside `<Gather>`).
PURPOSE_INCIDENT = prompt("purpose_incident", "Disruption: press 1.")
PURPOSE_QUESTION = prompt("purpose_question", "Question: press 2.")
PURPOSE_STANDARD_CHANGE = prompt("purpose_standard_change", "Standard change: press 3.")
PURPOSE_STATUS = prompt("purpose_status", "The status of a report: press 4.")
IMPACT_QUESTION = prompt("impact_question", "Who is affected?")
IMPACT_ALL = prompt("impact_all", "Everyone: press 1.")
IMPACT_SOME = prompt("impact_some", "Several people: press 2.")
IMPACT_ONE = prompt("impact_one", "Only you: press 3.")
SEVERITY_CANNOT_WORK = prompt("severity_cannot_work", "You cannot work or call? Press 1.")
SEVERITY_FUNCTIONS_FAIL = prompt("severity_functions_fail", "Some functions fail? Press 2.")
SEVERITY_CUMBERSOME = prompt("severity_cumbersome", "It works, but only with detours? Press 3.")
CALLBACK_KEEP = prompt("callback_keep", "Correct: press 1.")
CALLBACK_OTHER = prompt("callback_other", "Another number: press 2.")
# Said once per call, after the first menu's choices.
REPEAT_HINT = prompt("repeat_hint", "Repeat: star.")
INVALID_CHOICE = prompt("invalid_choice", "Sorry, that is not one of the choices.")
NO_INPUT = prompt("no_input", "Sorry, we did not hear a choice.")

# One sentence about the problem, recognised as text for the agents (ivr/voice/summary.py).
SUMMARY_ASK = prompt("summary_ask", "What is it about?")
WHISPER_SUMMARY = prompt("whisper_summary", "Summary: {summary}")
# In hours, asked once while the caller waits in the queue (the agent's phone may ring already).
QUEUE_SUMMARY_ASK = prompt(
    "queue_summary_ask", "While you wait: what is it about? Say it in one sentence."
)

# Routing in opening hours. Only what is true: ringing, nobody on duty, nobody answered.
CONNECTING = prompt("connecting", "You are being connected.")
NOBODY_ON_DUTY = prompt("nobody_on_duty", "No colleague is available at the moment.")
NOBODY_ANSWERED = prompt("nobody_answered", "Nobody is answering at the moment.")
LEAVE_REPORT_ASAP = prompt(
    "leave_report_asap",
    "Please leave your report; afterwards you will hear when we react.",
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
WHISPER_STANDARD_CHANGE = prompt(
    "whisper_standard_change",
    "Servicedesk call in {language}, a standard change, reference {reference}.",
)
WHISPER_CHANGE_DUE = prompt("whisper_change_due", "Due {when}.")
# An offer to an agent (the line calls them; the whisper is inside a <Gather>).
WHISPER_CALLBACK = prompt("whisper_callback", "This is a callback.")
# A line of several desks (issue 26): whose caller is offered, by the desk's name.
WHISPER_DESK = prompt("whisper_desk", "A caller of {name}.")
WHISPER_CHOSE = prompt("whisper_chose", "The caller chose: {impact}, {severity}.")
WHISPER_IMPACT_ALL = prompt("whisper_impact_all", "all users")
WHISPER_IMPACT_SOME = prompt("whisper_impact_some", "several users")
WHISPER_IMPACT_ONE = prompt("whisper_impact_one", "only the caller")
WHISPER_SEVERITY_CANNOT_WORK = prompt("whisper_severity_cannot_work", "cannot work")
WHISPER_SEVERITY_FUNCTIONS_FAIL = prompt("whisper_severity_functions_fail", "functions fail")
WHISPER_SEVERITY_CUMBERSOME = prompt("whisper_severity_cumbersome", "works with detours")
OFFER_PRESS_ONE = prompt("offer_press_one", "Take the call: press 1.")
OFFER_GONE = prompt("offer_gone", "This caller is no longer waiting. Thank you.")
OFFER_DECLINED = prompt("offer_declined", "You did not take the call; you are now set to away.")
CALLBACK_DIALLING = prompt("callback_dialling", "We are calling the caller back now.")
CALLBACK_RETRY_AT = prompt(
    "callback_retry_at", "The caller did not answer. We will try again {time}."
)
CALLBACK_GIVEN_UP = prompt(
    "callback_given_up",
    "The caller did not answer. It stays a report for the next working day.",
)
CALLBACK_NOT_REACHED = prompt(
    "callback_not_reached", "The caller did not answer. We will try again later."
)
CALLBACK_GREETING = prompt(
    "callback_greeting",
    "You are being called back by the servicedesk about reference {reference}. "
    "You are being connected.",
)
# A callback's caller is screened before the agent is put through: a voicemail presses nothing.
CALLBACK_SCREEN = prompt(
    "callback_screen",
    "You are being called back by the servicedesk about reference {reference}.",
)
CALLBACK_PRESS_ONE = prompt("callback_press_one", "Press 1 to speak to the servicedesk.")
LANGUAGE_NAME_NL = prompt("language_name_nl", "Dutch")
LANGUAGE_NAME_DE = prompt("language_name_de", "German")

# Waiting in the queue: where the caller stands, then the choices, choice first, key last.
QUEUE_POSITION = prompt("queue_position", "You are number {position} in line.")
QUEUE_EXPECTED = prompt("queue_expected", "The expected waiting time is about {duration}.")
QUEUE_AGENT_CALLED = prompt("queue_agent_called", "An agent is being called for you.")
QUEUE_CLOSING = prompt(
    "queue_closing",
    "Please note: the servicedesk closes {when}. If it is not your turn by then, we pick up "
    "your report {next}.",
)
QUEUE_CHOICES = prompt(
    "queue_choices",
    "To keep waiting, stay on the line. A callback, keeping your place: press 1. "
    "A report instead: press 2.",
)
QUEUE_FULL = prompt("queue_full", "It is very busy at the moment and the queue is full.")
QUEUE_TOO_LONG = prompt("queue_too_long", "We are sorry that it is taking so long.")
QUEUE_FAULT = prompt("queue_fault", "We are sorry, we cannot connect you at the moment.")
CALLBACK_KEPT = prompt(
    "callback_kept",
    "You keep your place in line. We expect to call you back in about {duration}, on {number}. "
    "You can hang up now.",
)
CALLBACK_KEPT_NO_ESTIMATE = prompt(
    "callback_kept_no_estimate",
    "You keep your place in line. We will call you back on {number} when it is your turn. "
    "You can hang up now.",
)

# Taking a report
RECORDING_NOTICE = prompt(
    "recording_notice", "Your report is recorded to handle it, and kept for {days} days."
)
RECORD_INCIDENT = prompt(
    "record_incident", "After the tone, describe the problem; then press hash."
)
RECORD_QUESTION = prompt("record_question", "After the tone, ask your question; then press hash.")
RECORD_STANDARD_CHANGE = prompt(
    "record_standard_change",
    "After the tone, say which standard change you need and for whom; then press hash.",
)
NOTHING_RECORDED = prompt("nothing_recorded", "We did not hear a message.")

# An agent calling from their registered number (AGENT_PHONE_LOGIN): in or out with one key.
AGENT_HELLO = prompt("agent_hello", "Hello {name}, this is the servicedesk line.")
AGENT_IS_IN = prompt("agent_is_in", "You are logged in: the line offers you calls.")
AGENT_IS_OUT = prompt("agent_is_out", "You are logged out: the line offers you no calls.")
AGENT_LOG_IN = prompt("agent_log_in", "Log in: press 1.")
AGENT_LOG_OUT = prompt("agent_log_out", "Log out: press 2.")
AGENT_AS_CALLER = prompt("agent_as_caller", "Call the servicedesk as a caller: press 3, or wait.")
AGENT_PIN_ASK = prompt("agent_pin_ask", "Enter your PIN, then press hash.")
AGENT_PIN_WRONG = prompt("agent_pin_wrong", "That PIN is not correct.")
AGENT_PIN_LOCKED = prompt(
    "agent_pin_locked",
    "Too many wrong PINs from this number: logging in or out by phone is blocked for up to a "
    "day. Use the console, or ask a colleague.",
)
AGENT_LOGGED_IN = prompt(
    "agent_logged_in", "You are now logged in. The line offers you calls from now on."
)
AGENT_LOGGED_OUT = prompt(
    "agent_logged_out", "You are now logged out. The line offers you no calls until you log in."
)
AGENT_BUSY = prompt(
    "agent_busy", "You are on a call right now; that changes by itself when the call ends."
)
AGENT_NOT_CHANGED = prompt(
    "agent_not_changed", "Sorry, that could not be changed now. Please use the console."
)

# Callback number, read back in the groups people use ("06 12 34 56 78").
CALLBACK_CONFIRM = prompt("callback_confirm", "We will call you back on {number}.")
CALLBACK_ENTER = prompt(
    "callback_enter",
    "Please key in the number we can call you back on, with the area code, and end with hash.",
)
CALLBACK_NO_MESSAGES = prompt("callback_no_messages", "No text messages about it: press 3.")
MESSAGES_DECLINED = prompt("messages_declined", "You will not receive text messages from us.")
CALLBACK_INVALID = prompt("callback_invalid", "That is not a valid phone number.")
CALLBACK_SAVED = prompt("callback_saved", "We will call you back on {number}.")

# Closing the report
REFERENCE = prompt("reference", "Your reference is {reference}. Once more: {reference}.")
# Out of hours nothing is handled until the next opening: the sentence says so.
PICKUP_AT = prompt(
    "pickup_at", "Outside opening hours nothing is handled; we pick up your report {when}."
)
PICKUP_WHEN_REOPENED = prompt(
    "pickup_when_reopened",
    "The servicedesk is closed until further notice. Your report is picked up as soon as it is "
    "open again.",
)
PICKUP_ASAP = prompt("pickup_asap", "Your report is picked up as soon as possible.")
REACTION_TARGET = prompt(
    "reaction_target",
    "For this category we react within {duration} during opening hours, at the latest {when}.",
)
# Seed 004: standard changes are carried out within two working days.
CHANGE_DUE = prompt(
    "change_due", "We carry out your standard change within 2 working days, at the latest {when}."
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

# Text messages to the caller (not spoken: sent through Twilio's Messaging API)
SMS_REPORTED = prompt(
    "sms_reported",
    "Servicedesk: your report has reference {reference}. A colleague will pick it up {when}. "
    "To hear how it stands, call us and press 4.",
)
SMS_UPDATE = prompt("sms_update", "Servicedesk, report {reference}: {description}")
SMS_RESOLVED = prompt("sms_resolved", "Servicedesk: your report {reference} has been resolved.")
SMS_CALLBACK_MISSED = prompt(
    "sms_callback_missed",
    "Servicedesk: we could not call you back about report {reference}. "
    "A colleague will pick it up {when}.",
)
SMS_DISRUPTION_ENDED = prompt(
    "sms_disruption_ended", "Servicedesk: the disruption you reported is over: {description}."
)
