//! The rules of a supervisor's review: what a verdict and a remark must be, how the review queue
//! is filtered and paged, how a spot-check sample is drawn (seeded, so it can be drawn again and
//! compared), and how a step's stored data reads as label/value lines.
//!
//! The four-eyes rule: a supervisor never reviews a case they worked on (opened it or recorded
//! one of its duties); another supervisor of the centre does. `store::review::worked_on` asks
//! it, `service::review::mark` enforces it in the review's transaction.
//!
//! Pure: no I/O, no clock, no user-facing text (codes only).

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::workflow::{CaseStatus, StopReason};
use crate::domain::ids::CaseId;

/// The longest remark a review takes.
pub const REMARK_MAX_CHARS: usize = 2000;

/// Cases per page of the review queue.
pub const PAGE_SIZE: i64 = 20;

/// The most rows the review queue's CSV export holds; narrower filters get the rest.
pub const CSV_MAX_ROWS: i64 = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, sqlx::Type)]
#[serde(rename_all = "kebab-case")]
#[sqlx(type_name = "text", rename_all = "kebab-case")]
pub enum Verdict {
    InOrder,
    IssuesFound,
}

impl Verdict {
    pub const ALL: [Self; 2] = [Self::InOrder, Self::IssuesFound];

    pub fn code(self) -> &'static str {
        match self {
            Self::InOrder => "in-order",
            Self::IssuesFound => "issues-found",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.code() == code)
    }
}

/// Why a review form was refused, per field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewError {
    VerdictMissing,
    RemarkRequired,
    RemarkTooLong,
    /// NUL or another control character, which no one types.
    RemarkControlCharacters,
}

impl ReviewError {
    pub fn field(self) -> &'static str {
        match self {
            Self::VerdictMissing => "verdict",
            Self::RemarkRequired | Self::RemarkTooLong | Self::RemarkControlCharacters => "remark",
        }
    }
}

/// A review that may be recorded: a verdict, and a remark that is present when issues were found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewInput {
    pub verdict: Verdict,
    pub remark: String,
}

/// Checks a review form: a verdict is required; a remark is required when issues were found
/// and may not exceed [`REMARK_MAX_CHARS`] characters.
pub fn validate_review(verdict: &str, remark: &str) -> Result<ReviewInput, Vec<ReviewError>> {
    let mut errors = Vec::new();
    let verdict = Verdict::from_code(verdict.trim());
    if verdict.is_none() {
        errors.push(ReviewError::VerdictMissing);
    }
    let remark = remark.trim();
    if super::has_control_characters(remark) {
        errors.push(ReviewError::RemarkControlCharacters);
    } else if remark.chars().count() > REMARK_MAX_CHARS {
        errors.push(ReviewError::RemarkTooLong);
    } else if remark.is_empty() && verdict == Some(Verdict::IssuesFound) {
        errors.push(ReviewError::RemarkRequired);
    }
    match verdict {
        Some(verdict) if errors.is_empty() => Ok(ReviewInput {
            verdict,
            remark: remark.to_owned(),
        }),
        _ => Err(errors),
    }
}

// ---------------------------------------------------------------------------------------------
// The queue's filters and pages

/// How a finished case ended, as the outcome filter names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutcomeFilter {
    Closed,
    Stopped,
    StoppedFor(StopReason),
}

impl OutcomeFilter {
    /// `closed`, `stopped`, or `stopped:REASON`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "closed" => Some(Self::Closed),
            "stopped" => Some(Self::Stopped),
            other => other
                .strip_prefix("stopped:")
                .and_then(StopReason::from_code)
                .map(Self::StoppedFor),
        }
    }

    pub fn code(self) -> String {
        match self {
            Self::Closed => "closed".to_owned(),
            Self::Stopped => "stopped".to_owned(),
            Self::StoppedFor(reason) => format!("stopped:{}", reason.code()),
        }
    }

    /// The case status the filter asks for.
    pub fn status(self) -> CaseStatus {
        match self {
            Self::Closed => CaseStatus::Closed,
            Self::Stopped | Self::StoppedFor(_) => CaseStatus::Stopped,
        }
    }

    pub fn stop_reason(self) -> Option<StopReason> {
        match self {
            Self::StoppedFor(reason) => Some(reason),
            _ => None,
        }
    }
}

/// Where the next page of the queue starts: after the case finished at `finished_at` with `id`
/// (the queue runs newest first). In a URL it is `MICROSECONDS.ID`: no personal data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub finished_at: DateTime<Utc>,
    pub id: CaseId,
}

impl Cursor {
    pub fn encode(self) -> String {
        format!("{}.{}", self.finished_at.timestamp_micros(), self.id)
    }

