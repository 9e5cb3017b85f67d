//! Rules of the printed documents: when the authorisation and the receipt may be printed, the
//! authorisation's number, and its verification code. No I/O.
//!
//! The verification code is the first 50 bits of SHA-256 over the document's canonical content
//! (a domain-separation prefix, then the content as JSON in a fixed field order), written as 10
//! characters of RFC 4648 base32. Anyone holding the paper and the record can recompute it; it
//! is not a secret and not a signature, but a check that the paper and the record say the same.
//! A key-less hash was chosen so that the code stays checkable after a key rotation and by an
//! archivist with the record alone.

use sha2::{Digest, Sha256};

use super::workflow::Step;

/// Characters in a verification code.
pub const CODE_LENGTH: usize = 10;
const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const CODE_DOMAIN: &[u8] = b"pilnvara/authorisation/v1\n";

/// Why a document cannot be printed yet (or any more).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NotPrintable {
    #[error("22.1.1 (identity) is not recorded")]
    IdentityNotRecorded,
    #[error("22.1.2 (employee eID) is not recorded")]
    EmployeeEidNotRecorded,
    #[error("the case was stopped before the authorisation was printed")]
    CaseStopped,
    #[error("22.1.5 (submission) is not recorded")]
    NotSubmitted,
    #[error("the case's personal data have been erased")]
    Erased,
}

impl NotPrintable {
    pub fn code(&self) -> &'static str {
        match self {
            Self::IdentityNotRecorded => "identity-not-recorded",
            Self::EmployeeEidNotRecorded => "employee-eid-not-recorded",
            Self::CaseStopped => "case-stopped",
            Self::NotSubmitted => "not-submitted",
            Self::Erased => "erased",
        }
    }
}

/// The authorisation may be printed for the first time once 22.¹1 and 22.¹2 are recorded, unless
/// the case was stopped. `recorded` are the steps recorded by an employee.
pub fn may_print_first(recorded: &[Step], stopped: bool) -> Result<(), NotPrintable> {
    if !recorded.contains(&Step::Identity) {
        Err(NotPrintable::IdentityNotRecorded)
    } else if !recorded.contains(&Step::EmployeeEid) {
        Err(NotPrintable::EmployeeEidNotRecorded)
    } else if stopped {
        Err(NotPrintable::CaseStopped)
    } else {
        Ok(())
    }
}

/// The client's receipt exists only after 22.¹5.
pub fn may_issue_receipt(recorded: &[Step]) -> Result<(), NotPrintable> {
    if recorded.contains(&Step::Submission) {
        Ok(())
    } else {
        Err(NotPrintable::NotSubmitted)
    }
}

/// `CODE-YYYY-NNNNNN`: the centre's code, the year of the first print, the sequence in that
/// centre and year (six digits, more once past 999,999).
pub fn document_number(centre_code: &str, year: i32, sequence: i32) -> String {
    format!("{centre_code}-{year:04}-{sequence:06}")
}

/// A typed document number as stored: trimmed, upper case.
pub fn normalise_number(input: &str) -> String {
    input.trim().to_uppercase()
}

