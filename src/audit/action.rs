//! What an audit event records: one code per kind of event, written into `audit_events.action`
//! and never changed once in use (a chain written years ago must still read the same).

/// Declares [`Action`] with its stable codes from one list, so that a code and its variant
/// cannot drift apart.
macro_rules! actions {
    ($($(#[doc = $doc:literal])* $variant:ident = $code:literal,)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Action {
            $($(#[doc = $doc])* $variant,)*
        }

        impl Action {
            pub const ALL: &[Action] = &[$(Action::$variant,)*];

            /// The stable kebab-case code stored in the trail.
            pub fn code(self) -> &'static str {
                match self {
                    $(Action::$variant => $code,)*
                }
            }
        }
    };
}

actions! {
    // A case and its duties (the case's chain).
    CaseOpened = "case-opened",
    StepRecorded = "step-recorded",
    /// A duty the product marked not applicable.
    StepNotApplicable = "step-not-applicable",
    CaseClosed = "case-closed",
    CaseStopped = "case-stopped",
    NoticeShown = "notice-shown",
    /// A qualified eID confirmation of 22.¹2 was refused (the reason's code); nothing recorded.
    EidConfirmationRefused = "eid-confirmation-refused",
    AuthorisationPrinted = "authorisation-printed",
    /// A reprint gave other bytes than the first print; refused.
    AuthorisationReprintMismatch = "authorisation-reprint-mismatch",
    ReceiptPrinted = "receipt-printed",
    AuthorisationVerified = "authorisation-verified",
    CaseReviewed = "case-reviewed",
    PersonalDataErased = "personal-data-erased",
    SubjectAccessDisclosed = "subject-access-disclosed",
    EvidenceCheckFailed = "evidence-check-failed",
    /// A message to the client put in the outbox at 22.¹6 or 22.¹7 (ids and codes only).
    MessageQueued = "message-queued",
    /// The relay or SMS provider accepted the message: the client counts as informed.
    MessageSent = "message-sent",
    /// A delivery report said the message reached the client.
    MessageDelivered = "message-delivered",
    /// The message could not be sent or delivered (with the reason's code).
    MessageFailed = "message-failed",
    /// After a failed message, the employee told the client another way.
    ClientToldInstead = "client-told-instead",
    // Views of personal data (the centre's access chain).
    PersonalDataViewed = "personal-data-viewed",
    // Staff and their sessions (the centre's chain; the system's for an unknown account).
    SignedIn = "signed-in",
    SignInFailed = "sign-in-failed",
    SignInLocked = "sign-in-locked",
    SignedOut = "signed-out",
    AccessRefused = "access-refused",
    LanguageChanged = "language-changed",
    PasswordChanged = "password-changed",
    PasswordReset = "password-reset",
    SubjectAccessSearched = "subject-access-searched",
    SpotCheckDrawn = "spot-check-drawn",
    // Administration.
    CentreAdded = "centre-added",
    CentreChanged = "centre-changed",
    StaffAdded = "staff-added",
    StaffChanged = "staff-changed",
    StaffEnabled = "staff-enabled",
    StaffDisabled = "staff-disabled",
    StaffUnlocked = "staff-unlocked",
    /// An account was linked to a person (or unlinked) for the qualified eID or for sign-in
    /// through an identity provider; the details say which, never the person.
    StaffPersonLinked = "staff-person-linked",
    StaffSessionsEnded = "staff-sessions-ended",
    EserviceAdded = "eservice-added",
    EserviceChanged = "eservice-changed",
    EidMeansAdded = "eid-means-added",
    EidMeansChanged = "eid-means-changed",
    NoticeVersionAdded = "notice-version-added",
    NoticeVersionChanged = "notice-version-changed",
    /// A new version of a message text to the client (22.¹6, 22.¹7).
    MessageTemplateSaved = "message-template-saved",
    // The trail itself.
    /// A head a crash left behind, moved on to its last event.
    ChainHeadMended = "chain-head-mended",
}

impl Action {
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|action| action.code() == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_kebab_case_and_names_one_action() {
        for action in Action::ALL {
            let code = action.code();
            assert!(
                code.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{code}"
            );
            assert_eq!(Action::from_code(code), Some(*action));
        }
        let mut codes: Vec<_> = Action::ALL.iter().map(|a| a.code()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), Action::ALL.len(), "no code twice");
        assert_eq!(Action::from_code("nonsense"), None);
    }
}
