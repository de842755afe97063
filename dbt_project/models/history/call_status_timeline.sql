-- One row per call leg and status it was seen in, from the calls snapshot: when a sync first stored
-- it, how long it lasted, Twilio's update time.
{{ twilio_status_timeline('snp_twilio__calls', 'call_key', 'call_sid') }}
