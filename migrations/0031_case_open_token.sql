-- The one-time token of the "new case" form, generated when the form is shown: a second submit
-- of the same form (double click, back button, retry) finds the case the first one opened
-- instead of opening another. NULL for cases opened before the token existed.
ALTER TABLE cases ADD COLUMN open_token uuid;
ALTER TABLE cases ADD CONSTRAINT cases_open_token_key UNIQUE (open_token);
