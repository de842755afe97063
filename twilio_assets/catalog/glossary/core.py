"""Column descriptions of the first ten collections: one short sentence per column, written for analysts.

`describe(collection, column)` looks up a (collection, column) entry in OVERRIDES first, then the
field name in FIELDS. FIELDS holds only names whose meaning is the same wherever they appear;
anything that depends on the collection (statuses, directions, durations, what a SID points to) is
an override. Facts come from Twilio's OpenAPI specs and the project notes (`shared/notes/twilio-api.md`).

Conventions: timestamps are stored as `timestamptz` and described in UTC; durations are seconds
unless a description says otherwise; a SID is given with its two-letter prefix and the column it
joins; prices are in `price_unit` and negative when Twilio charged the amount.
"""

from __future__ import annotations

# Field names with one meaning across every collection that has them.
FIELDS: dict[str, str] = {
    "sid": "Twilio's unique 34-character ID for this record (two-letter type prefix + 32 hex digits); the primary key.",
    "account_sid": "SID of the account or subaccount that owns this record (AC…); joins accounts.sid.",
    "date_created": "When Twilio created this record, in UTC.",
    "date_updated": "When Twilio last changed this record, in UTC.",
    "friendly_name": "Free-text label the owner gave this record.",
    "uri": "API path of this record, relative to https://api.twilio.com.",
    "subresource_uris": "JSON object mapping each related sub-resource to its API path (relative to https://api.twilio.com).",
    "api_version": "Twilio API version that created or handled this record, e.g. 2010-04-01.",
    "status": "Current state of this record; the possible values depend on the collection.",
    "price": "Cost in the price_unit currency, negative when Twilio charged it; may stay null until Twilio settles it.",
    "price_unit": "ISO 4217 code of the price currency, e.g. USD (Twilio may send it in lower case).",
    "duration": "Length in seconds.",
    "conference_sid": "SID of the conference (CF…); joins conferences.sid.",
}

