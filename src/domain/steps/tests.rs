//! The step forms' checks, one test per rule.

use super::*;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn today() -> NaiveDate {
    day(2025, 3, 10)
}

/// 10 March 2025, 14:30 in Riga.
fn now() -> NaiveDateTime {
    today().and_hms_opt(14, 30, 0).unwrap()
}

/// The case was opened on 3 March 2025 at 09:15:40 in Riga.
fn opened() -> NaiveDateTime {
    day(2025, 3, 3).and_hms_opt(9, 15, 40).unwrap()
}

/// `(field, code)` pairs, for compact assertions.
fn codes(errors: &FieldErrors) -> Vec<(&'static str, &'static str)> {
    errors
        .iter()
        .map(|(field, error)| (*field, error.code()))
        .collect()
}

fn identity_form() -> IdentityForm {
    IdentityForm {
        doc_type: "lv-passport".into(),
        doc_number: "lv1234567".into(),
        issuing_state: "lv".into(),
        expires_on: "2030-01-31".into(),
        personal_code: "010190-12349".into(),
        check_digit_override: false,
        override_justification: String::new(),
        given_names: "  Jānis  Pēteris ".into(),
        surnames: "Bērziņš-O’Konnors".into(),
    }
}

// -- parsing helpers

#[test]
fn dates_accept_iso_and_latvian_forms() {
    assert_eq!(date("2025-03-10"), Ok(day(2025, 3, 10)));
    assert_eq!(date(" 10.03.2025 "), Ok(day(2025, 3, 10)));
    assert_eq!(date("1.3.2025."), Ok(day(2025, 3, 1)));
    assert_eq!(date("29.02.2024"), Ok(day(2024, 2, 29)));
    assert_eq!(date(""), Err(FieldError::Required));
    for bad in [
        "29.02.2025",
        "2025-3-10",
        "10.03.25",
        "2025/03/10",
        "+2025-03-10",
        "10.03.2025.1",
        "aa.bb.cccc",
    ] {
        assert_eq!(date(bad), Err(FieldError::BadDate), "{bad}");
    }
}

#[test]
fn date_times_accept_datetime_local_with_or_without_seconds() {
    let expected = day(2025, 3, 10).and_hms_opt(9, 5, 0).unwrap();
    assert_eq!(date_time("2025-03-10T09:05"), Ok(expected));
    assert_eq!(date_time("2025-03-10T09:05:00"), Ok(expected));
    assert_eq!(date_time("10.03.2025 09:05"), Ok(expected));
    assert_eq!(date_time(" "), Err(FieldError::Required));
    for bad in [
        "2025-03-10",
        "2025-03-10T25:00",
        "2025-02-30T10:00",
        "yesterday",
    ] {
        assert_eq!(date_time(bad), Err(FieldError::BadDateTime), "{bad}");
    }
}

#[test]
fn field_error_codes_are_stable_and_wrapped_errors_keep_theirs() {
    assert_eq!(FieldError::TooLong { max: 5 }.code(), "too-long");
    assert_eq!(
        FieldError::PersonalCode(PersonalCodeError::CheckDigit).code(),
        "personal-code-check-digit"
    );
    assert_eq!(
        FieldError::Document(DocumentError::Expired).code(),
        "document-expired"
    );
}

// -- 22.¹1 identity

#[test]
fn identity_form_is_normalised() {
    let input = identity_form().validate(today()).unwrap();
    assert_eq!(input.document.number(), "LV1234567");
    assert_eq!(input.document.issuing_state(), "LV");
    assert_eq!(input.personal_code.to_string(), "010190-12349");
    assert_eq!(input.override_justification, None);
    assert_eq!(input.given_names, "Jānis Pēteris");
    assert_eq!(input.surnames, "Bērziņš-O’Konnors");
}

#[test]
fn identity_accepts_latvian_date_and_new_personal_code() {
    let form = IdentityForm {
        expires_on: "10.03.2025".into(),
        personal_code: "32123456789".into(),
        ..identity_form()
    };
    assert!(form.validate(today()).is_ok());
}

