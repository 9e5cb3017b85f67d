//! Who acts, for every service: the operator at the command line, or a signed-in staff member
//! with their session and the centres they reach. Services check scope against it inside their
//! own transaction, and name it in the audit events they write through [`Actor::event`].

use serde_json::Value;

use crate::audit::{self, Action, Event, Place};
use crate::domain::ids::{CaseId, CentreId, StaffId};

#[derive(Debug, Clone, Copy)]
pub enum Actor<'a> {
    /// The operator at the server's command line: no account, no session, every centre.
    Operator,
    /// A signed-in staff member.
    Staff(Staff<'a>),
}

/// A signed-in staff member as the services see them. The desk's services (cases, documents,
/// review, subject access) take this alone: only a person at a desk handles a case.
#[derive(Debug, Clone, Copy)]
pub struct Staff<'a> {
    pub id: StaffId,
    /// The home centre: the chain of the member's own events (sign-out, language, searches).
    pub centre_id: CentreId,
    /// A random tag of the session acted from (never the session id itself).
    pub session_tag: &'a str,
    /// The home centre and every supervised centre: the member's whole scope.
    pub centres: &'a [CentreId],
}

impl<'a> Actor<'a> {
    pub fn staff_id(&self) -> Option<StaffId> {
        match self {
            Actor::Operator => None,
            Actor::Staff(staff) => Some(staff.id),
        }
    }

    pub fn session_tag(&self) -> Option<&'a str> {
        match self {
            Actor::Operator => None,
            Actor::Staff(staff) => Some(staff.session_tag),
        }
    }

    /// Whether the actor may act on centre `centre_id` (and its accounts and cases).
    pub fn reaches(&self, centre_id: CentreId) -> bool {
        match self {
            Actor::Operator => true,
            Actor::Staff(staff) => staff.centres.contains(&centre_id),
        }
    }

    /// An event done by the actor at `place` (a chain and the centre it belongs to).
    pub fn event<'e>(self, (chain, centre_id): Place, action: Action, details: Value) -> Event<'e>
    where
        'a: 'e,
    {
        Event {
            chain,
            centre_id,
            actor_id: self.staff_id(),
            session_tag: self.session_tag(),
            action,
            details,
        }
    }
}

impl<'a> Staff<'a> {
    pub fn actor(self) -> Actor<'a> {
        Actor::Staff(self)
    }

    /// An event done by the member at `place` (a chain and the centre it belongs to).
    pub fn event<'e>(self, place: Place, action: Action, details: Value) -> Event<'e>
    where
        'a: 'e,
    {
        self.actor().event(place, action, details)
    }

    /// The member's view of case `case_id`'s personal data on `page`.
    pub fn view<'e>(self, case_id: CaseId, centre_id: CentreId, page: &'e str) -> audit::View<'e>
    where
        'a: 'e,
    {
        audit::View {
            centre_id,
            case_id,
            actor_id: self.id,
            session_tag: Some(self.session_tag),
            page,
        }
    }

    /// An event of the member's own in their home centre's chain.
    pub fn own_event<'e>(self, action: Action, details: Value) -> Event<'e>
    where
        'a: 'e,
    {
        self.event(audit::at_centre(self.centre_id), action, details)
    }
}
