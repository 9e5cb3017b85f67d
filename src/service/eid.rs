//! 22.¹2 confirmed with a qualified eID: the provider's checked token (`oidc::check`) is matched
//! against the administrator's list of qualified means and the person the employee's account is
//! linked to, then recorded as the step, *verified*, with the token and the provider's keys as
//! its evidence (in the step's data, so committed in the case's chain). Every refusal is one
//! audit event with the reason's code; nothing else is written.

use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::PgConnection;

use crate::audit::{self, Action};
use crate::db::Source;
use crate::domain::ids::{CaseId, CentreId};
use crate::domain::now_in_riga;
use crate::domain::staff::person_key;
use crate::domain::steps::{EidEvidence, EmployeeEidInput};
use crate::keys::Keys;
use crate::oidc::{Proof, Refusal};
use crate::service::Staff;
use crate::service::cases::{self, CaseError, Recorded, StepInput};
use crate::store;

#[derive(Debug, thiserror::Error)]
pub enum EidError {
    /// Refused and audited; nothing recorded.
    #[error("the eID confirmation was refused: {}", .0.code())]
    Refused(Refusal),
    #[error(transparent)]
    Case(#[from] CaseError),
}

impl From<sqlx::Error> for EidError {
    fn from(error: sqlx::Error) -> Self {
        Self::Case(CaseError::Database(error))
    }
}

/// Records 22.¹2 of case `case` (shown at `version`) as `proof` proves it, if its means is a
/// qualified one and its person is the employee's; otherwise audits the refusal.
pub async fn confirm(
    connection: &mut PgConnection,
    keys: &Keys,
    at: DateTime<Utc>,
    actor: Staff<'_>,
    case: (CaseId, CentreId),
    version: i32,
    proof: Proof,
) -> Result<Recorded, EidError> {
    if let Err(refusal) = matches_employee(&mut *connection, keys, actor, &proof).await? {
        refused(&mut *connection, at, actor, Some(case), refusal).await?;
        return Err(EidError::Refused(refusal));
    }
    let Some(means) = store::cases::qualified_means_named(&mut *connection, &proof.means).await?
    else {
        refused(&mut *connection, at, actor, Some(case), Refusal::Means).await?;
        return Err(EidError::Refused(Refusal::Means));
    };
    let used_at = now_in_riga(proof.authenticated_at);
    let evidence = EidEvidence {
        issuer: proof.issuer,
        client_id: proof.client_id,
        acr: proof.acr,
        amr: proof.means,
        authenticated_at: proof.authenticated_at,
        id_token: proof.id_token,
        jwks: proof.jwks,
    };
    let input = StepInput::EmployeeEid(EmployeeEidInput::verified(means, used_at, evidence));
    match cases::record_step(&mut *connection, keys, at, actor, case.0, version, &input).await {
        // The case moved on while the employee was at the provider.
        Err(CaseError::Stale) => {
            refused(
                &mut *connection,
                at,
                actor,
                Some(case),
                Refusal::CaseChanged,
            )
            .await?;
            Err(EidError::Refused(Refusal::CaseChanged))
        }
        recorded => Ok(recorded?),
    }
}

/// Whether the person of `proof` is the one the employee's account is linked to.
async fn matches_employee(
    connection: &mut PgConnection,
    keys: &Keys,
    actor: Staff<'_>,
    proof: &Proof,
) -> Result<Result<(), Refusal>, sqlx::Error> {
    let Some(linked) = store::staff::eid_person_hmac(connection, actor.id).await? else {
        return Ok(Err(Refusal::NotLinked));
    };
    let person = person_key(&proof.person).map(|key| keys.person_hmac(&key));
    Ok(if person.as_deref() == Some(linked.as_slice()) {
        Ok(())
    } else {
        Err(Refusal::OtherPerson)
    })
}

/// Audits a refused confirmation: in the case's chain when the case is known, else in the
/// employee's centre chain (a callback that belongs to no request of this session).
pub async fn refused(
    db: impl Source<'_>,
    at: DateTime<Utc>,
    actor: Staff<'_>,
    case: Option<(CaseId, CentreId)>,
    refusal: Refusal,
) -> Result<(), sqlx::Error> {
    let place = match case {
        Some((case_id, centre_id)) => audit::in_case(case_id, centre_id),
        None => audit::at_centre(actor.centre_id),
    };
    let details = json!({ "step": "employee-eid", "reason": refusal.code() });
    let mut tx = db.begin().await?;
    audit::record(
        &mut tx,
        at,
        actor.event(place, Action::EidConfirmationRefused, details),
    )
    .await?;
    tx.commit().await
}
