-- The authorised e-service case: the e-service catalogue, the qualified eID means, the
-- data-use notice versions, cases and their steps.

-- E-services a centre may apply for on a client's behalf (administrator-managed).
CREATE TABLE eservices (
    id                     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code                   text NOT NULL CHECK (code ~ '^[a-z0-9][a-z0-9-]{1,49}$'),
    name_lv                text NOT NULL CHECK (length(name_lv) BETWEEN 1 AND 300),
    name_en                text NOT NULL CHECK (length(name_en) BETWEEN 1 AND 300),
    institution            text NOT NULL CHECK (length(institution) BETWEEN 1 AND 300),
    -- Whether the portal's technological solution permits authorised submission (17.3, 20.13).
    authorised_submission  boolean NOT NULL,
    -- Whether the portal gives a planned time (22.¹6) and a result (22.¹7).
    gives_planned_time     boolean NOT NULL,
    gives_result           boolean NOT NULL,
    -- Personal-data categories the e-service needs (22.¹4, data minimisation): codes.
    data_categories        text[] NOT NULL DEFAULT '{}',
    -- Seeded demonstration entries, not the official list.
    is_example             boolean NOT NULL DEFAULT false,
    active                 boolean NOT NULL DEFAULT true,
    CONSTRAINT eservices_code_key UNIQUE (code)
);
SELECT manage_timestamps('eservices');

INSERT INTO eservices (code, name_lv, name_en, institution, authorised_submission,
                       gives_planned_time, gives_result, data_categories, is_example) VALUES
    ('example-residence', 'Dzīvesvietas deklarēšana (piemērs)', 'Declaration of place of residence (example)',
     'Pilsonības un migrācijas lietu pārvalde', true, false, true,
     '{identity,address,contact}', true),
    ('example-family-benefit', 'Ģimenes valsts pabalsta pieprasīšana (piemērs)', 'Applying for the state family benefit (example)',
     'Valsts sociālās apdrošināšanas aģentūra', true, true, true,
     '{identity,family,bank-account,contact}', true),
    ('example-general-application', 'Iesniegums iestādei (piemērs)', 'Application to an institution (example)',
     'Valsts pārvaldes iestāde', true, false, false,
     '{identity,contact}', true),
    ('example-property-tax', 'Nekustamā īpašuma nodokļa paziņojums (piemērs)', 'Real estate tax notice (example)',
     'Pašvaldība', false, false, false,
     '{identity,property}', true);

-- Qualified electronic identification means an employee may use in latvija.lv (22.¹2).
CREATE TABLE eid_means (
    code     text PRIMARY KEY CHECK (code ~ '^[a-z0-9][a-z0-9-]{1,49}$'),
    name_lv  text NOT NULL,
    name_en  text NOT NULL,
    active   boolean NOT NULL DEFAULT true
);
SELECT manage_timestamps('eid_means');

INSERT INTO eid_means (code, name_lv, name_en) VALUES
    ('eid-card', 'eID karte (personas apliecība)', 'eID card (identity card)'),
    ('eparaksts-card', 'eParaksts karte', 'eParaksts card'),
    ('eparaksts-card-plus', 'eParaksts karte+', 'eParaksts card+'),
    ('eparaksts-mobile', 'eParaksts mobile', 'eParaksts mobile');

-- Versions of the data-use notice read to the client at 22.¹3 (GDPR Art. 13 items).
CREATE TABLE data_notices (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    version              integer NOT NULL CHECK (version > 0),
    effective_from       date NOT NULL,
    controller_lv        text NOT NULL,
    controller_en        text NOT NULL,
    purposes_lv          text NOT NULL,
    purposes_en          text NOT NULL,
    recipients_lv        text NOT NULL,
    recipients_en        text NOT NULL,
    retention_lv         text NOT NULL,
    retention_en         text NOT NULL,
    rights_lv            text NOT NULL,
    rights_en            text NOT NULL,
    complaint_lv         text NOT NULL,
    complaint_en         text NOT NULL,
    -- Set when the version is first shown to a client; from then on it is never edited.
    first_shown_at       timestamptz,
    CONSTRAINT data_notices_version_key UNIQUE (version)
);
SELECT manage_timestamps('data_notices');

