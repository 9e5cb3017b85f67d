//! Strings of the printed documents' pages: refusals, the verification page, the print links of
//! the 22.¹3 page, and the names the documents print for document types and contact channels.

use super::catalogue;

catalogue! {
    /// The documents area.
    Documents {
        print_authorisation {
            lv: "Drukāt pilnvarojumu (2 eksemplāri, PDF)",
            en: "Print the authorisation (2 copies, PDF)",
        }
        print_with_answer_hint {
            lv: "Augstāk ierakstītā klienta atbilde par rezultāta paziņošanu tiek izdrukāta pilnvarojumā; ja atbildes vēl nav, pilnvarojumā tai paliek vieta, ko aizpilda ar roku.",
            en: "The client's answer above about being told the result is printed on the authorisation; without an answer yet, the authorisation leaves room to fill it in by hand.",
        }
        print_authorisation_hint {
            lv: "Izdrukājiet abus eksemplārus, lai klients tos parakstītu. 1. eksemplārs glabājas pašvaldībā, 2. eksemplāru izsniedz klientam. Atkārtota izdruka ir tieši tāda pati kā pirmā.",
            en: "Print both copies for the client to sign. Copy 1 is kept by the municipality, copy 2 is given to the client. A reprint is exactly the same as the first print.",
        }
        printed_as {
            lv: "Izdrukāts: pilnvarojums Nr.",
            en: "Printed: authorisation No.",
        }
        printed_code {
            lv: "pārbaudes kods",
            en: "verification code",
        }
        not_yet_printed {
            lv: "Pilnvarojums vēl nav izdrukāts: 22.¹3 var reģistrēt tikai pēc izdrukas.",
            en: "The authorisation has not been printed yet: 22.¹3 can be recorded only after it is.",
        }
        print_notice {
            lv: "Drukāt paziņojumu par personas datu izmantošanu (PDF)",
            en: "Print the notice on the use of personal data (PDF)",
        }
        print_receipt {
            lv: "Drukāt apliecinājumu klientam (PDF)",
            en: "Print the receipt for the client (PDF)",
        }
        refused_title {
            lv: "Dokumentu vēl nevar izdrukāt",
            en: "The document cannot be printed yet",
        }
        refused_identity {
            lv: "Pilnvarojumu var izdrukāt tikai pēc tam, kad ir reģistrēta klienta identitātes pārbaude (22.¹1) un darbinieka identificēšanās portālā (22.¹2). Vispirms reģistrējiet 22.¹1.",
            en: "The authorisation can be printed only after the client's identity check (22.¹1) and the employee's sign-in to the portal (22.¹2) are recorded. Record 22.¹1 first.",
        }
        refused_employee_eid {
            lv: "Pilnvarojumu var izdrukāt tikai pēc tam, kad ir reģistrēta darbinieka identificēšanās portālā ar kvalificētu eID līdzekli (22.¹2). Vispirms reģistrējiet 22.¹2.",
            en: "The authorisation can be printed only after the employee's sign-in to the portal with a qualified eID means (22.¹2) is recorded. Record 22.¹2 first.",
        }
        refused_stopped {
            lv: "Gadījums tika pārtraukts, pirms pilnvarojums tika izdrukāts, tāpēc pilnvarojumu vairs nevar sagatavot.",
            en: "The case was stopped before the authorisation was printed, so the authorisation can no longer be drawn up.",
        }
        refused_not_submitted {
            lv: "Apliecinājumu klientam var izdrukāt tikai pēc tam, kad e-pakalpojuma pieteikšana ir reģistrēta (22.¹5).",
            en: "The receipt for the client can be printed only after the e-service application is recorded (22.¹5).",
        }
        refused_erased {
            lv: "Šī gadījuma personas dati ir dzēsti pēc glabāšanas termiņa beigām, tāpēc dokumentu vairs nevar izdrukāt.",
            en: "This case's personal data were erased when the retention period ended, so the document can no longer be printed.",
        }
        mismatch_title {
            lv: "Atkārtotā izdruka neatbilst pirmajai",
            en: "The reprint does not match the first print",
        }
        mismatch_text {
            lv: "Sagatavotais dokuments atšķiras no pirmās izdrukas, tāpēc tas netika izsniegts. Notikums ir reģistrēts; lūdzu, ziņojiet administratoram.",
            en: "The document produced differs from the first print, so it was not served. The event has been recorded; please tell an administrator.",
        }
        back_to_case { lv: "Atpakaļ uz gadījumu", en: "Back to the case" }
        first_print_title {
            lv: "Pilnvarojums vēl nav izdrukāts",
            en: "The authorisation has not been printed yet",
        }
        first_print_text {
            lv: "Pirmā izdruka piešķir dokumentam numuru un fiksē tā saturu; vēlākās izdrukas ir tieši tādas pašas.",
            en: "The first print gives the document its number and fixes its content; later prints are exactly the same.",
        }
        never_printed_title {
            lv: "Pilnvarojums netika drukāts",
            en: "No authorisation was printed",
        }
        print_review_authorisation {
            lv: "Atvērt pilnvarojumu (atkārtota izdruka, PDF)",
            en: "Open the authorisation (reprint, PDF)",
        }
        verify_title { lv: "Pilnvarojuma pārbaude", en: "Verify an authorisation" }
        verify_intro {
            lv: "Ievadiet dokumenta numuru un pārbaudes kodu, kas norādīti pilnvarojuma augšdaļā un kājenē. Tiek meklēti tikai jūsu centru dokumenti.",
            en: "Enter the document number and the verification code printed at the top and in the footer of the authorisation. Only your centres' documents are searched.",
        }
        verify_number_label { lv: "Dokumenta Nr.", en: "Document No." }
        verify_number_hint { lv: "Piemēram, DEMO-2026-000123", en: "For example, DEMO-2026-000123" }
        verify_code_label { lv: "Pārbaudes kods", en: "Verification code" }
        verify_code_hint { lv: "10 rakstzīmes, piemēram, ABCDE-FGH2J", en: "10 characters, for example ABCDE-FGH2J" }
        verify_button { lv: "Pārbaudīt", en: "Verify" }
        verify_number_missing { lv: "Ievadiet dokumenta numuru.", en: "Enter the document number." }
        verify_code_missing { lv: "Ievadiet pārbaudes kodu.", en: "Enter the verification code." }
        verify_matches {
            lv: "Atbilst ierakstam",
            en: "Matches the record",
        }
        verify_matches_text {
            lv: "Dokuments ar šo numuru un pārbaudes kodu ir reģistrēts.",
            en: "A document with this number and verification code is on record.",
        }
        verify_case { lv: "Gadījums", en: "Case" }
        verify_centre { lv: "Centrs", en: "Centre" }
        verify_first_printed { lv: "Pirmoreiz izdrukāts", en: "First printed" }
        verify_open_case { lv: "Atvērt gadījumu", en: "Open the case" }
        verify_case_still_open {
            lv: "Gadījums vēl nav pabeigts; to varēs pārskatīt, kad tas būs pabeigts vai pārtraukts.",
            en: "The case is still open; it can be reviewed once it is closed or stopped.",
        }
        verify_no_match {
            lv: "Neatbilst",
            en: "Does not match",
        }
        verify_no_match_text {
            lv: "Jūsu centros nav pilnvarojuma ar šādu numuru un pārbaudes kodu. Pārbaudiet, vai numurs un kods ir ievadīti pareizi.",
            en: "None of your centres has an authorisation with this number and verification code. Check that the number and the code were typed correctly.",
        }
        doc_type_lv_passport { lv: "Latvijas pilsoņa pase", en: "Latvian citizen's passport" }
        doc_type_lv_identity_card { lv: "Personas apliecība (eID karte)", en: "Identity card (eID card)" }
        doc_type_residence_permit { lv: "Uzturēšanās atļauja", en: "Residence permit" }
        doc_type_non_citizen_passport { lv: "Latvijas nepilsoņa pase", en: "Latvian non-citizen's passport" }
        doc_type_stateless_or_refugee_travel_document {
            lv: "Bezvalstnieka vai bēgļa ceļošanas dokuments",
            en: "Stateless person's or refugee's travel document",
        }
        doc_type_eu_registration_certificate {
            lv: "ES pilsoņa reģistrācijas apliecība",
            en: "EU citizen's registration certificate",
        }
        doc_type_foreign_passport { lv: "Ārvalsts pase", en: "Foreign passport" }
        channel_phone { lv: "tālrunis", en: "phone" }
        channel_email { lv: "e-pasts", en: "e-mail" }
        channel_post { lv: "pasts", en: "post" }
        channel_in_person { lv: "klātienē centrā", en: "in person at the centre" }
        centre_phone { lv: "Tālrunis", en: "Phone" }
        centre_email { lv: "E-pasts", en: "E-mail" }
        centre_hours { lv: "Darba laiks", en: "Opening hours" }
        result_told_by { lv: "Rezultātu jums paziņos", en: "You will be told the result by" }
        result_not_told { lv: "Rezultāts jums netiks paziņots (jūs to nelūdzāt).", en: "You will not be told the result (you did not ask for it)." }
        controller_is { lv: "Pārzinis", en: "Controller" }
        dpo_is { lv: "Datu aizsardzības speciālists", en: "Data protection officer" }
    }
}