#[test]
fn empty_identity_form_reports_every_field() {
    let errors = IdentityForm::default().validate(today()).unwrap_err();
    assert_eq!(
        codes(&errors),
        vec![
            ("doc_type", "required"),
            ("expires_on", "required"),
            ("doc_number", "document-number-required"),
            ("issuing_state", "document-issuing-state-required"),
            ("personal_code", "required"),
            ("given_names", "required"),
            ("surnames", "required"),
        ]
    );
}

#[test]
fn a_failed_identity_check_offers_the_stop_reason_a_typo_does_not() {
    let expired = IdentityForm {
        expires_on: "2025-03-09".into(),
        ..identity_form()
    };
    let errors = expired.validate(today()).unwrap_err();
    assert_eq!(
        identity_stop_reason(&errors),
        Some(StopReason::DocumentExpired)
    );
    let check_digit = IdentityForm {
        personal_code: "010190-12340".into(),
        ..identity_form()
    };
    let errors = check_digit.validate(today()).unwrap_err();
    assert_eq!(
        identity_stop_reason(&errors),
        Some(StopReason::IdentityNotVerified)
    );
    let typo = IdentityForm {
        personal_code: "01019".into(),
        surnames: String::new(),
        ..identity_form()
    };
    assert_eq!(
        identity_stop_reason(&typo.validate(today()).unwrap_err()),
        None
    );
}

#[test]
fn expired_document_fails_identity() {
    let form = IdentityForm {
        expires_on: "2025-03-09".into(),
        ..identity_form()
    };
    let errors = form.validate(today()).unwrap_err();
    assert_eq!(codes(&errors), vec![("expires_on", "document-expired")]);
    assert_eq!(
        errors.get("expires_on"),
        Some(&FieldError::Document(DocumentError::Expired))
    );
}

#[test]
fn unknown_document_type_and_foreign_state_on_latvian_document() {
    let form = IdentityForm {
        doc_type: "library-card".into(),
        ..identity_form()
    };
    assert_eq!(
        codes(&form.validate(today()).unwrap_err()),
        vec![("doc_type", "not-in-list")]
    );
    let form = IdentityForm {
        issuing_state: "EE".into(),
        ..identity_form()
    };
    assert_eq!(
        codes(&form.validate(today()).unwrap_err()),
        vec![("issuing_state", "document-issuing-state-must-be-latvia")]
    );
}

#[test]
fn wrong_check_digit_is_refused_without_override() {
    let form = IdentityForm {
        personal_code: "010190-12345".into(),
        ..identity_form()
    };
    assert_eq!(
        codes(&form.validate(today()).unwrap_err()),
        vec![("personal_code", "personal-code-check-digit")]
    );
}

#[test]
fn override_requires_a_justification_of_ten_to_five_hundred_characters() {
    let overridden = IdentityForm {
        personal_code: "010190-12345".into(),
        check_digit_override: true,
        ..identity_form()
    };
    assert_eq!(
        codes(&overridden.validate(today()).unwrap_err()),
        vec![("override_justification", "required")]
    );
    let short = IdentityForm {
        override_justification: "too short".into(),
        ..overridden.clone()
    };
    assert_eq!(
        codes(&short.validate(today()).unwrap_err()),
        vec![("override_justification", "too-short")]
    );
    let long = IdentityForm {
        override_justification: "x".repeat(501),
        ..overridden.clone()
    };
    assert_eq!(
        codes(&long.validate(today()).unwrap_err()),
        vec![("override_justification", "too-long")]
    );
    let justified = IdentityForm {
        override_justification: " Code printed so in the passport ".into(),
        ..overridden
    };
    let input = justified.validate(today()).unwrap();
    assert!(input.personal_code.check_digit_overridden());
    assert_eq!(
        input.override_justification.as_deref(),
        Some("Code printed so in the passport")
    );
}

#[test]
fn override_ticked_on_a_correct_code_needs_no_justification() {
    let form = IdentityForm {
        check_digit_override: true,
        ..identity_form()
    };
    let input = form.validate(today()).unwrap();
    assert!(!input.personal_code.check_digit_overridden());
    assert_eq!(input.override_justification, None);
}

