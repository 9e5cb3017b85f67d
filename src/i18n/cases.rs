//! Strings of the case pages: lists, opening, the seven duties, stopping, search, and the
//! messages for the domain's error codes. `{n}` in a message is replaced by a number; a message
//! with a number has a `_one` form for the numbers that take the singular ([`super::Texts::counted`]).

use super::catalogue;

catalogue! {
    /// The case pages.
    Cases {
        notice_message_queued {
            lv: "Ierakstīts. Ziņa klientam tiek sūtīta; tās statuss redzams zemāk.",
            en: "Recorded. The message to the client is being sent; its status is shown below.",
        }
        notice_told_instead {
            lv: "Ierakstīts, kā klients tika informēts.",
            en: "Recorded how the client was told.",
        }
        list_title { lv: "Gadījumi", en: "Cases" }
        my_open_heading { lv: "Mani atvērtie gadījumi", en: "My open cases" }
        my_open_none { lv: "Jums nav atvērtu gadījumu.", en: "You have no open cases." }
        awaiting_heading { lv: "Centra gadījumi, kas gaida rezultātu", en: "The centre's cases awaiting a result" }
        awaiting_none { lv: "Neviens gadījums negaida rezultātu.", en: "No case is awaiting a result." }
        awaiting_overdue_rule_one {
            lv: "Nokavēts ir gadījums, kas rezultātu gaida ilgāk par {n} dienu.",
            en: "A case is overdue when it has waited for the result for more than {n} day.",
        }
        awaiting_overdue_rule {
            lv: "Nokavēts ir gadījums, kas rezultātu gaida ilgāk par {n} dienām.",
            en: "A case is overdue when it has waited for the result for more than {n} days.",
        }
        finished_heading { lv: "Nesen pabeigtie centra gadījumi", en: "The centre's recently finished cases" }
        finished_none { lv: "Pabeigtu gadījumu vēl nav.", en: "No finished cases yet." }
        list_privacy_note {
            lv: "Sarakstos klientu vārdi netiek rādīti; klientu atrodiet, izmantojot meklēšanu.",
            en: "Lists do not show client names; find a client with the search.",
        }
        col_case { lv: "Gadījums", en: "Case" }
        col_eservice { lv: "E-pakalpojums", en: "E-service" }
        col_stands { lv: "Nākamais pienākums", en: "Next duty" }
        col_opened { lv: "Atvērts", en: "Opened" }
        col_submitted { lv: "Pieteikts", en: "Submitted" }
        col_reference { lv: "Pieteikuma numurs portālā", en: "Portal reference" }
        col_days_waiting { lv: "Gaida (dienas)", en: "Days waiting" }
        col_finished { lv: "Pabeigts", en: "Finished" }
        col_status { lv: "Statuss", en: "Status" }
        col_client { lv: "Klients", en: "Client" }
        overdue { lv: "nokavēts", en: "overdue" }
        case_number { lv: "Nr.", en: "No." }
        next_page { lv: "Nākamā lapa", en: "Next page" }
        first_page { lv: "Uz pirmo lapu", en: "Back to the first page" }
        new_case_link { lv: "Atvērt jaunu gadījumu", en: "Open a new case" }

        new_title { lv: "Jauns gadījums", en: "New case" }
        new_intro {
            lv: "Pilnvaroto e-pakalpojumu piesaka, ja klientam nav pieejamu elektroniskās identifikācijas līdzekļu. Izvēlieties e-pakalpojumu un atzīmējiet, kuru līdzekļu klientam nav.",
            en: "An authorised e-service is applied for when the client has no electronic identification means available. Choose the e-service and mark which means the client lacks.",
        }
        field_eservice { lv: "E-pakalpojums", en: "E-service" }
        field_eservice_hint {
            lv: "Tikai e-pakalpojumi, kuru tehnoloģiskais risinājums atļauj pilnvarotu pieteikšanu.",
            en: "Only e-services whose technological solution permits authorised submission.",
        }
        field_missing_means { lv: "Klientam nav šādu eID līdzekļu", en: "The client has none of these eID means" }
        field_missing_means_hint { lv: "Atzīmējiet vismaz vienu.", en: "Mark at least one." }
        no_eservices {
            lv: "Katalogā nav neviena aktīva e-pakalpojuma, ko drīkst pieteikt uz pilnvarojuma pamata. Sazinieties ar administratoru.",
            en: "The catalogue has no active e-service that permits authorised submission. Contact the administrator.",
        }
        open_button { lv: "Atvērt gadījumu", en: "Open the case" }

        case_title { lv: "Gadījums Nr.", en: "Case No." }
        summary_heading { lv: "Gadījuma dati", en: "Case details" }
        client { lv: "Klients", en: "Client" }
        client_not_yet { lv: "identitāte vēl nav pārbaudīta (22.¹1)", en: "identity not yet verified (22.¹1)" }
        personal_code { lv: "Personas kods", en: "Personal code" }
        eservice { lv: "E-pakalpojums", en: "E-service" }
        institution { lv: "Iestāde", en: "Institution" }
        missing_means { lv: "Klientam nav", en: "The client lacks" }
        opened_by { lv: "Atvēra", en: "Opened by" }
        opened_at { lv: "Atvērts", en: "Opened" }
        status { lv: "Statuss", en: "Status" }
        status_open { lv: "atvērts", en: "open" }
        status_closed { lv: "pabeigts", en: "closed" }
        status_stopped { lv: "pārtraukts", en: "stopped" }
        notify { lv: "Rezultātu paziņot", en: "Tell the result" }
        notify_no { lv: "klients rezultātu nelūdza", en: "the client did not ask for it" }
        portal_reference { lv: "Pieteikuma numurs portālā", en: "Portal reference" }
        retention_until { lv: "1. eksemplārs glabājams līdz", en: "Copy 1 kept until" }
        stop_reason { lv: "Pārtraukšanas iemesls", en: "Reason for stopping" }
        stop_remark { lv: "Piezīme", en: "Remark" }
        stepper_label { lv: "22.¹ punkta pienākumi", en: "The duties of point 22.¹" }
        step_done { lv: "izpildīts", en: "done" }
        step_not_applicable { lv: "nav piemērojams", en: "not applicable" }
        step_current { lv: "jāizpilda tagad", en: "to do now" }
        step_later { lv: "vēlāk", en: "later" }
        step_not_done { lv: "nav izpildīts", en: "not done" }
        timeline_heading { lv: "Gaita", en: "Timeline" }
        timeline_opened { lv: "Gadījums atvērts", en: "Case opened" }
        timeline_stopped { lv: "Gadījums pārtraukts", en: "Case stopped" }
        timeline_closed { lv: "Gadījums pabeigts", en: "Case closed" }
        by_product { lv: "Pilnvara (automātiski)", en: "Pilnvara (automatically)" }
        continue_button { lv: "Turpināt", en: "Continue" }
        stop_link { lv: "Pārtraukt gadījumu", en: "Stop the case" }
        read_only { lv: "Gadījums vairs nav atvērts, tāpēc to nevar mainīt.", en: "The case is no longer open and cannot be changed." }


        notice_opened { lv: "Gadījums atvērts. Sāciet ar klienta identitātes pārbaudi.", en: "The case is open. Start by verifying the client's identity." }
        notice_recorded { lv: "Pienākums reģistrēts.", en: "The duty is recorded." }
        notice_closed {
            lv: "Pēdējais pienākums reģistrēts: gadījums ir pabeigts.",
            en: "The last duty is recorded: the case is closed.",
        }
        notice_next_duty {
            lv: "Iepriekšējais pienākums reģistrēts. Nākamais:",
            en: "The previous duty is recorded. Next:",
        }
        notice_stopped { lv: "Gadījums pārtraukts.", en: "The case is stopped." }
        already_recorded_by { lv: "jau reģistrēja", en: "was already recorded by" }
        nothing_saved_again { lv: "Otrreiz nekas netika saglabāts.", en: "Nothing was saved the second time." }
        notice_already_recorded {
            lv: "Šis pienākums jau ir reģistrēts (iespējams, veidlapa tika nosūtīta divreiz). Otrreiz nekas netika saglabāts.",
            en: "This duty is already recorded (the form may have been sent twice). Nothing was saved the second time.",
        }
        notice_out_of_order {
            lv: "Pienākumus izpilda noteiktā secībā: vispirms jāizpilda iepriekšējie. Nekas netika saglabāts.",
            en: "The duties are done in order: the earlier ones come first. Nothing was saved.",
        }
        notice_case_closed {
            lv: "Gadījums ir pabeigts, un to vairs nevar mainīt. Nekas netika saglabāts.",
            en: "The case is closed and cannot be changed. Nothing was saved.",
        }
        notice_case_stopped {
            lv: "Gadījums ir pārtraukts, un to vairs nevar mainīt. Nekas netika saglabāts.",
            en: "The case is stopped and cannot be changed. Nothing was saved.",
        }
        notice_inconsistent {
            lv: "Gadījuma dati ir pretrunīgi; nekas netika saglabāts. Sazinieties ar administratoru.",
            en: "The case's data are inconsistent; nothing was saved. Contact the administrator.",
        }
        stale_form {
            lv: "Kamēr veidlapa bija atvērta, gadījumu mainīja cits darbinieks. Tas, ko ievadījāt, NAV saglabāts. Pārbaudiet gadījuma pašreizējo stāvokli un, ja nepieciešams, nosūtiet veidlapu vēlreiz.",
            en: "Someone else changed the case while this form was open. What you entered was NOT saved. Check the case as it is now and send the form again if still needed.",
        }

        record_button { lv: "Reģistrēt", en: "Record" }
        back_to_case { lv: "Atpakaļ uz gadījumu", en: "Back to the case" }
        yes { lv: "Jā", en: "Yes" }
        no { lv: "Nē", en: "No" }
        now_hint { lv: "Ja lauku atstāj tukšu, tiek ierakstīts pašreizējais laiks.", en: "If left empty, the current time is recorded." }

        identity_intro {
            lv: "Pārbaudiet klienta personu apliecinošu dokumentu. Ja dokuments nav derīgs vai tā derīguma termiņš ir beidzies, pārtrauciet gadījumu.",
            en: "Check the client's identity document. If the document is invalid or has expired, stop the case.",
        }
        doc_type { lv: "Dokumenta veids", en: "Document type" }
        doc_lv_passport { lv: "Latvijas pilsoņa pase", en: "Latvian citizen's passport" }
        doc_lv_identity_card { lv: "Personas apliecība (eID karte)", en: "Identity card (eID card)" }
        doc_residence_permit { lv: "Uzturēšanās atļauja", en: "Residence permit" }
        doc_non_citizen_passport { lv: "Latvijas nepilsoņa pase", en: "Latvian non-citizen's passport" }
        doc_stateless_or_refugee { lv: "Bezvalstnieka vai bēgļa ceļošanas dokuments", en: "Stateless person's or refugee's travel document" }
        doc_eu_registration { lv: "ES pilsoņa reģistrācijas apliecība", en: "EU citizen's registration certificate" }
        doc_foreign_passport { lv: "Ārvalsts pase", en: "Foreign passport" }
        doc_number { lv: "Dokumenta numurs", en: "Document number" }
        issuing_state { lv: "Izdevējvalsts", en: "Issuing state" }
        issuing_state_hint { lv: "Divu burtu kods, piemēram, LV, LT, EE.", en: "Two-letter code, such as LV, LT, EE." }
        expires_on { lv: "Derīgs līdz", en: "Valid until" }
        date_hint { lv: "dd.mm.gggg", en: "dd.mm.yyyy" }
        field_personal_code { lv: "Personas kods", en: "Personal code" }
        personal_code_hint {
            lv: "11 cipari, defise pēc sestā cipara nav obligāta (piemēram, 010190-12349 vai 32xxxx-xxxxx).",
            en: "11 digits, the hyphen after the sixth digit is optional (such as 010190-12349 or 32xxxx-xxxxx).",
        }
        check_digit_override {
            lv: "Dokumentā ir tieši šis personas kods, lai gan kontrolcipars nesakrīt",
            en: "The document shows exactly this personal code although the check digit does not match",
        }
        override_justification { lv: "Pamatojums kontrolcipara neatbilstībai", en: "Justification for the check digit mismatch" }
        override_justification_hint {
            lv: "Aizpildiet tikai tad, ja atzīmējāt iepriekšējo lauku: norādiet, kas tika pārbaudīts (10–500 rakstzīmes).",
            en: "Only when you ticked the box above: what was checked (10–500 characters).",
        }
        given_names { lv: "Vārds (vārdi)", en: "Given name(s)" }
        surnames { lv: "Uzvārds (uzvārdi)", en: "Surname(s)" }

        eid_intro {
            lv: "Identificējieties portālā latvija.lv ar savu kvalificēto elektroniskās identifikācijas līdzekli. Internetbanka nav kvalificēts elektroniskās identifikācijas līdzeklis.",
            en: "Identify yourself in latvija.lv with your own qualified electronic identification means. Internet banking is not a qualified means.",
        }
        means_code { lv: "Izmantotais kvalificētais eID līdzeklis", en: "Qualified eID means used" }
        used_at { lv: "Kad identificējāties", en: "When you identified yourself" }
        eid_confirm_heading { lv: "Apstiprināt ar eID", en: "Confirm with eID" }
        eid_confirm_intro {
            lv: "Identificējieties ar savu kvalificēto eID (augsts uzticamības līmenis). Pilnvara saņems parakstītu apliecinājumu, un pienākums tiks atzīmēts kā pārbaudīts.",
            en: "Identify yourself with your own qualified eID (level high). Pilnvara receives a signed statement of it, and the duty is marked as verified.",
        }
        eid_confirm_button { lv: "Apstiprināt ar eID", en: "Confirm with eID" }
        eid_declared_heading { lv: "Vai ierakstīt no saraksta (deklarēts)", en: "Or record it from the list (declared)" }
        eid_declared_intro {
            lv: "Ierakstīts no saraksta, šis pienākums tiek atzīmēts kā deklarēts: to nepierāda eID pakalpojuma sniedzēja paraksts.",
            en: "Recorded from the list, the duty is marked as declared: no eID provider's signature proves it.",
        }
        eid_manual_off {
            lv: "Šajā iestādē 22.¹2 ieraksta tikai ar eID apstiprinājumu.",
            en: "Here 22.¹2 is recorded only by confirming with eID.",
        }
        eid_refused_heading { lv: "eID apstiprinājums netika pieņemts; nekas netika ierakstīts.", en: "The eID confirmation was not accepted; nothing was recorded." }
        eid_refused_no_request {
            lv: "Šī atbilde neatbilst nevienai eID identifikācijai, kas sākta šajā sesijā (tā jau izmantota vai nāk no citas sesijas). Sāciet vēlreiz no gadījuma lapas.",
            en: "This answer belongs to no eID identification started in this session (it was used already or comes from another session). Start again from the case's page.",
        }
        eid_refused_state {
            lv: "Atbilde neatbilst šajā sesijā sāktajai identifikācijai. Sāciet vēlreiz.",
            en: "The answer does not match the identification started in this session. Start again.",
        }
        eid_refused_denied { lv: "Identifikācija netika pabeigta (tā tika atcelta vai atteikta).", en: "The identification was not completed (it was cancelled or refused)." }
        eid_refused_unreachable {
            lv: "eID pakalpojuma sniedzējs pašlaik neatbild. Mēģiniet vēlāk.",
            en: "The eID provider does not answer at the moment. Try again later.",
        }
        eid_refused_code { lv: "eID pakalpojuma sniedzējs atteica apstiprinājumu (tas, iespējams, jau izmantots vai novecojis). Sāciet vēlreiz.", en: "The eID provider refused the confirmation (it may have been used already or expired). Start again." }
        eid_refused_malformed { lv: "eID pakalpojuma sniedzēja atbildi nevar nolasīt.", en: "The eID provider's answer cannot be read." }
        eid_refused_signature { lv: "Apliecinājumu nav parakstījusi eID pakalpojuma sniedzēja publicēta atslēga.", en: "The statement is not signed by a key the eID provider publishes." }
        eid_refused_issuer { lv: "Apliecinājumu izsniedzis cits, nevis iestatītais eID pakalpojuma sniedzējs.", en: "The statement was issued by someone other than the configured eID provider." }
        eid_refused_audience { lv: "Apliecinājums izsniegts citai sistēmai, nevis Pilnvarai.", en: "The statement was issued for another system, not for Pilnvara." }
        eid_refused_nonce { lv: "Apliecinājums nav izsniegts šim gadījumam un pienākumam.", en: "The statement was not issued for this case and duty." }
        eid_refused_expired { lv: "Apliecinājuma derīgums beidzies. Sāciet vēlreiz.", en: "The statement has expired. Start again." }
        eid_refused_not_fresh { lv: "Identifikācija nav jauna, šim pienākumam veikta. Sāciet vēlreiz.", en: "The identification is not a new one made for this duty. Start again." }
        eid_refused_level { lv: "Identifikācijas uzticamības līmenis ir zemāks par prasīto (augsts).", en: "The identification's level of assurance is below the one required (high)." }
        eid_refused_means { lv: "Izmantotais līdzeklis nav administratora kvalificēto eID līdzekļu sarakstā.", en: "The means used is not on the administrator's list of qualified eID means." }
        eid_refused_not_linked { lv: "Jūsu konts nav sasaistīts ar personu. Lūdziet administratoru to sasaistīt.", en: "Your account is not linked to a person. Ask an administrator to link it." }
        eid_refused_other_person { lv: "Identificējās cita persona, nevis pierakstījies darbinieks.", en: "Another person identified themselves, not the signed-in employee." }
        eid_refused_case_changed { lv: "Gadījums mainījās, kamēr notika identifikācija. Sāciet vēlreiz.", en: "The case changed while you identified yourself. Start again." }
        eid_continue_title { lv: "Turpina…", en: "Continuing…" }
        eid_continue_link { lv: "Turpināt", en: "Continue" }
        confirmation_declared { lv: "deklarēts", en: "declared" }
        confirmation_verified { lv: "pārbaudīts ar eID", en: "verified with eID" }
        confirmation_label { lv: "Apstiprinājums", en: "Confirmation" }

        authorisation_intro {
            lv: "Izlasiet klientam paziņojumu par personas datu izmantošanu. Rakstveida pilnvarojums ir pilnvarojums rīkoties klienta vārdā, nevis piekrišana datu apstrādei.",
            en: "Read the notice on the use of personal data to the client. The written authorisation is a mandate, not consent to data processing.",
        }
        data_notice_heading { lv: "Paziņojums par personas datu izmantošanu", en: "Notice on the use of personal data" }
        data_notice_version { lv: "Versija", en: "Version" }
        data_notice_effective { lv: "spēkā no", en: "in force from" }
        data_notice_missing {
            lv: "Nav spēkā esoša datu izmantošanas paziņojuma. Bez tā pienākumu nevar reģistrēt: sazinieties ar administratoru.",
            en: "No data-use notice is in force. Without it the duty cannot be recorded: contact the administrator.",
        }
        notice_controller { lv: "Pārzinis", en: "Controller" }
        notice_purposes { lv: "Nolūki un tiesiskais pamats", en: "Purposes and legal basis" }
        notice_recipients { lv: "Saņēmēji", en: "Recipients" }
        notice_retention { lv: "Glabāšanas laiks", en: "Retention" }
        notice_rights { lv: "Jūsu tiesības", en: "Your rights" }
        notice_complaint { lv: "Sūdzība Datu valsts inspekcijai", en: "Complaint to the Data State Inspectorate" }
        wants_result { lv: "Vai klients vēlas saņemt paziņojumu par e-pakalpojuma rezultātu?", en: "Does the client want to be told the e-service's result?" }
        channel { lv: "Kā paziņot", en: "How to tell" }
        channel_phone { lv: "pa tālruni", en: "by phone" }
        channel_email { lv: "pa e-pastu", en: "by e-mail" }
        channel_post { lv: "pa pastu", en: "by post" }
        channel_in_person { lv: "klātienē", en: "in person" }
        contact { lv: "Tālrunis, e-pasts vai pasta adrese", en: "Phone, e-mail or postal address" }
        contact_hint { lv: "Atbilstoši izvēlētajam saziņas veidam; ja paziņo klātienē, nav jāaizpilda.", en: "As the chosen channel requires; not needed when telling in person." }
        authorisation_document_heading { lv: "Rakstveida pilnvarojums divos eksemplāros", en: "Written authorisation in two copies" }
        documents_heading { lv: "Dokumenti", en: "Documents" }
        signed { lv: "Klients parakstīja pilnvarojumu abos eksemplāros", en: "The client signed the authorisation in both copies" }
        registration_number { lv: "Pilnvarojuma reģistrācijas numurs pašvaldības lietvedībā", en: "The authorisation's registration number in the municipality's records" }
        copy_handed_over { lv: "2. eksemplārs izsniegts klientam", en: "Copy 2 was handed to the client" }

        data_processing_intro {
            lv: "Apstrādājiet tikai tos personas datus, kas vajadzīgi šim e-pakalpojumam, un tikai šim nolūkam.",
            en: "Process only the personal data this e-service needs, and for this purpose only.",
        }
        categories { lv: "Izmantotās personas datu kategorijas", en: "Personal data categories used" }
        purpose_only { lv: "Dati izmantoti tikai šī e-pakalpojuma pieteikšanai", en: "The data were used only to apply for this e-service" }

        submission_intro { lv: "Piesakiet e-pakalpojumu portālā un ierakstiet pieteikuma numuru, ko piešķīra portāls.", en: "Apply for the e-service in the portal and enter the portal reference it gave." }
        reference { lv: "Pieteikuma numurs portālā", en: "Portal reference" }
        submitted_at { lv: "Pieteikšanas laiks", en: "Time of submission" }

        planned_time_intro { lv: "Paziņojiet klientam portāla norādīto plānoto izpildes laiku.", en: "Tell the client the planned time the portal gave." }
        planned_on { lv: "Plānotais izpildes datums", en: "Planned completion date" }
        told_via { lv: "Kā klientam paziņoja", en: "How the client was told" }
        told_at { lv: "Kad paziņoja", en: "When the client was told" }

        result_intro { lv: "Paziņojiet klientam e-pakalpojuma rezultātu klienta izvēlētajā veidā.", en: "Tell the client the e-service's result in the way the client chose." }
        outcome { lv: "Rezultāts", en: "Result" }
        outcome_granted { lv: "piešķirts", en: "granted" }
        outcome_refused { lv: "atteikts", en: "refused" }
        outcome_other { lv: "cits", en: "other" }
        outcome_text { lv: "Rezultāta apraksts", en: "Description of the result" }
        outcome_text_hint { lv: "Obligāts, ja rezultāts ir „cits”.", en: "Required when the result is “other”." }

        stop_title { lv: "Pārtraukt gadījumu", en: "Stop the case" }
        stop_intro {
            lv: "Pārtraukto gadījumu vairs nevar turpināt. Iemesls un piezīme tiek saglabāti gadījumā.",
            en: "A stopped case cannot be continued. The reason and the remark are kept with the case.",
        }
        field_stop_reason { lv: "Iemesls", en: "Reason" }
        field_stop_remark { lv: "Piezīme", en: "Remark" }
        stop_remark_hint { lv: "Obligāta, ja iemesls ir „cits iemesls”; līdz 500 rakstzīmēm.", en: "Required when the reason is “other reason”; up to 500 characters." }
        stop_button { lv: "Pārtraukt", en: "Stop" }
        stop_offer {
            lv: "Pārbaude neizdevās. Ja kļūdu nevar novērst, pārtrauciet gadījumu ar šo iemeslu.",
            en: "The check failed. If it cannot be put right, stop the case with this reason.",
        }

        search_title { lv: "Meklēt gadījumu", en: "Find a case" }
        search_intro {
            lv: "Meklēšana notiek tikai jūsu centra gadījumos. Aizpildiet vienu lauku.",
            en: "Searches only your centre's cases. Fill in one field.",
        }
        search_name { lv: "Klienta vārds, uzvārds vai abi", en: "Client's given name and/or surname" }
        search_personal_code { lv: "Personas kods", en: "Personal code" }
        search_reference { lv: "Pieteikuma numurs portālā", en: "Portal reference" }
        search_button { lv: "Meklēt", en: "Search" }
        search_results { lv: "Atrastie gadījumi", en: "Cases found" }
        search_none { lv: "Nekas netika atrasts.", en: "Nothing was found." }
        search_one_field { lv: "Aizpildiet tieši vienu lauku.", en: "Fill in exactly one field." }
        search_limited_one { lv: "Rādīts pirmais {n} rezultāts; precizējiet meklēšanu.", en: "The first {n} result is shown; narrow the search." }
        search_limited { lv: "Rādīti pirmie {n} rezultāti; precizējiet meklēšanu.", en: "The first {n} results are shown; narrow the search." }

        err_required { lv: "Aizpildiet šo lauku.", en: "Fill in this field." }
        err_too_short_one { lv: "Jāievada vismaz {n} rakstzīme.", en: "At least {n} character is needed." }
        err_too_short { lv: "Jāievada vismaz {n} rakstzīmes.", en: "At least {n} characters are needed." }
        err_too_long_one { lv: "Atļauta ne vairāk kā {n} rakstzīme.", en: "At most {n} character is allowed." }
        err_too_long { lv: "Atļautas ne vairāk kā {n} rakstzīmes.", en: "At most {n} characters are allowed." }
        err_bad_date { lv: "Ievadiet datumu formātā dd.mm.gggg.", en: "Enter a date as dd.mm.yyyy." }
        err_bad_datetime { lv: "Ievadiet datumu un laiku.", en: "Enter a date and time." }
        err_date_in_past { lv: "Datums nevar būt pagātnē.", en: "The date cannot be in the past." }
        err_before_case_opened { lv: "Laiks nevar būt agrāks par gadījuma atvēršanu.", en: "The time cannot be before the case was opened." }
        err_before_eid_sign_in { lv: "Pieteikšanas laiks nevar būt agrāks par darbinieka identificēšanos portālā (22.¹2).", en: "The submission cannot be before the employee signed in to the portal (22.¹2)." }
        err_date_in_future { lv: "Datums vai laiks nevar būt nākotnē.", en: "The date or time cannot be in the future." }
        err_too_long_ago_one { lv: "Tas bija pirms vairāk nekā {n} stundas: identificējieties portālā vēlreiz.", en: "That was more than {n} hour ago: identify yourself in the portal again." }
        err_too_long_ago { lv: "Tas bija pirms vairāk nekā {n} stundām: identificējieties portālā vēlreiz.", en: "That was more than {n} hours ago: identify yourself in the portal again." }
        err_not_in_list { lv: "Izvēlieties kādu no piedāvātajām iespējām.", en: "Choose one of the options offered." }
        err_bad_name { lv: "Vārdā var būt tikai burti, atstarpes, defises un apostrofi.", en: "A name may hold only letters, spaces, hyphens and apostrophes." }
        err_personal_code_bad_format { lv: "Personas kodā jābūt 11 cipariem (defise pēc sestā cipara nav obligāta).", en: "A personal code is 11 digits (the hyphen after the sixth digit is optional)." }
        err_personal_code_bad_date { lv: "Personas koda pirmie seši cipari nav derīgs dzimšanas datums.", en: "The first six digits of the personal code are not a real birth date." }
        err_personal_code_check_digit {
            lv: "Personas koda kontrolcipars nesakrīt. Pārbaudiet kodu; ja dokumentā ir tieši šis kods, atzīmējiet to un ierakstiet pamatojumu.",
            en: "The personal code's check digit does not match. Check the code; if the document shows exactly this code, tick the box and give a justification.",
        }
        err_document_number_length { lv: "Dokumenta numurā jābūt 5 līdz 20 rakstzīmēm.", en: "A document number has 5 to 20 characters." }
        err_document_number_characters { lv: "Dokumenta numurā var būt tikai latīņu burti A–Z un cipari.", en: "A document number may hold only letters A–Z and digits." }
        err_issuing_state_bad_format { lv: "Ievadiet valsts divu burtu kodu (piemēram, LV).", en: "Enter the state's two-letter code (such as LV)." }
        err_issuing_state_must_be_latvia { lv: "Šo dokumentu izdod tikai Latvija: izdevēja valsts ir LV.", en: "Only Latvia issues this document: the issuing state is LV." }
        err_document_expired { lv: "Dokumenta derīguma termiņš ir beidzies: identitāti ar to nevar pārbaudīt.", en: "The document has expired: it cannot prove the identity." }
        err_bad_email { lv: "Tā nav derīga e-pasta adrese.", en: "That is not a valid e-mail address." }
        err_bad_phone { lv: "Tas nav derīgs tālruņa numurs (8 cipari vai starptautisks numurs ar +).", en: "That is not a valid phone number (8 digits, or an international number with +)." }
        err_must_be_confirmed { lv: "Apstipriniet, atzīmējot šo lauku.", en: "Confirm by ticking this box." }
        err_control_characters {
            lv: "Tekstā ir neredzamas vadības rakstzīmes (piemēram, no kopēta teksta). Izdzēsiet tekstu un ierakstiet to vēlreiz.",
            en: "The text holds invisible control characters (from copied text, say). Delete it and type it again.",
        }
        err_not_yet_printed {
            lv: "Pilnvarojums vēl nav izdrukāts. Izdrukājiet to divos eksemplāros, lūdziet klientu parakstīt abus un tad nosūtiet veidlapu vēlreiz.",
            en: "The authorisation has not been printed yet. Print it in two copies, let the client sign both, then send the form again.",
        }
        err_not_as_printed {
            lv: "Izdrukātajā pilnvarojumā, ko klients parakstīja, ir cita atbilde par rezultāta paziņošanu. Norādiet to atbildi, kas ir izdrukāta.",
            en: "The printed authorisation the client signed holds another answer about being told the result. Enter what is printed.",
        }
        err_notice_changed {
            lv: "Datu izmantošanas paziņojums ir mainījies. Izlasiet klientam jauno versiju un nosūtiet veidlapu vēlreiz.",
            en: "The data-use notice has changed. Read the new version to the client and send the form again.",
        }
        err_answer_yes_or_no { lv: "Atbildiet „jā” vai „nē”.", en: "Answer “yes” or “no”." }
    }
}
