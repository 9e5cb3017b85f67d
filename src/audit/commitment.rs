//! Commitments to the stored data: every event that records or changes a case's data carries a
//! SHA-256 commitment to exactly what was stored, so that `audit verify` can recompute it from
//! the tables years later and name any row that differs.
//!
//! A case's record is split into [`Part`]s: the case as opened, the groups of case columns each
//! duty fills in, each step row, the authorisation document, each print and each review. A part
//! has a public component (no personal data: codes, ids, times, hashes) and, while the case
//! still holds them, a personal one. The personal component is committed with the case's
//! random salt (`case_salts`), so that a commitment to a personal code cannot be found by trying
//! every code. Retention deletes the salt with the data and commits that each personal
//! component is now empty; the public components keep their commitments for ever.
//!
//! The event's details hold `"commits": {"step:identity": {"public": HEX, "personal": HEX}}`;
//! the latest commitment of each component is the one that counts ([`fold`]). The same
//! [`load`] serves the writer (inside its transaction, after the write) and the checker.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use rand::RngCore;
use serde_json::{Map, Value, json};
use sqlx::PgConnection;

use super::Action;
use super::length_prefixed;
use crate::domain::retention::erased_step_data;
use crate::domain::workflow::Step;

/// The key of an event's details that holds its commitments.
pub const COMMITS: &str = "commits";

/// One committed piece of a case's record.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Part {
    /// The case as opened: centre, e-service, who opened it and when, the ground.
    Case,
    /// The client's names and personal code (22.¹1).
    Client,
    /// Whether and how the client is told the result (22.¹3).
    Contact,
    /// The keep-until date of the case's personal data.
    Retention,
    /// When the e-service was applied for, and the portal's reference (22.¹5).
    Submission,
    /// Why and when the case was stopped, and the employee's remark.
    Stop,
    /// When the case was closed.
    Closed,
    /// When the case's personal data were erased.
    Erased,
    /// A step row, by its duty's slug.
    Step(String),
    /// The authorisation document: number, code, frozen content and the PDF's hash.
    Document,
    /// A print of the authorisation, by its row id.
    Print(i64),
    /// A supervisor's review, by its row id.
    Review(i64),
    /// A message to the client (22.¹6, 22.¹7) as it was queued, by its outbox row id: what it
    /// is (public) and the address, subject and text (personal). Its status is not committed
    /// here; each change of it is an event of its own.
    Message(i64),
}

impl Part {
    pub fn step(step: Step) -> Self {
        Self::Step(step.slug().to_owned())
    }

    /// The part a commitment's name stands for.
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name.split_once(':') {
            Some(("step", slug)) => Self::Step(slug.to_owned()),
            Some(("print", id)) => Self::Print(id.parse().ok()?),
            Some(("review", id)) => Self::Review(id.parse().ok()?),
            Some(("message", id)) => Self::Message(id.parse().ok()?),
            Some(_) => return None,
            None => match name {
                "case" => Self::Case,
                "client" => Self::Client,
                "contact" => Self::Contact,
                "retention" => Self::Retention,
                "submission" => Self::Submission,
                "stop" => Self::Stop,
                "closed" => Self::Closed,
                "erased" => Self::Erased,
                "document" => Self::Document,
                _ => return None,
            },
        })
    }

    /// The table the part is kept in.
    pub fn table(&self) -> &'static str {
        match self {
            Self::Step(_) => "case_steps",
            Self::Document => "authorisation_documents",
            Self::Print(_) => "authorisation_prints",
            Self::Review(_) => "case_reviews",
            Self::Message(_) => "client_messages",
            _ => "cases",
        }
    }

    /// The name the commitment is kept under.
    pub fn name(&self) -> String {
        match self {
            Self::Case => "case".into(),
            Self::Client => "client".into(),
            Self::Contact => "contact".into(),
            Self::Retention => "retention".into(),
            Self::Submission => "submission".into(),
            Self::Stop => "stop".into(),
            Self::Closed => "closed".into(),
            Self::Erased => "erased".into(),
            Self::Step(slug) => format!("step:{slug}"),
            Self::Document => "document".into(),
            Self::Print(id) => format!("print:{id}"),
            Self::Review(id) => format!("review:{id}"),
            Self::Message(id) => format!("message:{id}"),
        }
    }
}