#[test]
fn impossible_birth_date_is_refused_even_with_override() {
    let form = IdentityForm {
        personal_code: "310290-12345".into(),
        check_digit_override: true,
        override_justification: "a long enough reason".into(),
        ..identity_form()
    };
    assert_eq!(
        codes(&form.validate(today()).unwrap_err()),
        vec![("personal_code", "personal-code-bad-date")]
    );
}

#[test]
fn names_allow_letters_spaces_hyphens_and_apostrophes_only() {
    assert_eq!(person_name("Ēriks Ābeļkoks"), Ok("Ēriks Ābeļkoks".into()));
    assert_eq!(person_name("D'Artanjans"), Ok("D'Artanjans".into()));
    assert_eq!(person_name("Анна-Мария"), Ok("Анна-Мария".into()));
    assert_eq!(person_name("R2D2"), Err(FieldError::BadName));
    assert_eq!(person_name("Anna."), Err(FieldError::BadName));
    assert_eq!(person_name("- '"), Err(FieldError::BadName));
    assert_eq!(person_name(&"ā".repeat(100)), Ok("ā".repeat(100)));
    assert_eq!(
        person_name(&"ā".repeat(101)),
        Err(FieldError::TooLong { max: 100 })
    );
}

#[test]
fn identity_input_round_trips_as_json_and_hides_personal_data_in_debug() {
    let input = identity_form().validate(today()).unwrap();
    let json = serde_json::to_string(&input).unwrap();
    let back: IdentityInput = serde_json::from_str(&json).unwrap();
    assert_eq!(back, input);
    let debug = format!("{input:?}");
    for secret in ["Jānis", "Bērziņš", "1234567", "010190"] {
        assert!(!debug.contains(secret), "{secret} leaked into {debug}");
    }
}

// -- 22.¹2 employee eID

const MEANS: [&str; 3] = ["eid-card", "eparaksts-card", "eparaksts-mobile"];

fn eid(means: &str, used_at: &str) -> Result<EmployeeEidInput, FieldErrors> {
    EmployeeEidForm {
        means_code: means.into(),
        used_at: used_at.into(),
    }
    .validate(&MEANS, now())
}

#[test]
fn qualified_means_used_just_now_is_accepted() {
    let input = eid("eparaksts-mobile", "2025-03-10T14:30").unwrap();
    assert_eq!(input.means_code, "eparaksts-mobile");
    assert_eq!(input.used_at, now());
}

#[test]
fn internet_bank_is_not_a_qualified_means() {
    assert_eq!(
        codes(&eid("internet-bank", "2025-03-10T14:00").unwrap_err()),
        vec![("means_code", "not-in-list")]
    );
    assert_eq!(
        codes(&eid("", "").unwrap_err()),
        vec![("means_code", "required"), ("used_at", "required")]
    );
}

#[test]
fn eid_use_cannot_be_in_the_future_or_over_twelve_hours_ago() {
    assert_eq!(
        codes(&eid("eid-card", "2025-03-10T14:31").unwrap_err()),
        vec![("used_at", "date-in-future")]
    );
    assert!(eid("eid-card", "2025-03-10T02:30").is_ok());
    assert_eq!(
        eid("eid-card", "2025-03-10T02:29")
            .unwrap_err()
            .get("used_at"),
        Some(&FieldError::TooLongAgo { hours: 12 })
    );
}

// -- 22.¹3 authorisation

fn authorisation_form() -> AuthorisationForm {
    AuthorisationForm {
        notice_version: "3".into(),
        wants_result: true,
        channel: "phone".into(),
        contact: "+371 2000 0000".into(),
        signed: true,
        registration_number: " VPVKAC/2025/17 ".into(),
        copy_handed_over: true,
    }
}

fn authorise(form: &AuthorisationForm) -> Result<AuthorisationInput, FieldErrors> {
    form.validate(today(), 3, 5)
}

#[test]
fn authorisation_records_contact_and_keep_until_date() {
    let input = authorise(&authorisation_form()).unwrap();
    assert_eq!(input.notice_version, 3);
    assert!(input.wants_result());
    assert_eq!(
        input.result_contact,
        Some(ResultContact::Phone {
            number: "+37120000000".into()
        })
    );
    assert_eq!(input.registration_number, "VPVKAC/2025/17");
    assert_eq!(input.signed_on, today());
    assert_eq!(input.copy1_keep_until, day(2030, 12, 31));
}