CREATE FUNCTION data_notices_shown_are_final() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.first_shown_at IS NOT NULL
       AND (to_jsonb(NEW) - 'first_shown_at' - 'updated_at') <> (to_jsonb(OLD) - 'first_shown_at' - 'updated_at') THEN
        RAISE EXCEPTION 'data notice version % has been shown and cannot be edited', OLD.version;
    END IF;
    IF TG_OP = 'DELETE' AND OLD.first_shown_at IS NOT NULL THEN
        RAISE EXCEPTION 'data notice version % has been shown and cannot be removed', OLD.version;
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END;
$$;
CREATE TRIGGER data_notices_final BEFORE UPDATE OR DELETE ON data_notices
    FOR EACH ROW EXECUTE FUNCTION data_notices_shown_are_final();

INSERT INTO data_notices (version, effective_from,
    controller_lv, controller_en, purposes_lv, purposes_en, recipients_lv, recipients_en,
    retention_lv, retention_en, rights_lv, rights_en, complaint_lv, complaint_en) VALUES (
    1, DATE '2026-01-01',
    'Pārzinis ir pašvaldība, kuras valsts un pašvaldības vienotajā klientu apkalpošanas centrā (VPVKAC) jūs apkalpo. Kontaktinformācija ir pieejama centrā un pašvaldības tīmekļvietnē; pašvaldībai ir datu aizsardzības speciālists.',
    'The controller is the municipality whose unified customer service centre (VPVKAC) serves you. Contact details are available at the centre and on the municipality''s website; the municipality has a data protection officer.',
    'Jūsu personas dati tiek apstrādāti, lai jūsu vārdā un uz jūsu rakstveida pilnvarojuma pamata pieteiktu izvēlēto e-pakalpojumu (Ministru kabineta 2017. gada 4. jūlija noteikumi Nr. 401, 22.¹ punkts). Tiesiskais pamats: uzdevums sabiedrības interesēs un pārziņa likumīgo pilnvaru īstenošana (VDAR 6. panta 1. punkta e) apakšpunkts). Apstrāde nenotiek uz piekrišanas pamata.',
    'Your personal data are processed to apply for the chosen e-service on your behalf on the basis of your written authorisation (Cabinet Regulation No. 401 of 4 July 2017, point 22.¹). Legal basis: a task carried out in the public interest and in the exercise of official authority vested in the controller (GDPR Article 6(1)(e)). The processing is not based on consent.',
    'Iestāde, kas sniedz e-pakalpojumu, un valsts pārvaldes pakalpojumu portāla latvija.lv turētājs. Citiem saņēmējiem dati tiek nodoti tikai normatīvajos aktos noteiktajos gadījumos.',
    'The institution providing the e-service, and the operator of the state administration services portal latvija.lv. Data are disclosed to others only where laws and regulations require it.',
    'Pilnvarojuma pašvaldības eksemplārs tiek glabāts saskaņā ar Arhīvu likumu un pašvaldības dokumentu klasifikācijas shēmā noteikto termiņu. Pēc šī termiņa jūsu personas dati tiek dzēsti no centra uzskaites, saglabājot tikai anonīmu statistiku.',
    'The municipality''s copy of the authorisation is kept under the Archives Law for the period set in the municipality''s document classification scheme. After that period your personal data are erased from the centre''s records; only anonymous statistics are kept.',
    'Jums ir tiesības piekļūt saviem datiem, lūgt tos labot, ierobežot apstrādi un iebilst pret apstrādi. Pieprasījumu var iesniegt centrā vai pašvaldībā.',
    'You have the right to access your data, to have them rectified, to restrict processing and to object to it. Requests can be made at the centre or to the municipality.',
    'Jums ir tiesības iesniegt sūdzību Datu valsts inspekcijai (Elijas iela 17, Rīga, LV-1050, www.dvi.gov.lv).',
    'You have the right to lodge a complaint with the Data State Inspectorate (Elijas iela 17, Riga, LV-1050, www.dvi.gov.lv).'
);