/// Which component of a part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Component {
    Public,
    Personal,
}

impl fmt::Display for Component {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Public => "its non-personal fields",
            Self::Personal => "its personal data",
        })
    }
}

/// A part as it is stored now.
#[derive(Debug, Clone)]
pub struct Stored {
    pub part: Part,
    /// Where it is kept: the table and the row's id.
    pub table: &'static str,
    pub row: i64,
    pub public: Value,
    /// `None` once there are no personal data in it (never recorded, or erased).
    pub personal: Option<Value>,
}

impl Stored {
    fn is_empty(&self) -> bool {
        self.personal.is_none()
            && self
                .public
                .as_object()
                .is_some_and(|fields| fields.values().all(Value::is_null))
    }
}

/// Everything committed about one case, as stored now.
#[derive(Debug, Clone)]
pub struct CaseRecord {
    pub case_id: i64,
    pub salt: Option<Vec<u8>>,
    pub parts: Vec<Stored>,
}

impl CaseRecord {
    fn get(&self, part: &Part) -> Option<&Stored> {
        self.parts.iter().find(|stored| &stored.part == part)
    }

    /// The commitments of `parts` as the record holds them now (`null` for a part it lacks).
    pub fn commits(&self, parts: &[Part]) -> Value {
        let salt = self.salt.as_deref().unwrap_or_default();
        let mut commits = Map::new();
        for part in parts {
            let entry = match self.get(part) {
                Some(stored) => json!({
                    "public": hex::encode(digest(part, b"", &stored.public)),
                    "personal": stored
                        .personal
                        .as_ref()
                        .map(|value| hex::encode(digest(part, salt, value))),
                }),
                None => Value::Null,
            };
            commits.insert(part.name(), entry);
        }
        Value::Object(commits)
    }

    /// How many rows of each kind the record holds.
    pub fn counts(&self) -> RecordCounts {
        let mut counts = RecordCounts::default();
        for stored in &self.parts {
            match stored.part {
                Part::Step(_) => counts.steps += 1,
                Part::Document => counts.documents += 1,
                Part::Print(_) => counts.prints += 1,
                Part::Review(_) => counts.reviews += 1,
                _ => {}
            }
        }
        counts
    }
}

/// Rows of a case's record, by kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RecordCounts {
    pub steps: u64,
    pub documents: u64,
    pub prints: u64,
    pub reviews: u64,
}

impl std::ops::AddAssign for RecordCounts {
    fn add_assign(&mut self, other: Self) {
        self.steps += other.steps;
        self.documents += other.documents;
        self.prints += other.prints;
        self.reviews += other.reviews;
    }
}

/// SHA-256 of a component: the part's name, the salt (empty for the public component) and the
/// value as JSON with sorted keys, each length-prefixed.
pub fn digest(part: &Part, salt: &[u8], value: &Value) -> [u8; 32] {
    length_prefixed(&[
        b"pilnvara-commitment-v1",
        part.name().as_bytes(),
        salt,
        value.to_string().as_bytes(),
    ])
}

fn micros(at: Option<DateTime<Utc>>) -> Value {
    at.map_or(Value::Null, |at| json!(at.timestamp_micros()))
}

fn day(date: Option<NaiveDate>) -> Value {
    date.map_or(Value::Null, |date| json!(date.to_string()))
}

/// The personal component of some optional values: `None` when every one is empty.
fn personal(fields: Value) -> Option<Value> {
    let empty = |value: &Value| value.is_null() || value.as_str() == Some("");
    fields
        .as_object()
        .is_some_and(|map| !map.values().all(empty))
        .then_some(fields)
}

/// Which tables besides `cases` a record is read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Tables {
    steps: bool,
    documents: bool,
    prints: bool,
    reviews: bool,
    messages: bool,
}

impl Tables {
    const ALL: Self = Self {
        steps: true,
        documents: true,
        prints: true,
        reviews: true,
        messages: true,
    };

    /// Only the tables that hold `parts` (the case row is always read).
    fn holding(parts: &[Part]) -> Self {
        let any = |wanted: fn(&Part) -> bool| parts.iter().any(wanted);
        Self {
            steps: any(|part| matches!(part, Part::Step(_))),
            documents: any(|part| *part == Part::Document),
            prints: any(|part| matches!(part, Part::Print(_))),
            reviews: any(|part| matches!(part, Part::Review(_))),
            messages: any(|part| matches!(part, Part::Message(_))),
        }
    }
}