# (collection, column) descriptions where the collection decides the meaning.
# One entry per line reads as a table, so the formatter leaves this dict alone.
# fmt: off
OVERRIDES: dict[tuple[str, str], str] = {
    # accounts
    ("accounts", "sid"): "Account SID (AC…); primary key, one row for the main account and one per subaccount.",
    ("accounts", "owner_account_sid"): "SID of the parent account (AC…), equal to sid for the main account itself; joins accounts.sid.",
    ("accounts", "friendly_name"): "Display name of the account (up to 64 characters); Twilio defaults it to the owner's email address.",
    ("accounts", "status"): "Account state: active, suspended or closed.",
    ("accounts", "type"): "Account tier: Trial or Full (an upgraded, paid account).",
    # addresses
    ("addresses", "sid"): "Address SID (AD…); primary key, referenced by incoming_phone_numbers.address_sid and emergency_address_sid.",
    ("addresses", "customer_name"): "Name of the person or business the address is registered to.",
    ("addresses", "street"): "First address line: street number and name.",
    ("addresses", "street_secondary"): "Second address line (suite, floor, apartment), if any.",
    ("addresses", "city"): "City of the address.",
    ("addresses", "region"): "State, province or region of the address.",
    ("addresses", "postal_code"): "Postal or ZIP code of the address.",
    ("addresses", "iso_country"): "Country of the address as an ISO 3166-1 alpha-2 code, e.g. US.",
    ("addresses", "emergency_enabled"): "True if emergency calling is enabled for this address.",
    ("addresses", "validated"): "True if the address passed Twilio's validation; false if invalid or the country needs no validation.",
    ("addresses", "verified"): "True if the address is verified for local regulation; false if not, or if the country does not require it.",
    # incoming_phone_numbers
    ("incoming_phone_numbers", "sid"): "Phone number SID (PN…); primary key, and what an inbound call's calls.phone_number_sid points to.",
    ("incoming_phone_numbers", "phone_number"): "The number in E.164 form: + then country code and subscriber number, e.g. +14155550100.",
    ("incoming_phone_numbers", "origin"): "Where the number comes from: twilio (Twilio-owned) or hosted (hosted on Twilio from elsewhere).",
    ("incoming_phone_numbers", "status"): "Provisioning state of the number as Twilio reports it, e.g. in-use (free text, not a fixed list).",
    ("incoming_phone_numbers", "type"): "Kind of number, e.g. local, mobile or toll-free.",
    ("incoming_phone_numbers", "address_sid"): "SID of the address registered for this number to meet local rules (AD…); joins addresses.sid.",
    ("incoming_phone_numbers", "emergency_address_sid"): "SID of the address used for emergency calls from this number (AD…); joins addresses.sid.",
    ("incoming_phone_numbers", "address_requirements"): "Address the number needs: none, any, local (in its country) or foreign (outside it).",
    ("incoming_phone_numbers", "emergency_status"): "Whether emergency calling is set up on this number: Active or Inactive.",
    ("incoming_phone_numbers", "emergency_address_status"): (
        "Emergency address registration: registered, unregistered, pending-registration, registration-failure, "
        "pending-unregistration or unregistration-failure."
    ),
    ("incoming_phone_numbers", "bundle_sid"): "SID of the regulatory bundle attached to the number (BU…), where local rules require one.",
    ("incoming_phone_numbers", "identity_sid"): "SID of the regulatory identity attached to the number (RI…), where local rules require one.",
    ("incoming_phone_numbers", "trunk_sid"): "SID of the Elastic SIP Trunk that takes this number's calls (TK…); when set, voice URLs and apps are ignored.",
    ("incoming_phone_numbers", "voice_application_sid"): "SID of the TwiML app that handles calls to this number (AP…); when set, voice_url is ignored.",
    ("incoming_phone_numbers", "sms_application_sid"): "SID of the TwiML app that handles messages to this number (AP…); when set, sms_url is ignored.",
    ("incoming_phone_numbers", "voice_receive_mode"): "What the number accepts on incoming calls: voice or fax.",
    ("incoming_phone_numbers", "beta"): "True if the number is new to the Twilio platform (a beta number).",
    ("incoming_phone_numbers", "capabilities"): "JSON of true/false flags for what the number can do, e.g. voice, sms, mms, fax.",
    ("incoming_phone_numbers", "voice_url"): "Webhook Twilio requests when the number gets a call; unused when a voice app or trunk is set.",
    ("incoming_phone_numbers", "sms_url"): "Webhook Twilio requests when the number gets a message; unused when an SMS app is set.",
    ("incoming_phone_numbers", "status_callback"): "URL Twilio sends call status updates to for this number.",
    # calls
    ("calls", "sid"): "Call SID (CA…); primary key, one row per call leg.",
    ("calls", "parent_call_sid"): "SID of the call that created this leg (CA…), null on a parent leg; joins calls.sid.",
    ("calls", "phone_number_sid"): (
        "PN… SID: the incoming number that took the call if inbound, the outgoing caller ID if outbound; "
        "join incoming_phone_numbers only for inbound."
    ),
    ("calls", "status"): "Call state: queued, ringing, in-progress, completed, busy, failed, no-answer or canceled.",
    ("calls", "direction"): (
        "inbound, outbound-api (REST API), outbound-dial (<Dial> verb), trunking-terminating (to the PSTN) "
        "or trunking-originating (from it)."
    ),
    ("calls", "to"): "Called party: E.164 number, SIP address, client:name or sim:SID.",
    ("calls", "to_formatted"): "Called party formatted for display; numbers outside North America stay in E.164.",
    ("calls", "from"): "Calling party: E.164 number, SIP address, client:name or sim:SID.",
    ("calls", "from_formatted"): "Calling party formatted for display; numbers outside North America stay in E.164.",
    ("calls", "answered_by"): "human or machine when answering machine detection ran on the call; null otherwise.",
    ("calls", "caller_name"): "Caller ID name of an inbound call to a number with caller-name lookup on; null otherwise.",
    ("calls", "forwarded_from"): "Number that forwarded this inbound call, when the carrier passes it on; null otherwise.",
    ("calls", "start_time"): "When the call started, in UTC, null if never dialed; the sync's daily window is on this.",
    ("calls", "end_time"): "When the call ended, in UTC; null if it did not complete.",
    ("calls", "duration"): "Call length in seconds; null for busy, failed, unanswered or still ongoing calls.",
    ("calls", "queue_time"): "Wait before the call was placed, in milliseconds (not seconds).",
    ("calls", "price"): (
        "Connectivity charge in price_unit, negative when charged; filled after the call ends and excludes extras "
        "such as AMD or text-to-speech."
    ),
    ("calls", "group_sid"): "SID of the group the call belongs to (GP…), null if none; no synced table to join.",
    ("calls", "trunk_sid"): "SID of the Elastic SIP Trunk the call used (TK…); null when no trunk was involved.",
    # conferences
    ("conferences", "sid"): "Conference SID (CF…); primary key, referenced by recordings and conference_participants.conference_sid.",
    ("conferences", "friendly_name"): "Name of the conference room, as given when it was created (up to 128 characters).",
    ("conferences", "status"): "Conference state: init, in-progress or completed.",
    ("conferences", "region"): "Twilio region where the conference audio was mixed: us1, us2, ie1, de1, sg1, br1, au1 or jp1.",
    ("conferences", "reason_conference_ended"): (
        "Why it ended, e.g. conference-ended-via-api, last-participant-left/-kicked, "
        "participant-with-end-conference-on-exit-left/-kicked."
    ),
    ("conferences", "call_sid_ending_conference"): "SID of the call whose action ended the conference (CA…); joins calls.sid.",
    # conference_participants (Voice Insights participant summaries)
    ("conference_participants", "participant_sid"): "Voice Insights participant SID (CP…); primary key, one row per participant of a past conference.",
    ("conference_participants", "call_sid"): "SID of the call leg that joined the conference as this participant (CA…); joins calls.sid.",
    ("conference_participants", "label"): "Label given to the participant when it was added, if any.",
    ("conference_participants", "call_direction"): "Direction of the participant's call, per Voice Insights: inbound or outbound.",
    ("conference_participants", "call_status"): (
        "Voice Insights status of the participant's call: answered, completed, busy, fail, noanswer, ringing or canceled."
    ),
    ("conference_participants", "call_type"): "Voice Insights type of the participant's call: carrier, client or sip.",
    ("conference_participants", "from"): "Caller ID of the calling party on the participant's call.",
    ("conference_participants", "to"): "Called party on the participant's call.",
    ("conference_participants", "country_code"): "ISO 3166-1 alpha-2 country of the participant, taken from the caller ID or called number.",
    ("conference_participants", "is_moderator"): "True if the participant had startConferenceOnEnter or endConferenceOnExit set.",
    ("conference_participants", "is_coach"): "True if the participant took part as a coach.",
    ("conference_participants", "coached_participants"): "JSON array of call SIDs (CA…) this participant coached; each joins calls.sid.",
    ("conference_participants", "join_time"): "When the participant joined the conference, in UTC.",
    ("conference_participants", "leave_time"): "When the participant left the conference, in UTC.",
    ("conference_participants", "duration_seconds"): "Time the participant spent in the conference, in seconds.",
    ("conference_participants", "processing_state"): (
        "Summary state: in_progress while Twilio aggregates, complete when done, timeout if not processed within 24 h."
    ),
    ("conference_participants", "url"): "Voice Insights API URL of this participant summary.",
    # recordings
    ("recordings", "sid"): "Recording SID (RE…); primary key, referenced by transcriptions.recording_sid.",
    ("recordings", "call_sid"): "SID of the recorded call (CA…), always the parent leg of a two-leg call; joins calls.sid.",
    ("recordings", "conference_sid"): "SID of the recorded conference (CF…) for a conference recording, else null; joins conferences.sid.",
    ("recordings", "status"): "Recording state: in-progress, paused, stopped, processing, completed, absent or deleted.",
    ("recordings", "source"): (
        "What started the recording: DialVerb, Conference, OutboundAPI, Trunking, RecordVerb, "
        "StartCallRecordingAPI or StartConferenceRecordingAPI."
    ),
    ("recordings", "channels"): "Number of audio channels: 1 (mono) or 2 (dual-channel, legs kept apart).",
    ("recordings", "duration"): "Recording length in seconds.",
    ("recordings", "price"): "One-time cost of making the recording in price_unit, negative when charged; may be null until settled.",
    ("recordings", "error_code"): "Twilio error code saying why the recording is absent; null for any other status.",
    ("recordings", "start_time"): "When the recording started, in UTC.",
    ("recordings", "media_url"): "URL of the recording's audio file (the full external location when stored outside Twilio).",
    ("recordings", "encryption_details"): "JSON describing how to decrypt the audio when Call Recording Encryption is on; null otherwise.",
    # transcriptions
    ("transcriptions", "sid"): "Transcription SID (TR…); primary key.",
    ("transcriptions", "recording_sid"): "SID of the recording this transcribes (RE…); joins recordings.sid, the only route to the call.",
    ("transcriptions", "status"): "Transcription state: in-progress, completed or failed.",
    ("transcriptions", "type"): "Transcription type; Twilio documents only fast.",
    ("transcriptions", "duration"): "Length of the transcribed audio in seconds.",
    ("transcriptions", "price"): "Charge for the transcription in price_unit, negative when charged; filled once it completes.",
    ("transcriptions", "transcription_text"): "The transcribed text; Twilio classes it as sensitive personal data.",
    # messages
    ("messages", "sid"): "Message SID (SM… or MM…); primary key.",
    ("messages", "messaging_service_sid"): (
        "SID of the Messaging Service used (MG…); Twilio fills in a default when none was used, so a value "
        "does not prove one."
    ),
    ("messages", "direction"): (
        "inbound, outbound-api (REST API), outbound-call (sent by TwiML during a call) "
        "or outbound-reply (TwiML reply to an inbound message)."
    ),
    ("messages", "status"): (
        "Message state: queued, sending, sent, delivered, undelivered, failed, receiving, received, accepted, "
        "scheduled, read, partially_delivered or canceled."
    ),
    ("messages", "from"): (
        "Sender: E.164 number, alphanumeric sender ID, short code or channel address (whatsapp:+…); "
        "a Twilio sender when outbound."
    ),
    ("messages", "to"): "Recipient: E.164 number or channel address such as whatsapp:+15550001111.",
    ("messages", "body"): "Text of the message.",
    ("messages", "num_segments"): "SMS segments the body was split into, each billed as a message; 0 at first when sent via a Messaging Service.",
    ("messages", "num_media"): "Number of media files (e.g. MMS images) attached to the message.",
    ("messages", "price"): "Amount billed in price_unit, negative when charged; filled after the message is sent or received.",
    ("messages", "error_code"): "Twilio error code when status is failed or undelivered, else null; its values may change over time.",
    ("messages", "error_message"): "Text explaining error_code for failed or undelivered messages, else null; wording may change.",
    ("messages", "date_sent"): (
        "When Twilio sent it (outbound) or called your webhook with it (inbound), in UTC; the sync's daily window is on this."
    ),
    # call_feedback (Voice Insights call annotations, successor of the removed Call Feedback API)
    ("call_feedback", "call_sid"): "SID of the annotated call (CA…); primary key, one row per call; joins calls.sid.",
    ("call_feedback", "quality_score"): "Call score from 1 (bad) to 5 (excellent): the annotation's call_score, same scale as the old feedback quality_score.",
    ("call_feedback", "issues"): (
        "JSON array of annotated quality_issues (e.g. low_volume, echo, latency, owa), taking the place of the old feedback issues."
    ),
    ("call_feedback", "answered_by"): "Who answered, as annotated (not AMD): human, machine or unknown_answered_by.",
    ("call_feedback", "connectivity_issue"): (
        "Annotated connectivity issue: no_connectivity_issue, invalid_number, caller_id, dropped_call, "
        "number_reachability or unknown_connectivity_issue."
    ),
    ("call_feedback", "spam"): "True if the call was annotated as spam (unwanted inbound, or outbound flagged as spam).",
    ("call_feedback", "comment"): "Free-text note on the annotation (up to 100 characters; Twilio does not treat it as PII).",
    ("call_feedback", "incident"): "Incident or support ticket reference for the call (up to 100 characters).",
    ("call_feedback", "call_state"): (
        "Voice Insights call state: ringing, completed, busy, fail, noanswer, canceled, answered or undialed."
    ),
    ("call_feedback", "call_type"): "Voice Insights call type: carrier, sip, trunking, client or whatsapp.",
    ("call_feedback", "processing_state"): "Call summary state: partial, then complete about 30 minutes after the call ends.",
    ("call_feedback", "call_start_time"): "When the call started (Voice Insights start_time), in UTC; the sync's window is on this.",
    ("call_feedback", "call_end_time"): "When the call ended (Voice Insights end_time), in UTC.",
    ("call_feedback", "annotation"): "The whole annotation object as JSON, including any fields without a column of their own.",
}
# fmt: on
