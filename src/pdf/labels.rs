//! All fixed wording of the printed documents, in Latvian and in English.
//!
//! Latvian is always printed; English is printed beside or under it when the
//! document asks for it. Nothing else in the module holds user-visible text.

/// The fixed wording of the documents in one language.
#[derive(Debug, Clone, Copy)]
pub struct Labels {
    // Common.
    pub document_number: &'static str,
    pub verification_code: &'static str,
    pub page: &'static str,
    pub page_of: &'static str,
    pub continued: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    /// Both answers with a box each, for the client to tick by hand.
    pub yes_no_by_hand: &'static str,
    pub date: &'static str,
    pub place: &'static str,
    pub centre: &'static str,
    pub municipality: &'static str,
    pub employee: &'static str,
    pub eservice: &'static str,
    pub institution: &'static str,

    // Authorisation.
    pub authorisation_title: &'static str,
    pub copy_1: &'static str,
    pub copy_2: &'static str,
    pub copy_1_short: &'static str,
    pub copy_2_short: &'static str,
    /// Filled in by hand on the municipality's copy, from its own records.
    pub registry_number: &'static str,
    pub keep_until: &'static str,
    pub section_centre: &'static str,
    pub section_client: &'static str,
    pub client_name: &'static str,
    pub personal_code: &'static str,
    pub id_document: &'static str,
    pub id_number: &'static str,
    pub id_issuing_state: &'static str,
    pub id_expiry: &'static str,
    pub section_eservice: &'static str,
    pub scope: &'static str,
    pub scope_value: &'static str,
    pub section_statement: &'static str,
    /// Names the employee: [`EMPLOYEE`] stands for the name.
    pub statement: &'static str,
    pub mandate_note: &'static str,
    pub section_notice: &'static str,
    pub notice_version: &'static str,
    pub notice_given: &'static str,
    pub notice_summary: &'static str,
    pub section_result: &'static str,
    pub result_wanted: &'static str,
    pub result_contact: &'static str,
    pub result_note: &'static str,
    pub sign_client: &'static str,
    pub sign_employee: &'static str,

    // Data-use notice.
    pub notice_title: &'static str,
    pub notice_version_label: &'static str,
    pub notice_effective: &'static str,
    pub notice_controller: &'static str,
    pub notice_purposes: &'static str,
    pub notice_recipients: &'static str,
    pub notice_retention: &'static str,
    pub notice_rights: &'static str,
    pub notice_complaint: &'static str,

    // Receipt.
    pub receipt_title: &'static str,
    pub receipt_intro: &'static str,
    pub authorisation_number: &'static str,
    pub client: &'static str,
    pub section_submission: &'static str,
    pub submitted_at: &'static str,
    pub portal_reference: &'static str,
    pub planned_time: &'static str,
    pub planned_unknown: &'static str,
    pub section_contact: &'static str,
    pub contact_intro: &'static str,
    pub contact: &'static str,
    pub issued: &'static str,
}