/// The records of cases `case_ids` as they are stored now, in id order (an id with no case
/// is left out).
pub async fn load(
    connection: &mut PgConnection,
    case_ids: &[i64],
) -> Result<Vec<CaseRecord>, sqlx::Error> {
    load_from(connection, case_ids, Tables::ALL).await
}

/// As [`load`], reading only `tables` besides the case row: the parts of the others are missing.
async fn load_from(
    connection: &mut PgConnection,
    case_ids: &[i64],
    tables: Tables,
) -> Result<Vec<CaseRecord>, sqlx::Error> {
    let cases = sqlx::query!(
        r#"SELECT c.id, c.centre_id, c.eservice_id, c.opened_by,
                  c.opened_at AS "opened_at: DateTime<Utc>", c.gives_planned_time, c.gives_result,
                  c.missing_eid_means, c.client_given_names, c.client_surnames, c.client_name_key,
                  c.client_personal_code, c.personal_code_hmac, c.client_wants_result,
                  c.notify_channel, c.notify_contact, c.retention_until AS "retention_until: NaiveDate",
                  c.submitted_at AS "submitted_at: DateTime<Utc>", c.portal_reference,
                  c.stop_reason, c.stop_remark, c.stopped_at AS "stopped_at: DateTime<Utc>",
                  c.closed_at AS "closed_at: DateTime<Utc>",
                  c.erased_at AS "erased_at: DateTime<Utc>", s.salt AS "salt?"
           FROM cases c LEFT JOIN case_salts s ON s.case_id = c.id
           WHERE c.id = ANY($1) ORDER BY c.id"#,
        case_ids,
    )
    .fetch_all(&mut *connection)
    .await?;
    let mut records: BTreeMap<i64, CaseRecord> = BTreeMap::new();
    for c in cases {
        let row = |part, public, personal| Stored {
            part,
            table: "cases",
            row: c.id,
            public,
            personal,
        };
        let parts = vec![
            row(
                Part::Case,
                json!({
                    "centre_id": c.centre_id, "eservice_id": c.eservice_id,
                    "opened_by": c.opened_by, "opened_at": micros(Some(c.opened_at)),
                    "gives_planned_time": c.gives_planned_time, "gives_result": c.gives_result,
                    "missing_eid_means": c.missing_eid_means,
                }),
                None,
            ),
            row(
                Part::Client,
                json!({}),
                personal(json!({
                    "given_names": c.client_given_names, "surnames": c.client_surnames,
                    "name_key": c.client_name_key, "personal_code": c.client_personal_code,
                    "personal_code_hmac": c.personal_code_hmac.as_deref().map(hex::encode),
                })),
            ),
            row(
                Part::Contact,
                json!({ "wants_result": c.client_wants_result, "channel": c.notify_channel }),
                personal(json!({ "contact": c.notify_contact })),
            ),
            row(
                Part::Retention,
                json!({ "keep_until": day(c.retention_until) }),
                None,
            ),
            row(
                Part::Submission,
                json!({ "submitted_at": micros(c.submitted_at) }),
                personal(json!({ "portal_reference": c.portal_reference })),
            ),
            row(
                Part::Stop,
                json!({ "reason": c.stop_reason, "stopped_at": micros(c.stopped_at) }),
                personal(json!({ "remark": c.stop_remark })),
            ),
            row(
                Part::Closed,
                json!({ "closed_at": micros(c.closed_at) }),
                None,
            ),
            row(
                Part::Erased,
                json!({ "erased_at": micros(c.erased_at) }),
                None,
            ),
        ];
        records.insert(
            c.id,
            CaseRecord {
                case_id: c.id,
                salt: c.salt,
                parts,
            },
        );
    }
    if tables.steps {
        let steps = sqlx::query!(
            r#"SELECT id, case_id, step, outcome, reason, data, recorded_by,
                  recorded_at AS "recorded_at: DateTime<Utc>"
           FROM case_steps WHERE case_id = ANY($1) ORDER BY case_id, id"#,
            case_ids,
        )
        .fetch_all(&mut *connection)
        .await?;
        for s in steps {
            let kept = erased_step_data(&s.step, &s.data);
            let personal = (kept != s.data).then(|| s.data.clone());
            push(
                &mut records,
                s.case_id,
                Stored {
                    part: Part::Step(s.step),
                    table: "case_steps",
                    row: s.id,
                    public: json!({
                        "outcome": s.outcome, "reason": s.reason, "data": kept,
                        "recorded_by": s.recorded_by, "recorded_at": micros(Some(s.recorded_at)),
                    }),
                    personal,
                },
            );
        }
    }
    if tables.documents {
        let documents = sqlx::query!(
            r#"SELECT id, case_id, centre_id, year, sequence, document_number, verification_code,
                  snapshot, sha256, first_printed_by,
                  first_printed_at AS "first_printed_at: DateTime<Utc>"
           FROM authorisation_documents WHERE case_id = ANY($1)"#,
            case_ids,
        )
        .fetch_all(&mut *connection)
        .await?;
        for d in documents {
            push(
                &mut records,
                d.case_id,
                Stored {
                    part: Part::Document,
                    table: "authorisation_documents",
                    row: d.id,
                    public: json!({
                        "centre_id": d.centre_id, "year": d.year, "sequence": d.sequence,
                        "document_number": d.document_number,
                        "verification_code": d.verification_code, "sha256": hex::encode(&d.sha256),
                        "first_printed_by": d.first_printed_by,
                        "first_printed_at": micros(Some(d.first_printed_at)),
                    }),
                    personal: d.snapshot.map(|snapshot| json!({ "snapshot": snapshot })),
                },
            );
        }
    }
    if tables.prints {
        let prints = sqlx::query!(
            r#"SELECT id, case_id, printed_by, printed_at AS "printed_at: DateTime<Utc>", sha256,
                  reprint
           FROM authorisation_prints WHERE case_id = ANY($1) ORDER BY case_id, id"#,
            case_ids,
        )
        .fetch_all(&mut *connection)
        .await?;
        for p in prints {
            push(
                &mut records,
                p.case_id,
                Stored {
                    part: Part::Print(p.id),
                    table: "authorisation_prints",
                    row: p.id,
                    public: json!({
                        "printed_by": p.printed_by, "printed_at": micros(Some(p.printed_at)),
                        "sha256": hex::encode(&p.sha256), "reprint": p.reprint,
                    }),
                    personal: None,
                },
            );
        }
    }
    if tables.reviews {
        let reviews = sqlx::query!(
            r#"SELECT id, case_id, supersedes, reviewer_id, verdict, remark,
                  reviewed_at AS "reviewed_at: DateTime<Utc>"
           FROM case_reviews WHERE case_id = ANY($1) ORDER BY case_id, id"#,
            case_ids,
        )
        .fetch_all(&mut *connection)
        .await?;
        for r in reviews {
            push(
                &mut records,
                r.case_id,
                Stored {
                    part: Part::Review(r.id),
                    table: "case_reviews",
                    row: r.id,
                    public: json!({
                        "supersedes": r.supersedes, "reviewer_id": r.reviewer_id,
                        "verdict": r.verdict, "reviewed_at": micros(Some(r.reviewed_at)),
                    }),
                    personal: personal(json!({ "remark": r.remark })),
                },
            );
        }
    }
    if tables.messages {
        let messages = sqlx::query!(
            r#"SELECT id, case_id, step, channel, template_id, lang, address, subject, body,
                  queued_at AS "queued_at: DateTime<Utc>", queued_by
           FROM client_messages WHERE case_id = ANY($1) ORDER BY case_id, id"#,
            case_ids,
        )
        .fetch_all(&mut *connection)
        .await?;
        for m in messages {
            push(
                &mut records,
                m.case_id,
                Stored {
                    part: Part::Message(m.id),
                    table: "client_messages",
                    row: m.id,
                    public: json!({
                        "step": m.step, "channel": m.channel, "template_id": m.template_id,
                        "lang": m.lang, "queued_at": micros(Some(m.queued_at)),
                        "queued_by": m.queued_by,
                    }),
                    personal: personal(json!({
                        "address": m.address, "subject": m.subject, "body": m.body,
                    })),
                },
            );
        }
    }
    Ok(records.into_values().collect())
}

