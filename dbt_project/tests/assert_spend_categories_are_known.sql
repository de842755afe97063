-- Warns on usage categories missing from the category tree (macros/twilio_usage_categories.sql):
-- they are counted as leaves, which is right for a new product and double counts a new parent.
-- Checked on the usage records this tick brought in (every record after a full build).
{{ config(severity='warn') }}

select instance_name, category, count(*) as rows_with_this_category, sum(price) as price
from {{ twilio_last_build_rows(ref('stg_twilio__usage_records')) }} as records
where not is_known_category and not is_deleted
group by instance_name, category
