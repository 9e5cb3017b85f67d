//! Strings of the evidence pages: the subject access request (GDPR Art. 15).

use super::catalogue;

catalogue! {
    /// Subject access.
    Evidence {
        sa_title { lv: "Datu subjekta piekļuves pieprasījums", en: "Subject access request" }
        sa_intro {
            lv: "Ievadiet personas kodu, lai atrastu visus jūsu centru gadījumus, kuros vēl glabājas šīs personas dati (VDAR 15. pants). Pats meklējums tiek ierakstīts audita pierakstos, nenorādot personas kodu.",
            en: "Enter a personal code to find every case of your centres that still holds this person's data (GDPR Art. 15). The search itself is written to the audit trail, without the personal code.",
        }
        sa_personal_code { lv: "Personas kods", en: "Personal code" }
        sa_personal_code_hint {
            lv: "11 cipari, piemēram, 010190-12349 vai 32123456789.",
            en: "11 digits, for example 010190-12349 or 32123456789.",
        }
        sa_check_digit_override {
            lv: "Pieņemt veca formāta kodu, kura kontrolcipars nesakrīt",
            en: "Accept an old-format code whose check digit does not match",
        }
        sa_search_button { lv: "Meklēt", en: "Search" }
        sa_download_button { lv: "Lejupielādēt JSON", en: "Download JSON" }
        sa_print_hint {
            lv: "Lai izdrukātu, izmantojiet pārlūka drukas komandu (Ctrl+P).",
            en: "To print, use the browser's print command (Ctrl+P).",
        }
        sa_code_empty { lv: "Ievadiet personas kodu.", en: "Enter the personal code." }
        sa_code_bad_format {
            lv: "Personas kodā jābūt 11 cipariem (var rakstīt arī DDMMGG-NNNNN).",
            en: "The personal code must be 11 digits (DDMMYY-NNNNN is accepted).",
        }
        sa_code_bad_date {
            lv: "Personas koda pirmie seši cipari nav derīgs dzimšanas datums.",
            en: "The first six digits of the personal code are not a real birth date.",
        }
        sa_code_check_digit {
            lv: "Kontrolcipars nesakrīt. Pārbaudiet kodu vai atzīmējiet, ka pieņemat to.",
            en: "The check digit does not match. Check the code, or tick that you accept it.",
        }
        sa_results_heading { lv: "Atrastie gadījumi", en: "Cases found" }
        sa_found_count { lv: "Atrasto gadījumu skaits", en: "Number of cases found" }
        sa_none_found {
            lv: "Jūsu centros nav neviena gadījuma, kurā glabātos šīs personas dati.",
            en: "No case in your centres holds this person's data.",
        }
        sa_scope {
            lv: "Meklēts tikai jūsu centru gadījumos.",
            en: "Only the cases of your centres were searched.",
        }
        sa_generated_at { lv: "Sagatavots", en: "Produced" }
        sa_case { lv: "Gadījums", en: "Case" }
        sa_centre { lv: "Centrs", en: "Centre" }
        sa_eservice { lv: "E-pakalpojums", en: "E-service" }
        sa_status { lv: "Statuss", en: "Status" }
        sa_opened_at { lv: "Atvērts", en: "Opened" }
        sa_finished_at { lv: "Pabeigts", en: "Finished" }
        sa_retention_until { lv: "Dati glabājami līdz", en: "Data kept until" }
        sa_client_name { lv: "Vārds, uzvārds", en: "Name" }
        sa_notify { lv: "Saziņa par rezultātu", en: "Contact for the result" }
        sa_portal_reference { lv: "Pieteikuma numurs portālā", en: "Portal reference" }
        sa_stop { lv: "Pārtraukšanas iemesls", en: "Reason for stopping" }
        sa_steps { lv: "Reģistrētie pienākumi", en: "Recorded duties" }
        sa_step { lv: "Pienākums", en: "Duty" }
        sa_outcome { lv: "Iznākums", en: "Outcome" }
        sa_recorded { lv: "Reģistrēja", en: "Recorded by" }
        sa_data { lv: "Dati", en: "Data" }
        sa_access_events { lv: "Personas datu izmantošana", en: "Uses of the personal data" }
        sa_no_access_events {
            lv: "Nav ierakstu par šo datu skatīšanu.",
            en: "No views of these data are recorded.",
        }
        sa_when { lv: "Kad", en: "When" }
        sa_who { lv: "Kas", en: "Who" }
        sa_what { lv: "Kas notika", en: "What" }
        page_overview { lv: "gadījuma pārskats", en: "the case overview" }
        page_stop { lv: "gadījuma pārtraukšana", en: "stopping the case" }
        page_search { lv: "meklēšanas rezultāti", en: "search results" }
        page_review { lv: "pārskatīšana", en: "the review" }
        page_review_authorisation {
            lv: "pilnvarojuma izdruka pārskatīšanai",
            en: "the authorisation printed for review",
        }
        page_evidence_bundle { lv: "pierādījumu pakete", en: "the evidence bundle" }
        sa_reviews { lv: "Vadītāju pārskatīšanas", en: "Supervisors' reviews" }
        sa_verdict { lv: "Vērtējums", en: "Verdict" }
        sa_remark { lv: "Piezīme", en: "Remark" }
    }
}
