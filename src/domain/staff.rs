//! Who works at the centres: roles, usernames, centre codes, the password rules and how
//! sign-in failures lock an account. Pure: the caller passes the time and the failure count.

use chrono::TimeDelta;

// The field limits: the checks below and the admin forms' `maxlength` both read these.
pub const USERNAME_MAX_CHARS: usize = 50;
pub const CENTRE_CODE_MAX_CHARS: usize = 20;
/// A person's or a centre's name.
pub const NAME_MAX_CHARS: usize = 200;
pub const MUNICIPALITY_MAX_CHARS: usize = 200;

/// What a staff member may do.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, sqlx::Type,
)]
#[sqlx(type_name = "staff_role", rename_all = "lowercase")]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Opens cases for clients at the desk and walks the 22.¹ duties.
    Employee,
    /// Reviews the finished cases of the centres they supervise.
    Supervisor,
    /// Manages centres, staff accounts and the catalogues.
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Employee, Role::Supervisor, Role::Admin];

    pub fn code(self) -> &'static str {
        match self {
            Role::Employee => "employee",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
        }
    }

    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.code() == code)
    }

    /// An account's roles as they are kept: each once, in the order of [`Role::ALL`] (so the
    /// first is the one whose pages a sign-in opens).
    pub fn kept(roles: &[Role]) -> Vec<Role> {
        Role::ALL
            .into_iter()
            .filter(|role| roles.contains(role))
            .collect()
    }

    /// Whether an account with `roles` may supervise centres: an employee alone does not.
    pub fn may_supervise(roles: &[Role]) -> bool {
        roles.iter().any(|role| *role != Role::Employee)
    }
}

/// The kinds of centre the regulation names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, sqlx::Type)]
#[sqlx(type_name = "centre_kind", rename_all = "lowercase")]
#[serde(rename_all = "lowercase")]
pub enum CentreKind {
    /// Of national significance.
    National,
    /// Of regional significance.
    Regional,
    /// Of local (novada) significance.
    Local,
}

impl CentreKind {
    pub const ALL: [CentreKind; 3] = [
        CentreKind::National,
        CentreKind::Regional,
        CentreKind::Local,
    ];

    pub fn code(self) -> &'static str {
        match self {
            CentreKind::National => "national",
            CentreKind::Regional => "regional",
            CentreKind::Local => "local",
        }
    }

    pub fn from_code(code: &str) -> Option<CentreKind> {
        CentreKind::ALL.into_iter().find(|kind| kind.code() == code)
    }
}