    pub fn decode(text: &str) -> Option<Self> {
        let (micros, id) = text.split_once('.')?;
        Some(Self {
            finished_at: DateTime::from_timestamp_micros(micros.parse().ok()?)?,
            id: id.parse().ok()?,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Spot-check samples

/// How many of `population` cases an `percent` % sample takes: rounded up, so that a centre with
/// any closed case gets at least one to check.
pub fn sample_size(population: usize, percent: u8) -> usize {
    let percent = usize::from(percent.clamp(1, 100));
    (population * percent).div_ceil(100)
}

/// Draws `sample_size(population.len(), percent)` case ids from `population` (in the order the
/// caller gives, by id) with a seeded shuffle: the same population, percentage and seed always
/// give the same sample, in the same order. SplitMix64 is written out here so that the draw
/// never changes with a library's version.
pub fn draw_sample(population: &[CaseId], percent: u8, seed: u64) -> Vec<CaseId> {
    let take = sample_size(population.len(), percent);
    let mut pool = population.to_vec();
    let mut state = seed;
    for i in 0..take {
        let remaining = (pool.len() - i) as u64;
        // Rejection sampling keeps every choice equally likely.
        let zone = u64::MAX - (u64::MAX % remaining);
        let pick = loop {
            let value = splitmix64(&mut state);
            if value < zone {
                break value % remaining;
            }
        };
        pool.swap(i, i + pick as usize);
    }
    pool.truncate(take);
    pool
}

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

// ---------------------------------------------------------------------------------------------
// A step's data, readably

/// A step's stored JSON as `(path, value)` lines: nested objects give dotted paths
/// (`document.number`), lists are joined with commas, `null` reads as an empty value. The web
/// layer translates the paths it knows.
pub fn readable_lines(data: &Value) -> Vec<(String, String)> {
    let mut lines = Vec::new();
    flatten("", data, &mut lines);
    lines
}

fn flatten(path: &str, value: &Value, lines: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                let path = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                flatten(&path, inner, lines);
            }
        }
        Value::Array(items) if items.iter().all(|item| !item.is_object()) => {
            let joined = items.iter().map(scalar).collect::<Vec<_>>().join(", ");
            lines.push((path.to_owned(), joined));
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                flatten(&format!("{path}.{}", index + 1), item, lines);
            }
        }
        other => lines.push((path.to_owned(), scalar(other))),
    }
}

fn scalar(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_remark_with_control_characters_is_refused() {
        assert_eq!(
            validate_review("issues-found", "nav\u{0}paraksta"),
            Err(vec![ReviewError::RemarkControlCharacters])
        );
        assert!(validate_review("issues-found", "nav paraksta\notrā eksemplārā").is_ok());
    }

    #[test]
    fn a_verdict_is_required_and_issues_need_a_remark() {
        assert_eq!(
            validate_review("", ""),
            Err(vec![ReviewError::VerdictMissing])
        );
        assert_eq!(
            validate_review("issues-found", "   "),
            Err(vec![ReviewError::RemarkRequired])
        );
        assert_eq!(
            validate_review("in-order", ""),
            Ok(ReviewInput {
                verdict: Verdict::InOrder,
                remark: String::new()
            })
        );
        let ok = validate_review("issues-found", "  22.¹4 nav atzīmēts  ").unwrap();
        assert_eq!(ok.remark, "22.¹4 nav atzīmēts");
    }

    #[test]
    fn a_remark_is_at_most_2000_characters_not_bytes() {
        let long = "ā".repeat(REMARK_MAX_CHARS);
        assert!(validate_review("issues-found", &long).is_ok());
        let too_long = "ā".repeat(REMARK_MAX_CHARS + 1);
        assert_eq!(
            validate_review("in-order", &too_long),
            Err(vec![ReviewError::RemarkTooLong])
        );
        assert_eq!(ReviewError::RemarkTooLong.field(), "remark");
    }

    #[test]
    fn outcome_filters_and_cursors_round_trip() {
        for text in ["closed", "stopped", "stopped:client-withdrew"] {
            assert_eq!(OutcomeFilter::parse(text).unwrap().code(), text);
        }
        assert_eq!(OutcomeFilter::parse("stopped:nonsense"), None);
        assert_eq!(OutcomeFilter::parse("open"), None);
        assert_eq!(
            OutcomeFilter::parse("stopped:portal-refused")
                .unwrap()
                .status(),
            crate::domain::workflow::CaseStatus::Stopped
        );
        let cursor = Cursor {
            finished_at: DateTime::from_timestamp_micros(1_767_355_200_123_456).unwrap(),
            id: CaseId(42),
        };
        assert_eq!(cursor.encode(), "1767355200123456.42");
        assert_eq!(Cursor::decode(&cursor.encode()), Some(cursor));
        assert_eq!(Cursor::decode("x.1"), None);
        assert_eq!(Cursor::decode("1"), None);
    }

    #[test]
    fn sample_sizes_round_up() {
        assert_eq!(sample_size(0, 10), 0);
        assert_eq!(sample_size(1, 1), 1);
        assert_eq!(sample_size(53, 10), 6);
        assert_eq!(sample_size(50, 10), 5);
        assert_eq!(sample_size(7, 100), 7);
    }

    #[test]
    fn a_sample_is_reproducible_from_its_seed() {
        let population: Vec<CaseId> = (1..=200).map(CaseId).collect();
        let first = draw_sample(&population, 10, 7);
        assert_eq!(first, draw_sample(&population, 10, 7));
        assert_eq!(first.len(), 20);
        let mut unique = first.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), 20, "no case twice");
        assert!(first.iter().all(|id| population.contains(id)));
        assert_ne!(
            first,
            draw_sample(&population, 10, 8),
            "another seed, another sample"
        );
        assert_ne!(
            first,
            (1..=20).map(CaseId).collect::<Vec<_>>(),
            "not just the first cases"
        );
        let mut all = draw_sample(&population, 100, 3);
        all.sort_unstable();
        assert_eq!(all, population);
    }

    #[test]
    fn step_data_reads_as_lines() {
        let data = json!({
            "document": { "kind": "passport", "number": "LV1234567" },
            "categories": ["identity", "contact"],
            "override_justification": null,
            "notice_version": 3
        });
        let lines = readable_lines(&data);
        assert!(lines.contains(&("document.number".into(), "LV1234567".into())));
        assert!(lines.contains(&("categories".into(), "identity, contact".into())));
        assert!(lines.contains(&("override_justification".into(), String::new())));
        assert!(lines.contains(&("notice_version".into(), "3".into())));
        assert!(readable_lines(&json!({})).is_empty());
    }
}