#[test]
fn client_who_wants_no_result_needs_no_channel() {
    let form = AuthorisationForm {
        wants_result: false,
        channel: "nonsense".into(),
        contact: "x".into(),
        ..authorisation_form()
    };
    let input = authorise(&form).unwrap();
    assert!(!input.wants_result());
    assert_eq!(input.result_contact, None);
}

#[test]
fn channel_is_required_when_the_client_wants_the_result() {
    let form = AuthorisationForm {
        channel: String::new(),
        ..authorisation_form()
    };
    assert_eq!(
        codes(&authorise(&form).unwrap_err()),
        vec![("channel", "required")]
    );
    let form = AuthorisationForm {
        channel: "pigeon".into(),
        ..authorisation_form()
    };
    assert_eq!(
        codes(&authorise(&form).unwrap_err()),
        vec![("channel", "not-in-list")]
    );
}

#[test]
fn notice_shown_must_be_the_current_one() {
    for shown in ["2", "", "three"] {
        let form = AuthorisationForm {
            notice_version: shown.into(),
            ..authorisation_form()
        };
        assert_eq!(
            codes(&authorise(&form).unwrap_err()),
            vec![("notice_version", "notice-changed")]
        );
    }
}

#[test]
fn unsigned_authorisation_and_unhanded_copy_are_refused() {
    let form = AuthorisationForm {
        signed: false,
        registration_number: "  ".into(),
        copy_handed_over: false,
        ..authorisation_form()
    };
    assert_eq!(
        codes(&authorise(&form).unwrap_err()),
        vec![
            ("signed", "must-be-confirmed"),
            ("registration_number", "required"),
            ("copy_handed_over", "must-be-confirmed"),
        ]
    );
    let form = AuthorisationForm {
        registration_number: "x".repeat(51),
        ..authorisation_form()
    };
    assert_eq!(
        codes(&authorise(&form).unwrap_err()),
        vec![("registration_number", "too-long")]
    );
}

#[test]
fn phone_numbers() {
    for good in [
        "20000000",
        "6 123 4567",
        "+37120000000",
        "+44 20 7946 0958",
        "00371 2000 0000",
    ] {
        assert!(phone(good).is_ok(), "{good}");
    }
    assert_eq!(phone("2000 0000"), Ok("20000000".into()));
    assert_eq!(phone(""), Err(FieldError::Required));
    for bad in [
        "30000000",
        "2000000",
        "+1234567",
        "+1234567890123456",
        "2000-0000",
        "++37120000000",
        "tel 20000000",
    ] {
        assert_eq!(phone(bad), Err(FieldError::BadPhone), "{bad}");
    }
}

#[test]
fn email_addresses() {
    assert_eq!(email(" anna@example.lv "), Ok("anna@example.lv".into()));
    assert_eq!(email(""), Err(FieldError::Required));
    for bad in [
        "anna",
        "@example.lv",
        "anna@",
        "anna@example",
        "anna@@example.lv",
        "a@b@c.lv",
        "an na@example.lv",
        "anna@example..lv",
        "anna@.lv",
    ] {
        assert_eq!(email(bad), Err(FieldError::BadEmail), "{bad}");
    }
    let long = format!("{}@example.lv", "a".repeat(243));
    assert_eq!(long.len(), 254);
    assert!(email(&long).is_ok());
    assert_eq!(
        email(&format!("a{long}")),
        Err(FieldError::TooLong { max: 254 })
    );
}

#[test]
fn contact_is_checked_per_channel() {
    let with = |channel: &str, contact: &str| {
        authorise(&AuthorisationForm {
            channel: channel.into(),
            contact: contact.into(),
            ..authorisation_form()
        })
    };
    assert_eq!(
        with("email", "anna@example.lv").unwrap().result_contact,
        Some(ResultContact::Email {
            address: "anna@example.lv".into()
        })
    );
    assert_eq!(
        codes(&with("email", "20000000").unwrap_err()),
        vec![("contact", "bad-email")]
    );
    assert_eq!(
        codes(&with("phone", "anna@example.lv").unwrap_err()),
        vec![("contact", "bad-phone")]
    );
    assert_eq!(
        codes(&with("post", "Rīga").unwrap_err()),
        vec![("contact", "too-short")]
    );
    assert_eq!(
        codes(&with("post", &"x".repeat(301)).unwrap_err()),
        vec![("contact", "too-long")]
    );
    assert!(with("post", "Brīvības iela 1, Rīga, LV-1010").is_ok());
    let in_person = with("in-person", "typed before switching")
        .unwrap()
        .result_contact
        .unwrap();
    assert_eq!(in_person, ResultContact::InPerson);
    assert_eq!(in_person.detail(), None);
}