fn push(records: &mut BTreeMap<i64, CaseRecord>, case_id: i64, stored: Stored) {
    if let Some(record) = records.get_mut(&case_id) {
        record.parts.push(stored);
    }
}

/// The commitments of `parts` of case `case_id` as stored now, for the event that wrote them
/// (inside its transaction, after the write), reading only the tables that hold them. Gives the
/// case its salt first if it has none (a case opened before commitments existed) and one of
/// them holds personal data.
pub async fn commit(
    connection: &mut PgConnection,
    case_id: i64,
    parts: &[Part],
) -> Result<Value, sqlx::Error> {
    let tables = Tables::holding(parts);
    let Some(mut record) = load_from(connection, &[case_id], tables).await?.pop() else {
        return Ok(Value::Object(Map::new()));
    };
    let personal = |stored: &Stored| parts.contains(&stored.part) && stored.personal.is_some();
    if record.salt.is_none() && record.parts.iter().any(personal) {
        let mut salt = vec![0; 32];
        rand::rng().fill_bytes(&mut salt);
        sqlx::query!(
            "INSERT INTO case_salts (case_id, salt) VALUES ($1, $2)",
            case_id,
            &salt
        )
        .execute(&mut *connection)
        .await?;
        record.salt = Some(salt);
    }
    Ok(record.commits(parts))
}