/// Latvian wording (always printed).
pub const LV: Labels = Labels {
    document_number: "Dokumenta Nr.",
    verification_code: "Pārbaudes kods",
    page: "Lapa",
    page_of: "no",
    continued: "turpinājums",
    yes: "Jā",
    no: "Nē",
    yes_no_by_hand: "☐ Jā    ☐ Nē",
    date: "Datums",
    place: "Vieta",
    centre: "Centrs",
    municipality: "Pašvaldība",
    employee: "Darbinieks",
    eservice: "E-pakalpojums",
    institution: "Iestāde",

    authorisation_title: "Pilnvarojums pilnvarotā e-pakalpojuma pieteikšanai",
    copy_1: "1. eksemplārs — glabājas pašvaldībā (Arhīvu likums)",
    copy_2: "2. eksemplārs — izsniegts klientam",
    copy_1_short: "1. eksemplārs",
    copy_2_short: "2. eksemplārs",
    registry_number: "Reģistrācijas Nr. pašvaldībā",
    keep_until: "Glabāt līdz",
    section_centre: "Klientu apkalpošanas centrs",
    section_client: "Klients (pilnvarotājs)",
    client_name: "Vārds, uzvārds",
    personal_code: "Personas kods",
    id_document: "Personu apliecinošs dokuments",
    id_number: "Dokumenta numurs",
    id_issuing_state: "Izdevējvalsts",
    id_expiry: "Derīgs līdz",
    section_eservice: "Pilnvarotais e-pakalpojums",
    scope: "Pilnvarojuma apjoms",
    scope_value: "tikai šim e-pakalpojumam un šim gadījumam",
    section_statement: "Pilnvarojums",
    statement: "Ar šo es pilnvaroju norādītā klientu apkalpošanas centra darbinieku ({employee}) \
                manā vārdā pieteikt šajā dokumentā norādīto e-pakalpojumu saskaņā ar Ministru \
                kabineta 2017. gada 4. jūlija noteikumu Nr. 401 22.¹ punktu, jo man nav pieejami \
                elektroniskās identifikācijas līdzekļi. Pilnvarojums attiecas tikai uz šo \
                e-pakalpojumu un šo gadījumu.",
    mandate_note: "Šis ir pilnvarojums rīkoties klienta vārdā, nevis piekrišana personas datu \
                   apstrādei.",
    section_notice: "Paziņojums par personas datu izmantošanu",
    notice_version: "Paziņojuma versija",
    notice_given: "Pirms parakstīšanas klients informēts par personas datu izmantošanu.",
    notice_summary: "Kopsavilkums",
    section_result: "Informēšana par rezultātu",
    result_wanted: "Vēlas uzzināt rezultātu",
    result_contact: "Saziņas veids un kontakts",
    result_note: "Klientu informē par rezultātu, ja e-pakalpojuma tehnoloģiskais risinājums \
                  to pieļauj.",
    sign_client: "Klienta paraksts",
    sign_employee: "Darbinieka paraksts",

    notice_title: "Paziņojums par personas datu izmantošanu pilnvarotā e-pakalpojuma \
                   pieteikšanā",
    notice_version_label: "Versija",
    notice_effective: "Spēkā no",
    notice_controller: "Pārzinis",
    notice_purposes: "Nolūki un tiesiskais pamats",
    notice_recipients: "Saņēmēji",
    notice_retention: "Glabāšanas laiks",
    notice_rights: "Jūsu tiesības",
    notice_complaint: "Sūdzība Datu valsts inspekcijai",

    receipt_title: "Apliecinājums par pilnvarotā e-pakalpojuma pieteikšanu",
    receipt_intro: "Klientu apkalpošanas centra darbinieks, pamatojoties uz jūsu rakstveida \
                    pilnvarojumu, jūsu vārdā ir pieteicis šo e-pakalpojumu.",
    authorisation_number: "Pilnvarojuma Nr.",
    client: "Klients",
    section_submission: "Pieteikums",
    submitted_at: "Pieteikts",
    portal_reference: "Pieteikuma numurs portālā",
    planned_time: "Plānotais izpildes laiks",
    planned_unknown: "nav zināms",
    section_contact: "Jautājumi un sūdzības",
    contact_intro: "Ja vēlaties uzzināt par pieteikuma gaitu vai iesniegt sūdzību, \
                    sazinieties ar klientu apkalpošanas centru.",
    contact: "Kontakti",
    issued: "Izsniegts",
};