CREATE TYPE case_status AS ENUM ('open', 'closed', 'stopped');

CREATE TABLE cases (
    id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    centre_id             bigint NOT NULL REFERENCES centres (id),
    eservice_id           bigint NOT NULL REFERENCES eservices (id),
    opened_by             bigint NOT NULL REFERENCES staff (id),
    status                case_status NOT NULL DEFAULT 'open',
    -- The next duty to record (a step slug), NULL once closed or stopped.
    next_step             text CHECK (next_step IN ('identity', 'employee-eid', 'authorisation',
                                  'data-processing', 'submission', 'planned-time', 'result')),
    -- Optimistic concurrency: every change raises it; a form carries the version it showed.
    version               integer NOT NULL DEFAULT 1,
    -- The e-service's capabilities when the case was opened: a later catalogue edit does not
    -- change which duties an open case needs.
    gives_planned_time    boolean NOT NULL,
    gives_result          boolean NOT NULL,
    -- The ground for the authorised e-service: which eID means the client lacks.
    missing_eid_means     text[] NOT NULL,
    -- The client (personal data: erased when the retention date passes).
    client_given_names    text,
    client_surnames       text,
    client_personal_code  text,
    -- HMAC-SHA256 of the personal code's digits with a key kept outside the database: for
    -- finding a person's cases without searching clear text.
    personal_code_hmac    bytea,
    client_wants_result   boolean,
    notify_channel        text CHECK (notify_channel IN ('phone', 'email', 'post', 'in-person')),
    notify_contact        text,
    portal_reference      text,
    stop_reason           text,
    stop_remark           text,
    retention_until       date,
    opened_at             timestamptz NOT NULL,
    submitted_at          timestamptz,
    closed_at             timestamptz,
    stopped_at            timestamptz,
    erased_at             timestamptz,
    CHECK ((status = 'open') = (next_step IS NOT NULL))
);
SELECT manage_timestamps('cases');
CREATE INDEX cases_centre_status_idx ON cases (centre_id, status, id DESC);
CREATE INDEX cases_opened_by_idx ON cases (opened_by, status, id DESC);
CREATE INDEX cases_awaiting_result_idx ON cases (centre_id, submitted_at) WHERE status = 'open' AND next_step = 'result';
CREATE INDEX cases_personal_code_idx ON cases (personal_code_hmac) WHERE personal_code_hmac IS NOT NULL;
CREATE INDEX cases_portal_reference_idx ON cases (centre_id, portal_reference) WHERE portal_reference IS NOT NULL;
CREATE INDEX cases_finished_idx ON cases (centre_id, coalesce(closed_at, stopped_at) DESC, id DESC) WHERE status <> 'open';
CREATE INDEX cases_retention_idx ON cases (retention_until) WHERE erased_at IS NULL;

-- The recorded duties of a case, one row per duty: a duty recorded twice is refused by the key.
CREATE TABLE case_steps (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id      bigint NOT NULL REFERENCES cases (id),
    step         text NOT NULL CHECK (step IN ('identity', 'employee-eid', 'authorisation',
                         'data-processing', 'submission', 'planned-time', 'result')),
    -- 'recorded' by an employee, or 'not-applicable' recorded by the product with the reason.
    outcome      text NOT NULL CHECK (outcome IN ('recorded', 'not-applicable')),
    reason       text,
    -- The step's typed input as JSON (personal data inside are erased at retention).
    data         jsonb NOT NULL DEFAULT '{}',
    recorded_by  bigint REFERENCES staff (id),
    recorded_at  timestamptz NOT NULL,
    CONSTRAINT case_steps_case_step_key UNIQUE (case_id, step)
);