/// The commitments of the erasure of case `case_id`'s personal data at `at`, written before
/// the erasure in its transaction (the database's erasure function requires the event first):
/// every part's personal component will be empty, and the erasure's time. The public components
/// are not committed again: erasure does not change them. `audit verify` checks afterwards that
/// the erasure did what this says.
pub async fn commit_erasure(
    connection: &mut PgConnection,
    case_id: i64,
    at: DateTime<Utc>,
) -> Result<Value, sqlx::Error> {
    let Some(record) = load(connection, &[case_id]).await?.pop() else {
        return Ok(Value::Object(Map::new()));
    };
    let mut commits = Map::new();
    for stored in &record.parts {
        commits.insert(stored.part.name(), json!({ "personal": null }));
    }
    let erased = json!({ "erased_at": micros(Some(at)) });
    commits.insert(
        Part::Erased.name(),
        json!({
            "public": hex::encode(digest(&Part::Erased, b"", &erased)),
            "personal": null,
        }),
    );
    Ok(Value::Object(commits))
}

/// The latest commitment of each component of a part, and the event (sequence) that made it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Committed {
    pub public: Option<(String, i64)>,
    /// `Some((None, n))`: event `n` committed that the part holds no personal data.
    pub personal: Option<(Option<String>, i64)>,
    /// Event `n` committed that the part is absent.
    pub absent: Option<i64>,
}

/// The commitments of a case's chain, folded in order: later ones replace earlier ones, one
/// component at a time.
#[derive(Debug, Clone, Default)]
pub struct Commitments {
    pub parts: BTreeMap<String, Committed>,
    /// The erasure event: its sequence and time.
    pub erasure: Option<(i64, DateTime<Utc>)>,
}

impl Commitments {
    /// Takes in one event of the case's chain.
    pub fn add(&mut self, sequence: i64, at: DateTime<Utc>, action: &str, details: &Value) {
        if action == Action::PersonalDataErased.code() {
            self.erasure = Some((sequence, at));
        }
        let Some(commits) = details.get(COMMITS).and_then(Value::as_object) else {
            return;
        };
        for (name, entry) in commits {
            let committed = self.parts.entry(name.clone()).or_default();
            if entry.is_null() {
                *committed = Committed {
                    absent: Some(sequence),
                    ..Committed::default()
                };
                continue;
            }
            if let Some(public) = entry.get("public").and_then(Value::as_str) {
                committed.public = Some((public.to_owned(), sequence));
                committed.absent = None;
            }
            if let Some(personal) = entry.get("personal") {
                committed.personal = Some((personal.as_str().map(str::to_owned), sequence));
            }
        }
    }
}

/// What is wrong with a part of a case's record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DataProblem {
    /// No event committed it: the row was added, or filled in, behind the application's back.
    Uncommitted,
    /// It differs from what event `event` committed.
    Changed { component: Component, event: i64 },
    /// Event `event` committed it, and the row is gone.
    Missing { event: i64 },
    /// Its personal data were committed by event `event`, and the case's salt is gone without
    /// an erasure, so they cannot be checked.
    SaltMissing { event: i64 },
}