/// A sign-in name: 2–50 of `a–z 0–9 . _ -`, starting with a letter or digit, kept in lower
/// case so that names differing only by case are the same name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    pub fn parse(input: &str) -> Option<Username> {
        let name = input.trim().to_lowercase();
        let valid_length = (2..=USERNAME_MAX_CHARS).contains(&name.len());
        let valid_chars = name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
        let valid_start = name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric());
        (valid_length && valid_chars && valid_start).then_some(Username(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A centre's short code: 2–20 of `A–Z 0–9 -`, in upper case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CentreCode(String);

impl CentreCode {
    pub fn parse(input: &str) -> Option<CentreCode> {
        let code = input.trim().to_uppercase();
        let valid_length = (2..=CENTRE_CODE_MAX_CHARS).contains(&code.len());
        let valid_chars = code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-');
        let valid_start = code
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric());
        (valid_length && valid_chars && valid_start).then_some(CentreCode(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Why a new password is refused. No composition rules (OWASP ASVS 5.0, V6.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordProblem {
    TooShort,
    TooLong,
    TooCommon,
}

impl PasswordProblem {
    pub fn code(self) -> &'static str {
        match self {
            PasswordProblem::TooShort => "password-too-short",
            PasswordProblem::TooLong => "password-too-long",
            PasswordProblem::TooCommon => "password-too-common",
        }
    }
}

pub const PASSWORD_MIN_CHARS: usize = 12;
pub const PASSWORD_MAX_CHARS: usize = 128;

/// Checks a new password: 12 to 128 characters, and not one of the 10,000 most common
/// passwords (compared without regard to case).
pub fn check_new_password(password: &str) -> Result<(), PasswordProblem> {
    let length = password.chars().count();
    if length < PASSWORD_MIN_CHARS {
        return Err(PasswordProblem::TooShort);
    }
    if length > PASSWORD_MAX_CHARS {
        return Err(PasswordProblem::TooLong);
    }
    if common_passwords().contains(password.to_lowercase().as_str()) {
        return Err(PasswordProblem::TooCommon);
    }
    Ok(())
}

fn common_passwords() -> &'static std::collections::HashSet<String> {
    static LIST: std::sync::LazyLock<std::collections::HashSet<String>> =
        std::sync::LazyLock::new(|| {
            include_str!("../../static/common-passwords.txt")
                .lines()
                .map(|line| line.trim().to_lowercase())
                .filter(|line| !line.is_empty())
                .collect()
        });
    &LIST
}

/// How long a one-time password (from an administrator or the first start) may be used.
pub const ONE_TIME_PASSWORD_LIFETIME: TimeDelta = TimeDelta::hours(72);

/// Whether a one-time password issued at `issued_at` can no longer be used at `now`.
pub fn one_time_password_expired(
    issued_at: chrono::DateTime<chrono::Utc>,
    now: chrono::DateTime<chrono::Utc>,
) -> bool {
    now - issued_at > ONE_TIME_PASSWORD_LIFETIME
}

/// What failed sign-ins do to the next attempt under the same username.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lockout {
    /// The next attempt may come at once.
    None,
    /// The next attempt must wait this long.
    Wait(TimeDelta),
    /// Only an administrator can lift the lock.
    UntilUnlocked,
}

/// The failure count at which an account locks until an administrator unlocks it.
pub const HARD_LOCK_AFTER: u32 = 10;

/// The lock after `failures` consecutive failures: none for the first two (typing slips),
/// then 1 s, 3 s, 9 s, … growing threefold, and a lock only an administrator lifts at
/// [`HARD_LOCK_AFTER`].
pub fn lockout_after(failures: u32) -> Lockout {
    match failures {
        0..=2 => Lockout::None,
        n if n >= HARD_LOCK_AFTER => Lockout::UntilUnlocked,
        n => Lockout::Wait(TimeDelta::seconds(3_i64.pow(n - 3))),
    }
}

// ---------------------------------------------------------------------------------------------
// A centre's contact details

/// The longest part of a centre's contact details.
pub const CONTACT_MAX_CHARS: usize = 300;

/// How clients reach a centre, and its municipality's data protection officer: kept by
/// administrators, printed on the receipt and the data-use notice. Every part may be empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct CentreContact {
    /// Where the centre's documents are signed, e.g. "Ādaži" (the municipality's name when
    /// empty).
    pub place: String,
    pub address: String,
    pub phone: String,
    pub email: String,
    pub opening_hours: String,
    /// How to reach the municipality's data protection officer (the controller's, GDPR Art. 37).
    pub data_protection_officer: String,
}

/// A part of [`CentreContact`], named as its form field is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactPart {
    Place,
    Address,
    Phone,
    Email,
    OpeningHours,
    DataProtectionOfficer,
}

impl ContactPart {
    pub const ALL: [ContactPart; 6] = [
        ContactPart::Place,
        ContactPart::Address,
        ContactPart::Phone,
        ContactPart::Email,
        ContactPart::OpeningHours,
        ContactPart::DataProtectionOfficer,
    ];

    /// The form field's name.
    pub fn field(self) -> &'static str {
        match self {
            ContactPart::Place => "place",
            ContactPart::Address => "address",
            ContactPart::Phone => "phone",
            ContactPart::Email => "email",
            ContactPart::OpeningHours => "opening_hours",
            ContactPart::DataProtectionOfficer => "data_protection_officer",
        }
    }
}

impl CentreContact {
    pub fn part(&self, part: ContactPart) -> &str {
        match part {
            ContactPart::Place => &self.place,
            ContactPart::Address => &self.address,
            ContactPart::Phone => &self.phone,
            ContactPart::Email => &self.email,
            ContactPart::OpeningHours => &self.opening_hours,
            ContactPart::DataProtectionOfficer => &self.data_protection_officer,
        }
    }

