-- The applications each live phone number hands its calls and messages to, resolved against the
-- live applications of the same account. Numbers without an application have NULL keys.
with numbers as (
    select
        phone_number_key,
        instance_name,
        account_sid,
        voice_application_sid,
        sms_application_sid,
        {{ twilio_key('voice_application_sid') }} as voice_application_key,
        {{ twilio_key('sms_application_sid') }} as sms_application_key
    from {{ ref('stg_twilio__incoming_phone_numbers') }}
    where not is_deleted
),

applications as (
    select application_key, account_sid from {{ ref('int_twilio__applications') }}
)

select
    numbers.phone_number_key,
    numbers.instance_name,
    numbers.account_sid,
    numbers.voice_application_sid,
    numbers.voice_application_key,
    voice_app.application_key as resolved_voice_application_key,
    numbers.sms_application_sid,
    numbers.sms_application_key,
    sms_app.application_key as resolved_sms_application_key
from numbers
left join applications as voice_app
    on voice_app.application_key = numbers.voice_application_key
    and voice_app.account_sid = numbers.account_sid
left join applications as sms_app
    on sms_app.application_key = numbers.sms_application_key
    and sms_app.account_sid = numbers.account_sid