/// English wording (printed beside or under the Latvian one on request).
pub const EN: Labels = Labels {
    document_number: "Document No.",
    verification_code: "Verification code",
    page: "Page",
    page_of: "of",
    continued: "continued",
    yes: "Yes",
    no: "No",
    yes_no_by_hand: "☐ Yes    ☐ No",
    date: "Date",
    place: "Place",
    centre: "Centre",
    municipality: "Municipality",
    employee: "Employee",
    eservice: "E-service",
    institution: "Institution",

    authorisation_title: "Authorisation to apply for an authorised e-service",
    copy_1: "Copy 1 — kept by the municipality (Archives Law)",
    copy_2: "Copy 2 — given to the client",
    copy_1_short: "Copy 1",
    copy_2_short: "Copy 2",
    registry_number: "Registration No. at the municipality",
    keep_until: "Keep until",
    section_centre: "Customer service centre",
    section_client: "Client (principal)",
    client_name: "Name, surname",
    personal_code: "Personal code",
    id_document: "Identity document",
    id_number: "Document number",
    id_issuing_state: "Issuing state",
    id_expiry: "Valid until",
    section_eservice: "Authorised e-service",
    scope: "Scope of the authorisation",
    scope_value: "this e-service and this case only",
    section_statement: "Authorisation",
    statement: "I hereby authorise the employee of the customer service centre named above \
                ({employee}) to apply on my behalf for the e-service named in this document under \
                Cabinet Regulation No. 401 of 4 July 2017, point 22.¹, as I have no means of \
                electronic identification available. This authorisation covers this e-service and \
                this case only.",
    mandate_note: "This is a mandate to act on the client's behalf, not consent to the \
                   processing of personal data.",
    section_notice: "Notice on the use of personal data",
    notice_version: "Notice version",
    notice_given: "Before signing, the client was informed about the use of personal data.",
    notice_summary: "Summary",
    section_result: "Being told the result",
    result_wanted: "Wishes to be told the result",
    result_contact: "How and where",
    result_note: "The client is told the result if the e-service's technological solution \
                  permits it.",
    sign_client: "Client's signature",
    sign_employee: "Employee's signature",

    notice_title: "Notice on the use of personal data when applying for an authorised \
                   e-service",
    notice_version_label: "Version",
    notice_effective: "Effective from",
    notice_controller: "Controller",
    notice_purposes: "Purposes and legal basis",
    notice_recipients: "Recipients",
    notice_retention: "Retention",
    notice_rights: "Your rights",
    notice_complaint: "Complaint to the Data State Inspectorate",

    receipt_title: "Receipt for an authorised e-service application",
    receipt_intro: "Based on your written authorisation, an employee of the customer service \
                    centre has applied for this e-service on your behalf.",
    authorisation_number: "Authorisation No.",
    client: "Client",
    section_submission: "Application",
    submitted_at: "Submitted",
    portal_reference: "Portal reference",
    planned_time: "Planned time of execution",
    planned_unknown: "not known",
    section_contact: "Questions and complaints",
    contact_intro: "To ask about the application or to make a complaint, contact the customer \
                    service centre.",
    contact: "Contact",
    issued: "Issued",
};

/// Where the employee's name goes in [`Labels::statement`].
pub const EMPLOYEE: &str = "{employee}";

/// A line to write on by hand.
pub const BLANK_LINE: &str = "________________________________________";
/// A short one, for the narrow columns of a two-pair row.
pub const BLANK_SHORT: &str = "________________";

/// Chooses one label from a [`Labels`] set.
pub type Pick = fn(&Labels) -> &'static str;

/// A label in Latvian, with its English form when the document is bilingual.
#[derive(Debug, Clone, Copy)]
pub struct Bi {
    pub lv: &'static str,
    pub en: Option<&'static str>,
}

impl Bi {
    /// "lv / en" on one line, or just "lv".
    pub fn inline(self) -> String {
        match self.en {
            Some(en) => format!("{} / {}", self.lv, en),
            None => self.lv.to_string(),
        }
    }
}

/// Picks labels for a document: Latvian always, English on request.
#[derive(Debug, Clone, Copy)]
pub struct Wording {
    pub english: bool,
}

impl Wording {
    pub fn get(self, pick: Pick) -> Bi {
        Bi {
            lv: pick(&LV),
            en: self.english.then(|| pick(&EN)),
        }
    }

    /// "lv / en" on one line, or just "lv".
    pub fn inline(self, pick: Pick) -> String {
        self.get(pick).inline()
    }
}