    pub fn part_mut(&mut self, part: ContactPart) -> &mut String {
        match part {
            ContactPart::Place => &mut self.place,
            ContactPart::Address => &mut self.address,
            ContactPart::Phone => &mut self.phone,
            ContactPart::Email => &mut self.email,
            ContactPart::OpeningHours => &mut self.opening_hours,
            ContactPart::DataProtectionOfficer => &mut self.data_protection_officer,
        }
    }

    /// The details as they are kept: each part trimmed, the phone without spaces.
    pub fn trimmed(&self) -> Self {
        let mut kept = self.clone();
        for part in ContactPart::ALL {
            let text = kept.part_mut(part);
            *text = text.trim().to_owned();
        }
        kept.phone.retain(|c| !c.is_whitespace());
        kept
    }

    /// The parts that cannot be kept: too long, a control character, or a phone number or
    /// e-mail address that is not one.
    pub fn problems(&self) -> Vec<ContactPart> {
        ContactPart::ALL
            .into_iter()
            .filter(|&part| {
                let text = self.part(part).trim();
                let well_formed = text.is_empty()
                    || match part {
                        ContactPart::Phone => super::steps::phone(text).is_ok(),
                        ContactPart::Email => super::steps::email(text).is_ok(),
                        _ => true,
                    };
                !well_formed
                    || text.chars().count() > CONTACT_MAX_CHARS
                    || super::has_control_characters(text)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_keys_are_short_lowercase_letters_and_digits() {
        for key in ["riga", "entra2", "a", "x234567890123456789012345678901y"] {
            assert_eq!(ProviderKey::parse(key).unwrap().as_str(), key);
        }
        for key in [
            "",
            "2riga",
            "Riga",
            "ri_ga",
            "ri-ga",
            "rīga",
            &"a".repeat(33),
        ] {
            assert!(ProviderKey::parse(key).is_none(), "{key}");
        }
        assert_eq!(
            ProviderKey::parse(ProviderKey::DEFAULT),
            Some(ProviderKey::default_provider())
        );
    }

    #[test]
    fn a_personal_code_links_the_same_however_it_is_written_and_a_subject_as_given() {
        let digits = Some("32000000001".to_owned());
        for written in [
            "32000000001",
            "320000-00001",
            " PNOLV-32000000001 ",
            "PNOLV-320000-00001",
        ] {
            assert_eq!(person_key(written), digits, "{written}");
        }
        assert_eq!(
            person_key("f81d4fae-7dec"),
            Some("subject:f81d4fae-7dec".to_owned())
        );
        // A subject that happens to look like a code still cannot pass for another kind.
        assert_ne!(person_key("32000000001"), person_key("subject:32000000001"));
        assert_eq!(person_key("  "), None);
        assert_eq!(person_key(&"x".repeat(PERSON_MAX_CHARS + 1)), None);
    }

    #[test]
    fn usernames_are_case_insensitive_and_plain() {
        assert_eq!(
            Username::parse(" Anna.Berzina ").unwrap().as_str(),
            "anna.berzina"
        );
        assert!(Username::parse("a").is_none());
        assert!(Username::parse("-anna").is_none());
        assert!(Username::parse("anna bērziņa").is_none());
        assert!(Username::parse(&"a".repeat(51)).is_none());
    }

    #[test]
    fn centre_codes_are_upper_case() {
        assert_eq!(CentreCode::parse("rix-1").unwrap().as_str(), "RIX-1");
        assert!(CentreCode::parse("X").is_none());
        assert!(CentreCode::parse("RĪGA").is_none());
    }

    #[test]
    fn passwords_need_length_not_composition() {
        assert_eq!(check_new_password("short"), Err(PasswordProblem::TooShort));
        assert_eq!(
            check_new_password(&"x".repeat(129)),
            Err(PasswordProblem::TooLong)
        );
        assert_eq!(check_new_password("all lower case words here"), Ok(()));
        assert_eq!(check_new_password("ļoti garš latviešu teikums"), Ok(()));
    }

    #[test]
    fn common_passwords_are_refused_whatever_their_case() {
        assert_eq!(
            check_new_password("1qaz2wsx3edc"),
            Err(PasswordProblem::TooCommon)
        );
        assert_eq!(
            check_new_password("1QAZ2WSX3EDC"),
            Err(PasswordProblem::TooCommon)
        );
        assert_eq!(
            check_new_password("mailcreated5240"),
            Err(PasswordProblem::TooCommon)
        );
    }

    #[test]
    fn the_shipped_list_has_ten_thousand_passwords() {
        assert!(
            common_passwords().len() > 9_000,
            "{}",
            common_passwords().len()
        );
    }

    #[test]
    fn one_time_passwords_last_three_days() {
        let issued = chrono::Utc::now();
        assert!(!one_time_password_expired(
            issued,
            issued + TimeDelta::hours(72)
        ));
        assert!(one_time_password_expired(
            issued,
            issued + TimeDelta::hours(72) + TimeDelta::seconds(1)
        ));
    }

    #[test]
    fn locks_grow_with_failures_until_an_administrator_must_unlock() {
        assert_eq!(lockout_after(2), Lockout::None);
        assert_eq!(lockout_after(3), Lockout::Wait(TimeDelta::seconds(1)));
        assert_eq!(lockout_after(4), Lockout::Wait(TimeDelta::seconds(3)));
        assert_eq!(lockout_after(9), Lockout::Wait(TimeDelta::seconds(729)));
        assert_eq!(lockout_after(10), Lockout::UntilUnlocked);
        assert_eq!(lockout_after(50), Lockout::UntilUnlocked);
    }

    #[test]
    fn contact_details_are_checked_part_by_part() {
        let contact = CentreContact {
            place: "Ādaži".into(),
            phone: "6712 3456".into(),
            email: "centrs@adazi.lv".into(),
            ..CentreContact::default()
        };
        assert!(contact.problems().is_empty(), "{:?}", contact.problems());
        assert_eq!(contact.trimmed().phone, "67123456");
        let wrong = CentreContact {
            phone: "tālrunis".into(),
            email: "centrs@".into(),
            address: "Gaujas iela 33A\u{0}".into(),
            opening_hours: "x".repeat(CONTACT_MAX_CHARS + 1),
            ..CentreContact::default()
        };
        assert_eq!(
            wrong.problems(),
            [
                ContactPart::Address,
                ContactPart::Phone,
                ContactPart::Email,
                ContactPart::OpeningHours
            ]
        );
    }
}

/// What an account's link to a person is for: each provider names people its own way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PersonLink {
    /// The qualified eID provider that confirms 22.¹2.
    Eid,
    /// Signing in through the identity provider with this key. A subject is unique only
    /// within its issuer, so each provider has its own links.
    SignIn(ProviderKey),
}

impl PersonLink {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Eid => "eid",
            Self::SignIn(_) => "sign-in",
        }
    }
}

