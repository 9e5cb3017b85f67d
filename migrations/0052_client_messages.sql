-- Telling the client by e-mail or SMS at 22.¹6 and 22.¹7 (README "Telling the client"): the
-- message texts (templates) and the outbox the delivery worker works from.

-- The texts, per e-service (NULL: the default every e-service uses until it has its own), language
-- and duty. Versioned like the data-use notice: a version that has been sent is never edited
-- (the database refuses it too); a change is a new version, and the newest version is used.
CREATE TABLE message_templates (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    eservice_id   bigint REFERENCES eservices (id),
    lang          text NOT NULL CHECK (lang IN ('lv', 'en')),
    -- The duty it tells the client about (a step slug).
    step          text NOT NULL CHECK (step IN ('planned-time', 'result')),
    version       integer NOT NULL CHECK (version >= 1),
    subject       text NOT NULL CHECK (length(subject) BETWEEN 1 AND 200),
    body          text NOT NULL CHECK (length(body) BETWEEN 1 AND 2000),
    created_at    timestamptz NOT NULL DEFAULT now(),
    created_by    bigint REFERENCES staff (id),
    -- Set when the version is first put in the outbox; from then on it is final.
    first_sent_at timestamptz,
    CONSTRAINT message_templates_version_key UNIQUE NULLS NOT DISTINCT (eservice_id, lang, step, version)
);

CREATE FUNCTION message_templates_sent_are_final() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.first_sent_at IS NOT NULL AND TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'message template % has been sent and cannot be removed', OLD.id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF OLD.first_sent_at IS NOT NULL
       AND (to_jsonb(NEW) - 'first_sent_at') <> (to_jsonb(OLD) - 'first_sent_at') THEN
        RAISE EXCEPTION 'message template % has been sent and cannot be edited', OLD.id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF OLD.first_sent_at IS NOT NULL AND NEW.first_sent_at IS DISTINCT FROM OLD.first_sent_at THEN
        RAISE EXCEPTION 'message template %: when it was first sent stays', OLD.id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN COALESCE(NEW, OLD);
END;
$$;
CREATE TRIGGER message_templates_final BEFORE UPDATE OR DELETE ON message_templates
    FOR EACH ROW EXECUTE FUNCTION message_templates_sent_are_final();

-- The defaults on a fresh install. Placeholders: {eservice} {planned_on} {result} {case}
-- {centre} {centre_phone} {centre_email} (domain::messages::PLACEHOLDERS). Never the personal
-- code, the name or the portal reference. Short enough for two SMS segments.
INSERT INTO message_templates (eservice_id, lang, step, version, subject, body) VALUES
    (NULL, 'lv', 'planned-time', 1, 'E-pakalpojuma izpildes plānotais laiks',
     'Jūsu pieteikums "{eservice}" (lieta {case}) tiks izpildīts līdz {planned_on}. {centre}, {centre_phone}'),
    (NULL, 'en', 'planned-time', 1, 'Planned time of your e-service',
     'Your application "{eservice}" (case {case}) is planned to be completed by {planned_on}. {centre}, {centre_phone}'),
    (NULL, 'lv', 'result', 1, 'E-pakalpojuma rezultāts',
     'Jūsu pieteikuma "{eservice}" (lieta {case}) rezultāts: {result}. {centre}, {centre_phone}'),
    (NULL, 'en', 'result', 1, 'Result of your e-service',
     'The result of your application "{eservice}" (case {case}): {result}. {centre}, {centre_phone}');

