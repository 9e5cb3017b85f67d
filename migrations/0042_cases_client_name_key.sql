-- The desk's search by name reads a key the application computes (`domain::search_key`: lower
-- case, letters without diacritics, hyphens and apostrophes as spaces), so that it finds
-- "Šmits" whatever the cluster's locale, also when typed as "smits". Existing cases get the
-- same key for every Latvian letter; `lower` is only trusted with ASCII here, as a cluster
-- without a locale lower-cases nothing else.
ALTER TABLE cases ADD COLUMN client_name_key text;

UPDATE cases
SET client_name_key = btrim(regexp_replace(
        lower(translate(client_given_names || ' ' || client_surnames,
                        'ĀāČčĒēĢģĪīĶķĻļŅņŠšŪūŽž-''',
                        'AaCcEeGgIiKkLlNnSsUuZz  ')),
        '[^a-z0-9]+', ' ', 'g'))
WHERE client_surnames IS NOT NULL;