/// Whether `number` (normalised) has the shape of a document number, `CODE-YYYY-NNNNNN` with the
/// centre code as the database allows it. What does not could be anything a user typed into
/// the field (a name, a personal code), so only a well-formed number may be kept in the trail.
pub fn is_document_number(number: &str) -> bool {
    let mut parts = number.rsplitn(3, '-');
    let (Some(sequence), Some(year), Some(centre)) = (parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let digits = |text: &str| text.bytes().all(|b| b.is_ascii_digit());
    let centre_ok = centre.len() >= 2
        && centre.len() <= 20
        && centre
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        && centre
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-');
    centre_ok
        && year.len() == 4
        && digits(year)
        && (6..=10).contains(&sequence.len())
        && digits(sequence)
}

/// The verification code of `canonical_content` (see the module documentation).
pub fn verification_code(canonical_content: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(CODE_DOMAIN);
    hasher.update(canonical_content);
    let digest = hasher.finalize();
    // 10 characters × 5 bits = the first 50 bits of the digest.
    let bits = digest[..7]
        .iter()
        .fold(0u64, |acc, byte| (acc << 8) | u64::from(*byte));
    (0..CODE_LENGTH)
        .map(|i| {
            let shift = 56 - 5 * (i + 1);
            char::from(BASE32[((bits >> shift) & 0x1f) as usize])
        })
        .collect()
}

/// The code as printed: two groups of five, easier to read aloud and to type.
pub fn printed_code(code: &str) -> String {
    match (code.get(..5), code.get(5..)) {
        (Some(first), Some(rest)) if !rest.is_empty() => format!("{first}-{rest}"),
        _ => code.to_owned(),
    }
}

/// A typed code as stored: spaces and hyphens dropped, upper case, and the digits that base32
/// does not use read as the letters they are mistaken for (0→O, 1→I, 8→B).
pub fn normalise_code(input: &str) -> String {
    input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| match c.to_ascii_uppercase() {
            '0' => 'O',
            '1' => 'I',
            '8' => 'B',
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorisation_needs_identity_and_employee_eid() {
        assert_eq!(
            may_print_first(&[], false),
            Err(NotPrintable::IdentityNotRecorded)
        );
        assert_eq!(
            may_print_first(&[Step::Identity], false),
            Err(NotPrintable::EmployeeEidNotRecorded)
        );
        assert_eq!(
            may_print_first(&[Step::Identity, Step::EmployeeEid], false),
            Ok(())
        );
        assert_eq!(
            may_print_first(&[Step::Identity, Step::EmployeeEid], true),
            Err(NotPrintable::CaseStopped)
        );
    }

    #[test]
    fn receipt_needs_submission() {
        let before = [Step::Identity, Step::EmployeeEid, Step::Authorisation];
        assert_eq!(may_issue_receipt(&before), Err(NotPrintable::NotSubmitted));
        assert_eq!(
            may_issue_receipt(&[Step::Identity, Step::Submission]),
            Ok(())
        );
    }

    #[test]
    fn document_numbers_have_six_digits_at_least() {
        assert_eq!(document_number("DEMO", 2026, 123), "DEMO-2026-000123");
        assert_eq!(document_number("RIGA-1", 2027, 1), "RIGA-1-2027-000001");
        assert_eq!(document_number("X1", 2026, 1_234_567), "X1-2026-1234567");
        assert_eq!(normalise_number(" demo-2026-000123 "), "DEMO-2026-000123");
    }

    #[test]
    fn verification_code_is_ten_base32_characters_of_the_content() {
        let code = verification_code(b"{\"a\":1}");
        assert_eq!(code.len(), CODE_LENGTH);
        assert!(code.bytes().all(|b| BASE32.contains(&b)));
        assert_eq!(
            code,
            verification_code(b"{\"a\":1}"),
            "same content, same code"
        );
        assert_ne!(
            code,
            verification_code(b"{\"a\":2}"),
            "other content, other code"
        );
    }

    #[test]
    fn verification_code_matches_a_hand_computed_digest() {
        // SHA-256("pilnvara/authorisation/v1\n") starts with these bytes; the code is their
        // first 50 bits in base32.
        let digest = Sha256::digest(CODE_DOMAIN);
        let mut bits = String::new();
        for byte in &digest[..7] {
            bits.push_str(&format!("{byte:08b}"));
        }
        let expected: String = bits.as_bytes()[..50]
            .chunks(5)
            .map(|chunk| {
                let index = usize::from_str_radix(std::str::from_utf8(chunk).unwrap(), 2).unwrap();
                char::from(BASE32[index])
            })
            .collect();
        assert_eq!(verification_code(b""), expected);
    }

    #[test]
    fn typed_codes_are_forgiving_about_case_spaces_and_lookalike_digits() {
        assert_eq!(normalise_code(" abcde-fgh2j "), "ABCDEFGH2J");
        assert_eq!(normalise_code("0I1 8"), "OIIB");
        assert_eq!(printed_code("ABCDEFGH2J"), "ABCDE-FGH2J");
        assert_eq!(normalise_code(&printed_code("ABCDEFGH2J")), "ABCDEFGH2J");
    }

    #[test]
    fn only_the_shape_of_a_document_number_is_a_document_number() {
        for good in ["DEMO-2026-000123", "RIX-2-2026-1234567", "AB-2000-000001"] {
            assert!(is_document_number(good), "{good}");
        }
        for bad in [
            "",
            "32345678901",
            "323456-78901",
            "ANNA BĒRZIŅA",
            "DEMO-26-000123",
            "DEMO-2026-123",
            "D-2026-000123",
            "-DEMO-2026-000123",
            "DEMO-2026-00012A",
            "demo-2026-000123",
        ] {
            assert!(!is_document_number(bad), "{bad}");
        }
    }
}
