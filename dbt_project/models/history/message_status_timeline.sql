-- One row per message and status it was seen in, from the messages snapshot: when a sync first stored
-- it, how long it lasted, Twilio's update time.
{{ twilio_status_timeline('snp_twilio__messages', 'message_key', 'message_sid') }}