/// A staff sign-in provider's key: 1–32 lowercase ASCII letters and digits, beginning with a
/// letter. It names the provider's settings (`PILNVARA_OIDC_<KEY>_…`), its button and its
/// account links.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderKey(String);

impl ProviderKey {
    /// The key of the provider set by `PILNVARA_OIDC_ISSUER`.
    pub const DEFAULT: &str = "default";

    pub fn parse(key: &str) -> Option<Self> {
        let valid = key.len() <= 32
            && key.starts_with(|c: char| c.is_ascii_lowercase())
            && key
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
        valid.then(|| Self(key.to_owned()))
    }

    /// The provider set by `PILNVARA_OIDC_ISSUER`.
    pub fn default_provider() -> Self {
        Self(Self::DEFAULT.to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for ProviderKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The longest person identifier (a provider's subject) an administrator may link.
pub const PERSON_MAX_CHARS: usize = 255;

/// The one spelling of a person identifier that is hashed to link an account to a person: a
/// Latvian personal code (also as ETSI's `PNOLV-…`, with or without its hyphen) becomes its
/// 11 digits, so the code typed by an administrator and the one a provider sends match; any
/// other value is a provider's subject, kept as given. `None` for an empty or too long value.
pub fn person_key(value: &str) -> Option<String> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > PERSON_MAX_CHARS {
        return None;
    }
    let code = value.strip_prefix("PNOLV-").unwrap_or(value);
    Some(
        match super::personal_code::PersonalCode::parse(code, true) {
            Ok(code) => code.digits().to_owned(),
            Err(_) => format!("subject:{value}"),
        },
    )
}
