"""Column descriptions of the `conversations` collections (see core.py for the conventions)."""

from __future__ import annotations

# Names that mean the same in every Conversations collection.
FIELDS: dict[str, str] = {
    "conversation_sid": "SID of the conversation (CH…) the record belongs to; joins conversations.sid.",
    "chat_service_sid": "SID of the Conversation Service (IS…) holding the record; joins conversation_services.sid.",
}

# fmt: off
OVERRIDES: dict[tuple[str, str], str] = {
    # conversation_services
    ("conversation_services", "sid"): "Conversation Service SID (IS…); primary key, named by chat_service_sid in conversations and users.",
    ("conversation_services", "friendly_name"): "Name the owner gave the service (up to 256 characters).",
    ("conversation_services", "url"): "Absolute API URL of this service on conversations.twilio.com.",
    ("conversation_services", "links"): "JSON object of the service's related API URLs (conversations, users, roles, bindings, configuration, ...).",
    # conversations
    ("conversations", "sid"): "Conversation SID (CH…); primary key, named by conversation_sid in messages and participants.",
    ("conversations", "messaging_service_sid"): "SID of the Messaging Service (MG…) that carries the conversation's SMS and WhatsApp traffic.",
    ("conversations", "friendly_name"): "Display name of the conversation (up to 256 characters); optional.",
    ("conversations", "unique_name"): "Optional name set by the application, unique in the service; usable in place of the SID in API paths.",
    ("conversations", "attributes"): "Application data stored on the conversation, as a JSON string ({} when none was set).",
    ("conversations", "state"): "initializing, active, inactive or closed; timers move a conversation from active to inactive and to closed.",
    ("conversations", "date_created"): "When the conversation was created, in UTC; places it in its daily partition.",
    ("conversations", "date_updated"): "When the conversation last changed (e.g. its state), in UTC.",
    ("conversations", "date_inactive"): "When the inactive timer will make the conversation inactive (UTC), while that timer is pending.",
    ("conversations", "date_closed"): "When the closed timer will close the conversation (UTC), while that timer is pending.",
    ("conversations", "timers"): "JSON of the pending state timers (date_inactive, date_closed); {} when none is set or all have fired.",
    ("conversations", "bindings"): "JSON of the conversation's channel bindings as Twilio reports them, often {}.",
    ("conversations", "url"): "Absolute API URL of this conversation on conversations.twilio.com.",
    ("conversations", "links"): "JSON object of the conversation's related API URLs: participants, messages, webhooks, export.",
    # conversation_messages
    ("conversation_messages", "sid"): "Conversation message SID (IM…); primary key.",
    ("conversation_messages", "index"): "Position of the message in its conversation, rising in the order received (numbers may be skipped).",
    ("conversation_messages", "author"): "Who wrote it, as its channel names them: a chat identity, a phone number, or system.",
    ("conversation_messages", "participant_sid"): "SID of the participant who wrote it (MB…); joins conversation_participants.sid; null for system messages.",
    ("conversation_messages", "body"): "Text of the message (up to 1,600 characters); null for a media-only message.",
    ("conversation_messages", "media"): "JSON list of attached media (sid, content_type, filename, size in bytes); null without media.",
    ("conversation_messages", "attributes"): "Application data stored on the message, as a JSON string ({} when none was set).",
    ("conversation_messages", "content_sid"): "SID of the Content template (HX…) the message was sent from, if any.",
    ("conversation_messages", "delivery"): "JSON summary of delivery to non-chat participants: total, and all/some/none for sent, delivered, read, failed, undelivered.",
    ("conversation_messages", "date_created"): "When the message was received, in UTC.",
    ("conversation_messages", "date_updated"): "When the message last changed (an edit, or a delivery receipt), in UTC.",
    ("conversation_messages", "url"): "Absolute API URL of this message on conversations.twilio.com.",
    ("conversation_messages", "links"): "JSON object of the message's related API URLs: delivery receipts and channel metadata.",
    # conversation_participants
    ("conversation_participants", "sid"): "Participant SID (MB…); primary key, named by conversation_messages.participant_sid.",
    ("conversation_participants", "identity"): "Chat identity of a participant using the Conversations SDK; joins conversation_users.identity; null for SMS or WhatsApp ones.",
    ("conversation_participants", "attributes"): "Application data stored on the participant, as a JSON string ({} when none was set).",
    ("conversation_participants", "messaging_binding"): "JSON of how a non-chat participant is reached: type, address and proxy_address; null for chat participants.",
    ("conversation_participants", "binding_type"): "Channel of a non-chat participant, e.g. sms or whatsapp (from messaging_binding).",
    ("conversation_participants", "binding_address"): "The non-chat participant's own address, e.g. their phone number (from messaging_binding).",
    ("conversation_participants", "binding_proxy_address"): "The account's address the participant talks to, e.g. a Twilio number (from messaging_binding).",
    ("conversation_participants", "role_sid"): "SID of the conversation-level role (RL…) granted to the participant.",
    ("conversation_participants", "last_read_message_index"): "Index of the last message the participant has read; null until they read one.",
    ("conversation_participants", "last_read_timestamp"): "When the participant last read a message, as Twilio sends it (ISO 8601 text); null until then.",
    ("conversation_participants", "date_created"): "When the participant joined the conversation, in UTC.",
    ("conversation_participants", "date_updated"): "When the participant last changed (e.g. read messages), in UTC.",
    ("conversation_participants", "url"): "Absolute API URL of this participant on conversations.twilio.com.",
    # conversation_users
    ("conversation_users", "sid"): "Conversation User SID (US…); primary key.",
    ("conversation_users", "role_sid"): "SID of the service-level role (RL…) granted to the user.",
    ("conversation_users", "identity"): "The user's identity in the service (often a username or email; case-sensitive); what participants' identity names.",
    ("conversation_users", "friendly_name"): "Display name of the user.",
    ("conversation_users", "attributes"): "Application data stored on the user, as a JSON string ({} when none was set).",
    ("conversation_users", "is_online"): "Whether the user is connected now; Twilio reports it on a fetch of one user only, so lists give null.",
    ("conversation_users", "is_notifiable"): "Whether the user has a push registration; Twilio reports it on a fetch of one user only, so lists give null.",
    ("conversation_users", "url"): "Absolute API URL of this user on conversations.twilio.com.",
    ("conversation_users", "links"): "JSON object of the user's related API URLs: the conversations they take part in.",
}
# fmt: on
