//! Strings of the supervisor's pages: the review queue, the review page, spot checks, figures.

use super::catalogue;

catalogue! {
    /// The review queue, the review page, spot-check samples and the figures.
    Review {
        queue_title { lv: "Pārskatāmie gadījumi", en: "Cases to review" }
        queue_intro {
            lv: "Jūsu uzraudzīto centru pabeigtie un pārtrauktie gadījumi, jaunākie vispirms.",
            en: "Closed and stopped cases of the centres you supervise, newest first.",
        }
        filters_heading { lv: "Atlase", en: "Filters" }
        filter_centre { lv: "Centrs", en: "Centre" }
        filter_employee { lv: "Darbinieks", en: "Employee" }
        filter_eservice { lv: "E-pakalpojums", en: "E-service" }
        filter_from { lv: "Pabeigts no", en: "Finished from" }
        filter_to { lv: "Pabeigts līdz", en: "Finished until" }
        filter_outcome { lv: "Iznākums", en: "Outcome" }
        filter_reviewed { lv: "Pārskatīšana", en: "Review" }
        filter_any { lv: "Visi", en: "All" }
        filter_apply { lv: "Atlasīt", en: "Apply" }
        filter_clear { lv: "Notīrīt atlasi", en: "Clear filters" }
        error_filter_date {
            lv: "Ievadiet datumu no 01.01.2000 līdz 31.12.9999 (gggg-mm-dd). Šī atlase netika piemērota.",
            en: "Enter a date from 01.01.2000 to 31.12.9999 (yyyy-mm-dd). This filter was not applied.",
        }
        error_filter_choice {
            lv: "Izvēlieties vērtību no saraksta. Šī atlase netika piemērota.",
            en: "Choose a value from the list. This filter was not applied.",
        }
        outcome_closed { lv: "Pabeigts", en: "Closed" }
        outcome_stopped { lv: "Pārtraukts", en: "Stopped" }
        reviewed_yes { lv: "Pārskatīts", en: "Reviewed" }
        reviewed_no { lv: "Nav pārskatīts", en: "Not reviewed" }
        col_case { lv: "Gadījums", en: "Case" }
        col_centre { lv: "Centrs", en: "Centre" }
        col_eservice { lv: "E-pakalpojums", en: "E-service" }
        col_eservice_code { lv: "E-pakalpojuma kods", en: "E-service code" }
        col_employee { lv: "Darbinieks", en: "Employee" }
        col_opened { lv: "Atvērts", en: "Opened" }
        col_finished { lv: "Pabeigts vai pārtraukts", en: "Closed or stopped" }
        col_outcome { lv: "Iznākums", en: "Outcome" }
        col_review { lv: "Pārskatīšana", en: "Review" }
        queue_caption { lv: "Pārskatāmie gadījumi", en: "Cases to review" }
        queue_empty { lv: "Atlasei neatbilst neviens gadījums.", en: "No case matches the filters." }
        next_page { lv: "Nākamā lapa", en: "Next page" }
        first_page { lv: "Uz pirmo lapu", en: "Back to the first page" }
        export_queue {
            lv: "Lejupielādēt sarakstu CSV formātā (ne vairāk kā 10 000 rindu; sašauriniet atlasi, ja vajag vairāk)",
            en: "Download the list as CSV (at most 10,000 rows; narrow the filters for more)",
        }
        spot_check_link { lv: "Izlases pārbaude", en: "Spot check" }
        verdict_in_order { lv: "Kārtībā", en: "In order" }
        verdict_issues_found { lv: "Konstatētas nepilnības", en: "Issues found" }

        case_title { lv: "Gadījuma pārskatīšana", en: "Case review" }
        case_number { lv: "Gadījums Nr.", en: "Case No." }
        back_to_queue { lv: "Atpakaļ uz sarakstu", en: "Back to the list" }
        summary_heading { lv: "Kopsavilkums", en: "Summary" }
        label_client { lv: "Klients", en: "Client" }
        label_portal_reference { lv: "Pieteikuma numurs portālā", en: "Portal reference" }
        label_submitted { lv: "Pieteikts", en: "Submitted" }
        label_stop_remark { lv: "Pārtraukšanas piezīme", en: "Stop remark" }
        personal_data_erased {
            lv: "Klienta personas dati ir dzēsti pēc glabāšanas termiņa beigām.",
            en: "The client's personal data were erased when the retention period ended.",
        }
        timeline_heading { lv: "Pienākumu izpilde", en: "Duties carried out" }
        step_recorded { lv: "izpildīts", en: "recorded" }
        step_not_applicable { lv: "nav piemērojams", en: "not applicable" }
        step_not_reached { lv: "netika sasniegts", en: "not reached" }
        recorded_by { lv: "Reģistrēja", en: "Recorded by" }
        recorded_at { lv: "Laiks", en: "Time" }
        system_actor { lv: "sistēma", en: "the system" }
        data_document { lv: "Dokuments", en: "Document" }
        data_personal_code { lv: "Personas kods", en: "Personal code" }
        data_given_names { lv: "Vārds (vārdi)", en: "Given names" }
        data_surnames { lv: "Uzvārds (uzvārdi)", en: "Surnames" }
        data_override_justification {
            lv: "Kontrolcipara neatbilstības pamatojums",
            en: "Check-digit override justification",
        }
        data_means_code { lv: "Kvalificētais eID līdzeklis", en: "Qualified eID means" }
        data_used_at { lv: "Izmantots", en: "Used at" }
        data_notice_version { lv: "Datu paziņojuma versija", en: "Data notice version" }
        data_result_contact { lv: "Saziņa par rezultātu", en: "Contact for the result" }
        data_registration_number { lv: "Pilnvarojuma reģistrācijas numurs", en: "Authorisation registration number" }
        data_signed_on { lv: "Parakstīts", en: "Signed on" }
        data_copy1_keep_until { lv: "1. eksemplārs glabājams līdz", en: "Copy 1 kept until" }
        data_categories { lv: "Personas datu kategorijas", en: "Personal data categories" }
        data_reference { lv: "Pieteikuma numurs portālā", en: "Portal reference" }
        data_submitted_at { lv: "Pieteikts", en: "Submitted at" }
        data_planned_on { lv: "Plānotais izpildes datums", en: "Planned date" }
        data_told_via { lv: "Paziņošanas veids", en: "Channel" }
        data_told_at { lv: "Paziņots", en: "Told at" }
        data_outcome { lv: "Rezultāts", en: "Outcome" }
        data_outcome_text { lv: "Rezultāta apraksts", en: "Outcome description" }
        audit_heading { lv: "Audita notikumi", en: "Audit events" }
        audit_caption { lv: "Gadījuma audita ķēdes notikumi", en: "Events of the case's audit chain" }
        views_heading { lv: "Klienta datu skatījumi", en: "Views of the client's data" }
        views_caption {
            lv: "Kas skatīja šī gadījuma personas datus, cik reizes, pirmoreiz un pēdējoreiz (no centra piekļuves žurnāla)",
            en: "Who viewed this case's personal data, how many times, first and last (from the centre's access log)",
        }
        views_none { lv: "Neviens skatījums nav reģistrēts.", en: "No view is recorded." }
        col_views { lv: "Reizes", en: "Times" }
        col_first { lv: "Pirmoreiz", en: "First" }
        col_last { lv: "Pēdējoreiz", en: "Last" }
        col_sequence { lv: "Nr.", en: "No." }
        col_action { lv: "Darbība", en: "Action" }
        col_who { lv: "Kas", en: "Who" }
        col_when { lv: "Kad", en: "When" }
        audit_limited {
            lv: "Parādīti pēdējie 500 notikumi.",
            en: "The latest 500 events are shown.",
        }
        evidence_heading { lv: "Pierādījumu pārbaude", en: "Evidence check" }
        evidence_verified {
            lv: "Pierādījumi pārbaudīti: šī gadījuma notikumu ķēde ir pilnīga un nav mainīta, un saglabātie dati sakrīt ar to, ko notikumi apliecina.",
            en: "Evidence verified: this case's chain of events is complete and unchanged, and the stored data match what the events attest.",
        }
        evidence_checked_events { lv: "Pārbaudīti notikumi", en: "Events checked" }
        evidence_checked_steps { lv: "Pārbaudīti pienākumu ieraksti", en: "Duty records checked" }
        evidence_checked_document { lv: "Pilnvarojuma dokuments un tā PDF", en: "Authorisation document and its PDF" }
        evidence_checked_prints { lv: "Pārbaudītas izdrukas", en: "Prints checked" }
        evidence_checked_reviews { lv: "Pārbaudītas pārskatīšanas", en: "Reviews checked" }
        evidence_document_matches { lv: "sakrīt ar apliecināto", en: "match what was attested" }
        evidence_document_none { lv: "nav izdrukāts", en: "not printed" }
        evidence_uncovered {
            lv: "Gadījums atvērts, pirms tika ieviesta saglabāto datu apliecināšana: pārbaudīta tikai notikumu ķēde.",
            en: "The case was opened before stored data were attested: only its chain of events was checked.",
        }
        evidence_erased {
            lv: "Klienta personas dati dzēsti, beidzoties glabāšanas termiņam,",
            en: "The client's personal data were erased at the end of the retention period on",
        }
        evidence_event { lv: "notikums", en: "event" }
        evidence_data_changed {
            lv: "Saglabātie dati NEATBILST tam, ko apliecina notikumi.",
            en: "The stored data do NOT match what the events attest.",
        }
        part_case { lv: "Gadījuma atvēršanas dati", en: "The case as opened" }
        part_client { lv: "Klienta vārds, uzvārds un personas kods", en: "The client's names and personal code" }
        part_contact { lv: "Paziņošanas veids un kontaktinformācija", en: "How the client is told the result" }
        part_retention { lv: "Glabāšanas termiņš", en: "The keep-until date" }
        part_submission { lv: "Pieteikšanas laiks un pieteikuma numurs portālā", en: "The submission time and portal reference" }
        part_stop { lv: "Pārtraukšanas iemesls un piezīme", en: "The stop reason and remark" }
        part_closed { lv: "Pabeigšanas laiks", en: "The closing time" }
        part_erased { lv: "Personas datu dzēšanas laiks", en: "The erasure time" }
        part_step { lv: "Pienākuma ieraksts", en: "The record of duty" }
        part_document { lv: "Pilnvarojuma dokuments", en: "The authorisation document" }
        part_print { lv: "Pilnvarojuma izdruka", en: "A print of the authorisation" }
        part_review { lv: "Pārskatīšana", en: "A review" }
        part_other { lv: "Gadījuma ieraksts", en: "A record of the case" }
        component_public { lv: "dati, kas nav personas dati, mainīti kopš", en: "its non-personal data changed since" }
        component_personal { lv: "personas dati mainīti kopš", en: "its personal data changed since" }
        data_changed_since { lv: "notikuma", en: "event" }
        data_uncommitted {
            lv: "neviens notikums to nav apliecinājis (ieraksts pievienots ārpus lietotnes)",
            en: "no event attested it (added outside the application)",
        }
        data_missing { lv: "ieraksts izdzēsts, lai gan to apliecina notikums", en: "removed, though it is attested by event" }
        data_salt_missing {
            lv: "personas datus vairs nevar pārbaudīt: to sāls izdzēsts bez dzēšanas notikuma; tos apliecina notikums",
            en: "its personal data can no longer be checked: their salt was removed without an erasure; they are attested by event",
        }
        evidence_broken { lv: "Pierādījumu ķēde ir bojāta pie notikuma", en: "The chain of evidence breaks at event" }
        evidence_anchor_note {
            lv: "Visu ķēžu notikumus un parakstītos kontrolpunktus ārpus datubāzes pārbauda komanda „pilnvara audit verify”.",
            en: "The command “pilnvara audit verify” checks every chain and the signed checkpoints kept outside the database.",
        }
        evidence_bundle { lv: "Lejupielādēt pierādījumu paketi", en: "Download the evidence bundle" }
        evidence_bundle_redacted { lv: "Lejupielādēt paketi bez personas datiem", en: "Download the bundle without personal data" }
        evidence_bundle_note {
            lv: "Paketi revidents pārbauda bez piekļuves datubāzei: „pilnvara evidence verify FAILS --key anchor.pub”.",
            en: "An auditor checks the bundle without access to the database: “pilnvara evidence verify FILE --key anchor.pub”.",
        }
        problem_hash_mismatch { lv: "notikuma saturs ir mainīts", en: "the event's contents were changed" }
        problem_broken_link { lv: "notikums nav saistīts ar iepriekšējo", en: "the event does not link to the one before it" }
        problem_missing { lv: "notikums ir izdzēsts", en: "the event was removed" }
        problem_head { lv: "ķēdes gals neatbilst notikumiem", en: "the chain's head does not match its events" }
        problem_rewritten { lv: "vēsture ir pārrakstīta", en: "history was rewritten" }
        action_case_opened { lv: "gadījums atvērts", en: "case opened" }
        action_step_recorded { lv: "pienākums reģistrēts", en: "duty recorded" }
        action_step_not_applicable { lv: "pienākums nav piemērojams", en: "duty not applicable" }
        action_case_closed { lv: "gadījums pabeigts", en: "case closed" }
        action_case_stopped { lv: "gadījums pārtraukts", en: "case stopped" }
        action_personal_data_viewed { lv: "skatīti personas dati", en: "personal data viewed" }
        action_notice_shown { lv: "parādīts datu paziņojums", en: "data notice shown" }
        action_authorisation_printed { lv: "pilnvarojums izdrukāts", en: "authorisation printed" }
        action_receipt_printed { lv: "apliecinājums izdrukāts", en: "receipt printed" }
        action_authorisation_verified { lv: "pilnvarojums pārbaudīts", en: "authorisation verified" }
        action_case_reviewed { lv: "gadījums pārskatīts", en: "case reviewed" }
        action_personal_data_erased { lv: "personas dati dzēsti", en: "personal data erased" }
        action_evidence_check_failed { lv: "pierādījumu pārbaude atklāja neatbilstību", en: "evidence check found a mismatch" }
        action_reprint_mismatch {
            lv: "atkārtota izdruka neatbilda pirmajai un netika izsniegta",
            en: "a reprint did not match the first print and was not given out",
        }
        action_other { lv: "cits notikums", en: "another event" }
        data_eid_issuer { lv: "eID pakalpojuma sniedzējs", en: "eID provider" }
        data_eid_acr { lv: "Uzticamības līmenis (acr)", en: "Level of assurance (acr)" }
        data_eid_amr { lv: "Līdzeklis pēc sniedzēja (amr)", en: "Means as the provider names it (amr)" }
        data_eid_authenticated_at { lv: "Identificējās (UTC)", en: "Authenticated at (UTC)" }
        data_eid_kept { lv: "Parakstītais ID marķieris un sniedzēja atslēgas", en: "Signed ID token and the provider's keys" }
        data_eid_kept_yes { lv: "saglabāti kā pierādījums", en: "kept as evidence" }
        action_eid_refused { lv: "eID apstiprinājums atteikts", en: "eID confirmation refused" }
        action_subject_access_disclosed { lv: "dati izsniegti datu subjektam", en: "disclosed to the data subject" }
        document_heading { lv: "Pilnvarojuma dokuments", en: "Authorisation document" }
        document_none { lv: "Pilnvarojums šim gadījumam netika drukāts.", en: "No authorisation was printed for this case." }
        document_number { lv: "Dokumenta numurs", en: "Document number" }
        document_code { lv: "Pārbaudes kods", en: "Verification code" }
        document_prints { lv: "Drukāts (reizes)", en: "Times printed" }
        document_intact {
            lv: "Dokuments atbilst reģistrētajam: no saglabātā satura atkārtoti izveidotais dokuments sakrīt ar pirmo izdruku (SHA-256) un pārbaudes kodu.",
            en: "The document matches the record: rebuilt from its stored content it is identical to the first print (SHA-256) and its verification code.",
        }
        document_altered {
            lv: "Dokuments NEATBILST reģistrētajam: saglabātais saturs vairs nedod pirmās izdrukas baitus vai pārbaudes kodu.",
            en: "The document does NOT match the record: its stored content no longer gives the first print's bytes or verification code.",
        }
        document_erased {
            lv: "Klienta dati ir dzēsti pēc glabāšanas termiņa beigām; dokumenta numurs un izdrukas jaucējvērtība ir saglabāti kā pierādījums.",
            en: "The client's data were erased after the retention period; the document number and the print's hash remain as evidence.",
        }
        reviews_heading { lv: "Pārskatīšanas", en: "Reviews" }
        reviews_none { lv: "Gadījums vēl nav pārskatīts.", en: "The case has not been reviewed yet." }
        review_in_force { lv: "spēkā esošā", en: "in force" }
        review_superseded { lv: "aizstāta ar jaunāku", en: "superseded by a newer one" }
        review_by { lv: "Pārskatīja", en: "Reviewed by" }
        mark_heading { lv: "Atzīmēt kā pārskatītu", en: "Mark as reviewed" }
        mark_again_hint {
            lv: "Jauna pārskatīšana aizstāj iepriekšējo; abas paliek redzamas, un neviena netiek labota.",
            en: "A new review supersedes the previous one; both stay visible and neither is edited.",
        }
        verdict_label { lv: "Vērtējums", en: "Verdict" }
        remark_label { lv: "Piezīme", en: "Remark" }
        remark_hint {
            lv: "Obligāta, ja konstatētas nepilnības; līdz 2000 rakstzīmēm. Nenorādiet klienta personas datus.",
            en: "Required when issues were found; up to 2,000 characters. Do not enter the client's personal data.",
        }
        mark_button { lv: "Saglabāt pārskatīšanu", en: "Save the review" }
        review_saved { lv: "Pārskatīšana saglabāta.", en: "The review was saved." }
        error_summary_title { lv: "Lūdzu, izlabojiet:", en: "Please correct the following:" }
        error_verdict_missing { lv: "Izvēlieties vērtējumu.", en: "Choose a verdict." }
        error_remark_required {
            lv: "Ja konstatētas nepilnības, aprakstiet tās piezīmē.",
            en: "When issues were found, describe them in the remark.",
        }
        error_remark_too_long {
            lv: "Piezīme nedrīkst būt garāka par 2000 rakstzīmēm.",
            en: "The remark may not be longer than 2,000 characters.",
        }
        error_own_case {
            lv: "Jūs strādājāt ar šo gadījumu, tāpēc tas jāpārskata citam vadītājam.",
            en: "You worked on this case, so another supervisor must review it.",
        }
        error_reviewed_meanwhile {
            lv: "Kamēr lapa bija atvērta, gadījums tika pārskatīts. Iepazīstieties ar jaunāko pārskatīšanu un, ja vajag, saglabājiet savējo vēlreiz.",
            en: "The case was reviewed while the page was open. Read the latest review and, if needed, save yours again.",
        }

        samples_title { lv: "Izlases pārbaude", en: "Spot check" }
        samples_intro {
            lv: "Nejauša izlase no centra iepriekšējā kalendārā mēneša pabeigtajiem gadījumiem. Izlase tiek izveidota vienreiz un saglabāta; atkārtoti izvēloties to pašu centru, tiek parādīta esošā izlase.",
            en: "A random sample of a centre's cases closed in the previous calendar month. A sample is drawn once and kept; choosing the same centre again shows the existing sample.",
        }
        sample_month_label { lv: "Mēnesis", en: "Month" }
        sample_percent_label { lv: "Izlases apjoms, %", en: "Sample size, %" }
        sample_percent_hint { lv: "Vesels skaitlis no 1 līdz 100.", en: "A whole number from 1 to 100." }
        draw_button { lv: "Veidot izlasi", en: "Draw the sample" }
        samples_previous { lv: "Izveidotās izlases", en: "Samples drawn" }
        samples_none { lv: "Izlases vēl nav izveidotas.", en: "No sample has been drawn yet." }
        col_month { lv: "Mēnesis", en: "Month" }
        col_percent { lv: "%", en: "%" }
        col_population { lv: "Pabeigti mēnesī", en: "Closed in the month" }
        col_size { lv: "Izlasē", en: "In the sample" }
        col_drawn { lv: "Izveidoja", en: "Drawn by" }
        col_position { lv: "Nr.", en: "No." }
        col_closed { lv: "Pabeigts", en: "Closed" }
        sample_title { lv: "Izlase", en: "Sample" }
        sample_seed { lv: "Sēkla (atkārtojamībai)", en: "Seed (for reproducing the draw)" }
        sample_empty {
            lv: "Šajā mēnesī centrā nebija neviena pabeigta gadījuma.",
            en: "The centre closed no case in that month.",
        }
        sample_progress { lv: "Pārskatīti", en: "Reviewed" }
        sample_of { lv: "no", en: "of" }
        error_percent {
            lv: "Ievadiet veselu skaitli no 1 līdz 100.",
            en: "Enter a whole number from 1 to 100.",
        }
        error_centre { lv: "Izvēlieties centru.", en: "Choose a centre." }
        error_nothing_to_draw {
            lv: "Šis centrs iepriekšējā mēnesī nepabeidza nevienu gadījumu: izlasi nav no kā veidot, tāpēc tā netika izveidota.",
            en: "This centre closed no case last month: there is nothing to draw from, so no sample was made.",
        }

        figures_title { lv: "Rādītāji", en: "Figures" }
        figures_intro {
            lv: "Gadījumu skaits un izpildes laiki pa centriem un mēnešiem (Latvijas laikā). Centra kods ir saite uz šī centra mēnešiem; CSV datnē ir katrs centrs katrā mēnesī. Rādītājos nav personas datu.",
            en: "Case counts and times per centre and month (Latvian time). Each centre's code links to that centre's months; the CSV file has every centre in every month. The figures hold no personal data.",
        }
        period_from { lv: "No mēneša", en: "From month" }
        period_to { lv: "Līdz mēnesim", en: "To month" }
        period_hint { lv: "Formāts gggg-mm, līdz 60 mēnešiem.", en: "Format yyyy-mm, up to 60 months." }
        show_button { lv: "Rādīt", en: "Show" }
        error_period {
            lv: "Periodam jābūt no 1 līdz 60 mēnešiem formātā gggg-mm; parādīti pēdējie 12 mēneši.",
            en: "The period must be 1 to 60 months as yyyy-mm; the last 12 months are shown.",
        }
        figures_csv { lv: "Lejupielādēt rādītājus CSV formātā", en: "Download the figures as CSV" }
        all_centres { lv: "Visi uzraudzītie centri", en: "All supervised centres" }
        m_opened { lv: "Atvērti", en: "Opened" }
        m_closed { lv: "Pabeigti", en: "Closed" }
        m_stopped { lv: "Pārtraukti", en: "Stopped" }
        m_submitted { lv: "Pieteikti", en: "Submitted" }
        m_median_days { lv: "Mediāna līdz pieteikšanai, dienas", en: "Median to submission, days" }
        m_p90_days { lv: "90. procentile līdz pieteikšanai, dienas", en: "90th percentile to submission, days" }
        m_awaiting { lv: "Gaida rezultātu", en: "Awaiting a result" }
        m_eid_declared { lv: "22.¹2 deklarēts (izvēlēts no saraksta)", en: "22.¹2 declared (chosen from the list)" }
        m_eid_verified { lv: "22.¹2 pārbaudīts ar kvalificētu eID", en: "22.¹2 verified with a qualified eID" }
        m_overdue { lv: "Gaida ilgāk par 30 dienām", en: "Waiting over 30 days" }
        m_asked_share { lv: "Klienti, kas vēlas rezultātu, %", en: "Clients asking for the result, %" }
        col_total { lv: "Kopā", en: "Total" }
        col_reason { lv: "Iemesls", en: "Reason" }
        chart_cases_title {
            lv: "Atvērtie, pabeigtie un pārtrauktie gadījumi pa mēnešiem",
            en: "Cases opened, closed and stopped per month",
        }
        chart_time_title {
            lv: "Laiks no atvēršanas līdz pieteikšanai pa mēnešiem, dienas",
            en: "Time from opening to submission per month, days",
        }
        chart_eservice_title { lv: "Atvērtie gadījumi pa e-pakalpojumiem", en: "Cases opened per e-service" }
        chart_numbers_note {
            lv: "Diagrammas skaitļi ir tabulā blakus.",
            en: "The chart's numbers are in the table beside it.",
        }
        per_centre_heading { lv: "Pa centriem visā periodā", en: "Per centre over the period" }
        centre_months_link { lv: "šī centra mēneši", en: "this centre's months" }
        per_month_heading { lv: "Pa mēnešiem, izvēlētie centri kopā", en: "Per month, the chosen centres together" }
        stopped_heading { lv: "Pārtrauktie gadījumi pa iemesliem", en: "Stopped cases by reason" }
        per_eservice_heading { lv: "Pa e-pakalpojumiem visā periodā", en: "Per e-service over the period" }
        figures_empty { lv: "Šajā periodā nav datu.", en: "No data in this period." }
        figures_notes {
            lv: "Atvērtie, pabeigtie un pārtrauktie gadījumi skaitīti pēc notikuma mēneša. Laiks līdz pieteikšanai un „gaida rezultātu” attiecas uz gadījumiem, kas pieteikti attiecīgajā mēnesī; „gaida rezultātu” rāda pašreizējo stāvokli, un gadījums gaida rezultātu ilgāk par 30 dienām, ja kopš pieteikšanas pagājušas vairāk nekā 30 dienas. Klientu daļa, kas vēlas rezultātu, aprēķināta no gadījumiem, kas atvērti attiecīgajā mēnesī un kuros klients ir atbildējis.",
            en: "Cases opened, closed and stopped are counted by the month of that event. Time to submission and “awaiting a result” refer to the cases submitted in the month; “awaiting a result” is the state now, and a case waits over 30 days when more than 30 days have passed since submission. The share of clients asking for the result is of the cases opened in the month whose client answered.",
        }
        no_value { lv: "—", en: "—" }
    }
}