#[test]
fn contact_is_hidden_in_debug_and_tagged_in_json() {
    let contact = ResultContact::Email {
        address: "anna@example.lv".into(),
    };
    assert!(!format!("{contact:?}").contains("anna"));
    let json = serde_json::to_string(&contact).unwrap();
    assert_eq!(json, r#"{"channel":"email","address":"anna@example.lv"}"#);
    let input = authorise(&authorisation_form()).unwrap();
    let back: AuthorisationInput =
        serde_json::from_str(&serde_json::to_string(&input).unwrap()).unwrap();
    assert_eq!(back, input);
}

// -- 22.¹4 data processing

const CATEGORIES: [&str; 3] = ["name", "personal-code", "address"];

#[test]
fn data_categories_are_a_subset_in_catalogue_order() {
    let form = DataProcessingForm {
        categories: vec!["address".into(), " name ".into(), "name".into()],
        purpose_only: true,
    };
    let input = form.validate(&CATEGORIES).unwrap();
    assert_eq!(input.categories, vec!["name", "address"]);
}

#[test]
fn data_categories_must_be_chosen_from_the_service_and_purpose_confirmed() {
    let none = DataProcessingForm {
        categories: vec!["".into()],
        purpose_only: false,
    };
    assert_eq!(
        codes(&none.validate(&CATEGORIES).unwrap_err()),
        vec![
            ("categories", "required"),
            ("purpose_only", "must-be-confirmed")
        ]
    );
    let extra = DataProcessingForm {
        categories: vec!["name".into(), "health".into()],
        purpose_only: true,
    };
    assert_eq!(
        codes(&extra.validate(&CATEGORIES).unwrap_err()),
        vec![("categories", "not-in-list")]
    );
}

// -- 22.¹5 submission

#[test]
fn submission_time_defaults_to_now_and_cannot_be_in_the_future() {
    let form = SubmissionForm {
        reference: " REQ-1 ".into(),
        submitted_at: String::new(),
    };
    let input = form.validate(now(), opened(), None).unwrap();
    assert_eq!(input.reference, "REQ-1");
    assert_eq!(input.submitted_at, now());
    let earlier = SubmissionForm {
        submitted_at: "2025-03-10T14:00".into(),
        ..form.clone()
    };
    assert_eq!(
        earlier
            .validate(now(), opened(), None)
            .unwrap()
            .submitted_at,
        day(2025, 3, 10).and_hms_opt(14, 0, 0).unwrap()
    );
    let future = SubmissionForm {
        submitted_at: "2025-03-11T09:00".into(),
        ..form
    };
    assert_eq!(
        codes(&future.validate(now(), opened(), None).unwrap_err()),
        vec![("submitted_at", "date-in-future")]
    );
}

#[test]
fn submission_reference_is_required_and_at_most_one_hundred_characters() {
    let empty = SubmissionForm::default();
    assert_eq!(
        codes(&empty.validate(now(), opened(), None).unwrap_err()),
        vec![("reference", "required")]
    );
    let long = SubmissionForm {
        reference: "R".repeat(101),
        submitted_at: String::new(),
    };
    assert_eq!(
        codes(&long.validate(now(), opened(), None).unwrap_err()),
        vec![("reference", "too-long")]
    );
    let max = SubmissionForm {
        reference: "R".repeat(100),
        submitted_at: String::new(),
    };
    assert!(max.validate(now(), opened(), None).is_ok());
}

#[test]
fn submission_cannot_come_before_the_case_was_opened_or_the_employee_signed_in() {
    let form = |at: &str| SubmissionForm {
        reference: "REQ-1".into(),
        submitted_at: at.into(),
    };
    let sign_in = day(2025, 3, 10).and_hms_opt(13, 0, 0).unwrap();
    let signed_in = Some(sign_in);
    assert_eq!(
        codes(
            &form("2025-03-03T09:14")
                .validate(now(), opened(), None)
                .unwrap_err()
        ),
        vec![("submitted_at", "before-case-opened")]
    );
    // The minute the case was opened in counts: the form takes whole minutes.
    assert!(
        form("2025-03-03T09:15")
            .validate(now(), opened(), None)
            .is_ok()
    );
    assert_eq!(
        codes(
            &form("2025-03-10T12:59")
                .validate(now(), opened(), signed_in)
                .unwrap_err()
        ),
        vec![("submitted_at", "before-eid-sign-in")]
    );
    let input = form("2025-03-10T13:00")
        .validate(now(), opened(), signed_in)
        .unwrap();
    assert_eq!(input.submitted_at, sign_in);
}

#[test]
fn planned_time_and_result_cannot_be_told_before_the_case_was_opened() {
    let planned = PlannedTimeForm {
        planned_on: "2025-03-20".into(),
        told_via: "email".into(),
        told_at: "2025-03-02T16:00".into(),
        send: String::new(),
    };
    assert_eq!(
        codes(&planned.validate(now(), opened(), None).unwrap_err()),
        vec![("told_at", "before-case-opened")]
    );
    let result = ResultForm {
        outcome: "granted".into(),
        told_via: "phone".into(),
        told_at: "2025-03-03T09:00".into(),
        ..Default::default()
    };
    assert_eq!(
        codes(&result.validate(now(), opened(), None).unwrap_err()),
        vec![("told_at", "before-case-opened")]
    );
    let later = ResultForm {
        told_at: "2025-03-03T09:15".into(),
        ..result
    };
    assert!(later.validate(now(), opened(), None).is_ok());
}

// -- 22.¹6 planned time

#[test]
fn planned_time_today_or_later_told_now_or_earlier() {
    let form = PlannedTimeForm {
        planned_on: "10.03.2025".into(),
        told_via: "email".into(),
        told_at: String::new(),
        send: String::new(),
    };
    let input = form.validate(now(), opened(), None).unwrap();
    assert_eq!(input.planned_on, today());
    assert_eq!(input.told_via, ContactChannel::Email);
    assert_eq!(input.told_at, now());
    let bad = PlannedTimeForm {
        planned_on: "2025-03-09".into(),
        told_via: "telegram".into(),
        told_at: "2025-03-10T15:00".into(),
        send: String::new(),
    };
    assert_eq!(
        codes(&bad.validate(now(), opened(), None).unwrap_err()),
        vec![
            ("planned_on", "date-in-past"),
            ("told_via", "not-in-list"),
            ("told_at", "date-in-future")
        ]
    );
    assert_eq!(
        codes(
            &PlannedTimeForm::default()
                .validate(now(), opened(), None)
                .unwrap_err()
        ),
        vec![("planned_on", "required"), ("told_via", "required")]
    );
}

// -- 22.¹7 result

#[test]
fn result_other_needs_a_text() {
    let form = ResultForm {
        outcome: "other".into(),
        outcome_text: " ".into(),
        told_via: "in-person".into(),
        told_at: "2025-03-10T10:00".into(),
        send: String::new(),
    };
    assert_eq!(
        codes(&form.validate(now(), opened(), None).unwrap_err()),
        vec![("outcome_text", "required")]
    );
    let explained = ResultForm {
        outcome_text: "Sent back for a signature".into(),
        ..form.clone()
    };
    let input = explained.validate(now(), opened(), None).unwrap();
    assert_eq!(input.outcome, Outcome::Other);
    assert_eq!(
        input.outcome_text.as_deref(),
        Some("Sent back for a signature")
    );
    let long = ResultForm {
        outcome_text: "x".repeat(501),
        ..form
    };
    assert_eq!(
        codes(&long.validate(now(), opened(), None).unwrap_err()),
        vec![("outcome_text", "too-long")]
    );
}

#[test]
fn result_granted_or_refused_needs_no_text() {
    for outcome in ["granted", "refused"] {
        let form = ResultForm {
            outcome: outcome.into(),
            outcome_text: String::new(),
            told_via: "phone".into(),
            told_at: String::new(),
            send: String::new(),
        };
        let input = form.validate(now(), opened(), None).unwrap();
        assert_eq!(input.outcome.code(), outcome);
        assert_eq!(input.outcome_text, None);
    }
    let bad = ResultForm {
        outcome: "maybe".into(),
        told_via: "".into(),
        told_at: "2025-03-10T14:31".into(),
        ..Default::default()
    };
    assert_eq!(
        codes(&bad.validate(now(), opened(), None).unwrap_err()),
        vec![
            ("outcome", "not-in-list"),
            ("told_via", "required"),
            ("told_at", "date-in-future")
        ]
    );
}

#[test]
fn field_errors_display_lists_fields_and_codes() {
    let errors = SubmissionForm::default()
        .validate(now(), opened(), None)
        .unwrap_err();
    assert_eq!(errors.to_string(), "reference: required");
    assert_eq!(errors.len(), 1);
}

#[test]
fn a_stop_needs_a_reason_from_the_list_and_a_remark_for_other() {
    let form = |reason: &str, remark: &str| StopForm {
        reason: reason.into(),
        remark: remark.into(),
    };
    let errors = form("", "").validate().unwrap_err();
    assert_eq!(errors.to_string(), "reason: required");
    let errors = form("bored", "").validate().unwrap_err();
    assert_eq!(errors.to_string(), "reason: not-in-list");
    let errors = form("other", "  ").validate().unwrap_err();
    assert_eq!(errors.to_string(), "remark: required");
    let long = "x".repeat(STOP_REMARK_MAX_CHARS + 1);
    let errors = form("client-withdrew", &long).validate().unwrap_err();
    assert_eq!(errors.len(), 1);
    assert_eq!(
        form("client-withdrew", "").validate().unwrap(),
        StopInput {
            reason: StopReason::ClientWithdrew,
            remark: None
        }
    );
    assert_eq!(
        form(" other ", " phoned twice ").validate().unwrap(),
        StopInput {
            reason: StopReason::Other,
            remark: Some("phoned twice".into())
        }
    );
}

#[test]
fn a_22_1_2_recorded_before_confirmations_existed_reads_as_declared() {
    let old = serde_json::json!({ "means_code": "eid-card", "used_at": "2026-03-01T09:00:00" });
    let input: EmployeeEidInput = serde_json::from_value(old.clone()).unwrap();
    assert_eq!(input.confirmation, Confirmation::Declared);
    assert_eq!(confirmation_of(&old), Confirmation::Declared);
    let read = eid_data_for_reading(&old);
    assert_eq!(read["confirmation"], "declared");
}

#[test]
fn a_verified_22_1_2_reads_without_its_token_and_keys() {
    let at = chrono::NaiveDate::from_ymd_opt(2026, 3, 1)
        .unwrap()
        .and_hms_opt(9, 0, 0)
        .unwrap();
    let evidence = EidEvidence {
        issuer: "https://eid.example.lv".into(),
        client_id: "pilnvara".into(),
        acr: Some("high".into()),
        amr: vec!["eid-card".into()],
        authenticated_at: at.and_utc(),
        id_token: "header.payload.signature".into(),
        jwks: serde_json::json!({ "keys": [] }),
    };
    let input = EmployeeEidInput::verified("eid-card".into(), at, evidence);
    let stored = serde_json::to_value(&input).unwrap();
    assert_eq!(confirmation_of(&stored), Confirmation::Verified);
    let read = eid_data_for_reading(&stored);
    assert_eq!(read["confirmation"], "verified");
    assert_eq!(read["evidence"]["kept"], true);
    assert_eq!(read["evidence"]["acr"], "high");
    assert!(read["evidence"].get("id_token").is_none());
    assert!(read["evidence"].get("jwks").is_none());
    // Retention erases the token (it names the employee) and keeps how and with what keys.
    let erased = retention::erased_step_data("employee-eid", &stored);
    assert_eq!(erased["confirmation"], "verified");
    assert_eq!(
        erased["evidence"]["jwks"],
        serde_json::json!({ "keys": [] })
    );
    assert!(erased["evidence"].get("id_token").is_none());
}