/// The first part of a case's record found wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataFailure {
    pub case_id: i64,
    pub part: String,
    /// The table and row it is kept in (`None`: the row is gone).
    pub table: Option<&'static str>,
    pub row: Option<i64>,
    pub problem: DataProblem,
}

impl fmt::Display for DataFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let chain = format!("case:{}", self.case_id);
        match (self.table, self.row) {
            (Some(table), Some(row)) => write!(f, "{table} row {row} ({}): ", self.part)?,
            _ => write!(f, "case {} part {}: ", self.case_id, self.part)?,
        }
        match &self.problem {
            DataProblem::Uncommitted => f.write_str("no event committed it"),
            DataProblem::Changed { component, event } => write!(
                f,
                "{component} differ from what event {event} of chain {chain} committed"
            ),
            DataProblem::Missing { event } => write!(
                f,
                "the row is gone; event {event} of chain {chain} committed it"
            ),
            DataProblem::SaltMissing { event } => write!(
                f,
                "the case's salt is gone without an erasure, so its personal data committed by \
                 event {event} of chain {chain} cannot be checked"
            ),
        }
    }
}

/// Whether a case's record was kept under commitments: its opening was committed. A case
/// opened before commitments existed is reported apart, not checked.
pub fn covered(commitments: &Commitments) -> bool {
    commitments
        .parts
        .get(&Part::Case.name())
        .is_some_and(|case| case.public.is_some())
}

/// The failure of a case whose row is gone while its chain committed it.
pub fn case_gone(case_id: i64, commitments: &Commitments) -> Option<DataFailure> {
    let committed = commitments.parts.get(&Part::Case.name())?;
    let (_, event) = committed.public.as_ref()?;
    Some(DataFailure {
        case_id,
        part: Part::Case.name(),
        table: None,
        row: None,
        problem: DataProblem::Missing { event: *event },
    })
}

/// Compares the stored record with the folded commitments; the first wrong part, in the
/// record's order (the case row, steps, document, prints, reviews), then parts committed and
/// gone.
pub fn check(record: &CaseRecord, commitments: &Commitments) -> Result<(), DataFailure> {
    check_parts(record, commitments, true)
}

/// As [`check`]; with `check_personal` false the personal components are not checked (a redacted
/// bundle holds neither them nor the salt).
pub fn check_parts(
    record: &CaseRecord,
    commitments: &Commitments,
    check_personal: bool,
) -> Result<(), DataFailure> {
    let fail = |stored: Option<&Stored>, part: String, problem| DataFailure {
        case_id: record.case_id,
        part,
        table: stored.map(|s| s.table),
        row: stored.map(|s| s.row),
        problem,
    };
    for stored in &record.parts {
        let name = stored.part.name();
        let committed = commitments.parts.get(&name);
        let Some((public, public_by)) = committed.and_then(|c| c.public.as_ref()) else {
            if stored.is_empty() {
                continue;
            }
            return Err(fail(Some(stored), name, DataProblem::Uncommitted));
        };
        if hex::encode(digest(&stored.part, b"", &stored.public)) != *public {
            let problem = DataProblem::Changed {
                component: Component::Public,
                event: *public_by,
            };
            return Err(fail(Some(stored), name, problem));
        }
        if !check_personal {
            continue;
        }
        let (personal, personal_by) = committed
            .and_then(|c| c.personal.clone())
            .unwrap_or((None, *public_by));
        let changed = DataProblem::Changed {
            component: Component::Personal,
            event: personal_by,
        };
        match (&stored.personal, personal, &record.salt) {
            (None, None, _) => {}
            (Some(_), Some(_), None) => {
                let problem = DataProblem::SaltMissing { event: personal_by };
                return Err(fail(Some(stored), name, problem));
            }
            (Some(value), Some(committed), Some(salt))
                if hex::encode(digest(&stored.part, salt, value)) == committed => {}
            _ => return Err(fail(Some(stored), name, changed)),
        }
    }
    for (name, committed) in &commitments.parts {
        let present = record
            .parts
            .iter()
            .any(|stored| stored.part.name() == *name);
        if let (false, Some((_, event)), None) = (present, &committed.public, committed.absent) {
            let problem = DataProblem::Missing { event: *event };
            return Err(fail(None, name.clone(), problem));
        }
    }
    Ok(())
}
