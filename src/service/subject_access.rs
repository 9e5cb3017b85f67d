//! Subject access (GDPR Art. 15): everything held about one person in the administrator's
//! centres, found by the keyed hash of their personal code; the search is audited in the
//! administrator's centre chain and the disclosure in each case's chain, before any result is
//! shown.

use chrono::{DateTime, Utc};
use serde_json::json;

use crate::audit;
use crate::audit::Action;
use crate::db::Source;
use crate::domain::ids::CaseId;
use crate::service::Staff;
use crate::store::cases::{StepRow, steps_of};
use crate::store::subject_access::{self as store, AccessEvent, HeldCase, HeldReview};

/// Everything held about one person.
pub struct Found {
    pub cases: Vec<HeldCase>,
    pub steps: Vec<StepRow>,
    pub access: Vec<AccessEvent>,
    pub reviews: Vec<HeldReview>,
    /// The messages sent to the client (22.¹6, 22.¹7): address, text and status.
    pub messages: Vec<crate::store::messages::MessageRow>,
}

/// The cases of the member's centres held under `hmac`, for output `output` (`page` or `json`).
pub async fn find(
    db: impl Source<'_>,
    at: DateTime<Utc>,
    me: Staff<'_>,
    hmac: &[u8],
    output: &str,
) -> Result<Found, sqlx::Error> {
    let mut tx = db.begin().await?;
    let cases = store::cases(&mut tx, hmac, me.centres).await?;
    let ids: Vec<CaseId> = cases.iter().map(|case| case.id).collect();
    let steps = steps_of(&mut tx, &ids).await?;
    let access = store::access_events(&mut tx, &ids).await?;
    let reviews = store::reviews(&mut tx, &ids).await?;
    let messages = crate::store::messages::of_cases(&mut tx, &ids).await?;
    let details = json!({
        "cases_found": cases.len(),
        "case_ids": ids,
        "personal_code_hmac": hex::encode(hmac),
        "output": output,
    });
    audit::record(
        &mut tx,
        at,
        me.own_event(Action::SubjectAccessSearched, details),
    )
    .await?;
    // The disclosure is a use of each case's data too: it goes into each case's own chain.
    for case in &cases {
        let place = audit::in_case(case.id, case.centre_id);
        let event = me.event(
            place,
            Action::SubjectAccessDisclosed,
            json!({ "output": output }),
        );
        audit::record(&mut tx, at, event).await?;
    }
    tx.commit().await?;
    Ok(Found {
        cases,
        steps,
        access,
        reviews,
        messages,
    })
}