-- The outbox: one message per duty of a case, written in the duty's transaction, delivered by
-- the worker (service::outbox). Statuses: queued (waiting for its next attempt), sending (claimed
-- by a worker, which talks to the relay with no transaction open), sent (the relay or provider
-- accepted it: the duty is done), delivered (a delivery report came), failed (with the reason).
CREATE TABLE client_messages (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id          bigint NOT NULL REFERENCES cases (id),
    step             text NOT NULL CHECK (step IN ('planned-time', 'result')),
    channel          text NOT NULL CHECK (channel IN ('email', 'sms')),
    template_id      bigint NOT NULL REFERENCES message_templates (id),
    lang             text NOT NULL CHECK (lang IN ('lv', 'en')),
    -- Personal data (the client's address and what they were told): erased by retention.
    address          text,
    subject          text,
    body             text,
    status           text NOT NULL DEFAULT 'queued'
                     CHECK (status IN ('queued', 'sending', 'sent', 'delivered', 'failed')),
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL,
    claimed_at       timestamptz,
    -- The e-mail's Message-ID (set before the first attempt) or the SMS provider's id.
    provider_id      text,
    -- Why it failed, or why the last attempt did not get through: a code (domain::messages).
    reason           text,
    queued_at        timestamptz NOT NULL,
    queued_by        bigint NOT NULL REFERENCES staff (id),
    sent_at          timestamptz,
    delivered_at     timestamptz,
    failed_at        timestamptz,
    -- After a failure the employee tells the client another way and records it here.
    told_instead_via text CHECK (told_instead_via IN ('phone', 'email', 'post', 'in-person')),
    told_instead_at  timestamp,
    told_instead_by  bigint REFERENCES staff (id),
    CONSTRAINT client_messages_case_step_key UNIQUE (case_id, step),
    CHECK ((status = 'failed') = (failed_at IS NOT NULL)),
    CHECK (told_instead_via IS NULL OR status = 'failed')
);
CREATE INDEX client_messages_due_idx ON client_messages (next_attempt_at) WHERE status = 'queued';
CREATE INDEX client_messages_sending_idx ON client_messages (claimed_at) WHERE status = 'sending';
-- The figures: messages by the month they were queued.
CREATE INDEX client_messages_queued_idx ON client_messages (queued_at);
CREATE INDEX client_messages_provider_idx ON client_messages (provider_id) WHERE provider_id IS NOT NULL;
-- The desk's "could not inform the client" list.
CREATE INDEX client_messages_untold_idx ON client_messages (case_id)
    WHERE status = 'failed' AND told_instead_via IS NULL;

-- What a message is stays as it was queued; its status only moves forward; the personal parts
-- only go, and only once retention has erased the case. Never removed.
CREATE FUNCTION client_messages_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    rank_old integer;
    rank_new integer;
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'client messages are evidence: DELETE refused'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF (NEW.case_id, NEW.step, NEW.channel, NEW.template_id, NEW.lang, NEW.queued_at, NEW.queued_by)
       IS DISTINCT FROM
       (OLD.case_id, OLD.step, OLD.channel, OLD.template_id, OLD.lang, OLD.queued_at, OLD.queued_by) THEN
        RAISE EXCEPTION 'client message %: what was queued may not change', OLD.id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF (NEW.address, NEW.subject, NEW.body) IS DISTINCT FROM (OLD.address, OLD.subject, OLD.body) THEN
        IF NEW.address IS NOT NULL OR NEW.subject IS NOT NULL OR NEW.body IS NOT NULL
           OR NOT EXISTS (SELECT 1 FROM cases WHERE id = OLD.case_id AND erased_at IS NOT NULL) THEN
            RAISE EXCEPTION 'client message %: its text and address only go, with the case''s personal data',
                OLD.id USING ERRCODE = 'insufficient_privilege';
        END IF;
    END IF;
    rank_old := array_position(ARRAY['queued', 'sending', 'sent', 'delivered', 'failed'], OLD.status);
    rank_new := array_position(ARRAY['queued', 'sending', 'sent', 'delivered', 'failed'], NEW.status);
    -- queued <-> sending (a retry goes back to queued); then sent, delivered or failed for good
    -- (a sent SMS may still fail by its delivery report).
    IF OLD.status IN ('delivered', 'failed') AND NEW.status <> OLD.status
       OR OLD.status = 'sent' AND rank_new < rank_old THEN
        RAISE EXCEPTION 'client message %: % cannot become %', OLD.id, OLD.status, NEW.status
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF OLD.told_instead_via IS NOT NULL
       AND (NEW.told_instead_via, NEW.told_instead_at, NEW.told_instead_by)
           IS DISTINCT FROM (OLD.told_instead_via, OLD.told_instead_at, OLD.told_instead_by) THEN
        RAISE EXCEPTION 'client message %: how the client was told instead is recorded once', OLD.id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER client_messages_guarded BEFORE UPDATE OR DELETE ON client_messages
    FOR EACH ROW EXECUTE FUNCTION client_messages_guard();

-- Wakes the delivery workers (LISTEN client_messages) when a message is due now.
CREATE FUNCTION client_messages_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('client_messages', '');
    RETURN NULL;
END;
$$;
CREATE TRIGGER client_messages_queued AFTER INSERT ON client_messages
    FOR EACH ROW EXECUTE FUNCTION client_messages_notify();

-- The daily reminder e-mail to each centre (case numbers and counts only), run once a day
-- across instances like the other periodic jobs (migration 0049).
INSERT INTO jobs (name) VALUES ('reminder-digest');

-- The application's rights on these two tables (UPDATE on both, never DELETE or TRUNCATE on the
-- outbox) are given by pilnvara_grant_to as migration 0053 redefines it, which lands with this one.
