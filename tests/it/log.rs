//! The transparency log: checkpoints take in every event exactly once while writers go on, stay
//! small, and verify catches a log rewound, forked, cut short or re-signed; a witness cosigns.

use std::sync::Arc;

use chrono::TimeDelta;
use pilnvara::audit::log::{self, LogCheck, LogProblem};
use pilnvara::audit::{self, Chain, Event};
use pilnvara::clock::Clock;
use pilnvara::domain::ids::CaseId;
use serde_json::json;

use crate::evidence::{record_on_case, tamper};
use crate::harness::{TestApp, count};

async fn verified(app: &TestApp, external: Option<&str>, witness: Option<&str>) -> LogCheck {
    let mut connection = app.pool.acquire().await.unwrap();
    let key = app.keys.anchor_public_key();
    log::verify(&mut connection, Some(&key), external, witness)
        .await
        .unwrap()
}

async fn checkpoint(app: &TestApp, dir: &std::path::Path) -> log::Written {
    log::checkpoint(&app.pool, &app.keys, app.clock.now(), dir)
        .await
        .unwrap()
}

#[tokio::test]
async fn checkpoints_taken_while_writers_go_on_hold_every_event_exactly_once() {
    let app = TestApp::new().await;
    let centre = app.centre("RIX").await;
    let dir = tempfile::tempdir().unwrap();
    let now = app.clock.now();
    let writers: Vec<_> = (1..=12_i64)
        .map(|case_id| {
            let pool = app.pool.clone();
            tokio::spawn(async move {
                for n in 1..=15_i64 {
                    let mut tx = pool.begin().await.unwrap();
                    for chain in [Chain::Case(CaseId(case_id)), Chain::Centre(centre)] {
                        let event = Event {
                            chain,
                            centre_id: Some(centre),
                            actor_id: None,
                            session_tag: None,
                            action: pilnvara::audit::Action::StepRecorded,
                            details: json!({ "n": n }),
                        };
                        audit::record(&mut tx, now + TimeDelta::milliseconds(n), event)
                            .await
                            .unwrap();
                    }
                    tx.commit().await.unwrap();
                }
            })
        })
        .collect();
    let app = Arc::new(app);
    let checkpointer = {
        let app = app.clone();
        let dir = dir.path().to_owned();
        tokio::spawn(async move {
            let mut sizes = Vec::new();
            for _ in 0..8 {
                sizes.push(checkpoint(&app, &dir).await.size);
            }
            sizes
        })
    };
    for writer in writers {
        writer.await.unwrap();
    }
    let sizes = checkpointer.await.unwrap();
    assert!(sizes.windows(2).all(|pair| pair[0] <= pair[1]), "{sizes:?}");
    let last = checkpoint(&app, dir.path()).await;
    let events = count(&app.pool, "SELECT count(*) FROM audit_events").await;
    assert_eq!(last.size as i64, events, "every event is in the tree");
    let distinct = count(
        &app.pool,
        "SELECT count(DISTINCT event_id) FROM audit_log_leaves",
    )
    .await;
    assert_eq!(distinct, events, "and none twice");
    assert!(
        last.note.len() < 400,
        "a checkpoint stays small: {}",
        last.note
    );
    assert_eq!(std::fs::read_to_string(&last.path).unwrap(), last.note);
    let check = verified(&app, Some(&last.note), None).await;
    assert_eq!(check.failure, None);
    assert_eq!((check.leaves, check.checkpoints), (events as u64, 9));
    assert_eq!(check.external, Some(last.size));
    let idle = count(
        &app.pool,
        "SELECT count(*) FROM pg_stat_activity
         WHERE state = 'idle in transaction' AND datname = current_database()",
    )
    .await;
    assert_eq!(idle, 0);
}

/// A log of three cases' events with two checkpoints: the auditor kept the first one.
async fn logged(app: &TestApp, dir: &std::path::Path) -> (log::Written, log::Written) {
    for case_id in 1..=3 {
        record_on_case(&app.pool, app.clock.now(), case_id, 4).await;
    }
    let first = checkpoint(app, dir).await;
    for case_id in 4..=5 {
        record_on_case(&app.pool, app.clock.now(), case_id, 3).await;
    }
    let second = checkpoint(app, dir).await;
    assert_eq!((first.size, second.size), (12, 18));
    assert_eq!(verified(app, Some(&first.note), None).await.failure, None);
    (first, second)
}

#[tokio::test]
async fn a_log_reordered_cut_short_or_resigned_is_caught() {
    let dir = tempfile::tempdir().unwrap();

    // Two leaves swapped: the tree the checkpoints signed is no longer the one stored.
    let app = TestApp::new().await;
    logged(&app, dir.path()).await;
    tamper(
        &app.pool,
        &[
            "UPDATE audit_log_leaves l SET event_id = -(SELECT event_id FROM audit_log_leaves o
                 WHERE o.leaf_index = 7 - l.leaf_index)
             WHERE l.leaf_index IN (3, 4)",
            "UPDATE audit_log_leaves SET event_id = -event_id WHERE event_id < 0",
        ],
    )
    .await;
    let check = verified(&app, None, None).await;
    assert!(
        matches!(check.failure, Some(LogProblem::Forked { size: 12, .. })),
        "{:?}",
        check.failure
    );

    // The newest leaves and checkpoint removed: only the auditor's copy shows it.
    let app = TestApp::new().await;
    let (_, second) = logged(&app, dir.path()).await;
    tamper(
        &app.pool,
        &[
            "DELETE FROM audit_checkpoints WHERE size = 18",
            "DELETE FROM audit_log_leaves WHERE leaf_index >= 12",
        ],
    )
    .await;
    assert_eq!(verified(&app, None, None).await.failure, None);
    let check = verified(&app, Some(&second.note), None).await;
    assert_eq!(
        check.failure,
        Some(LogProblem::LeavesMissing {
            size: 18,
            leaves: 12
        })
    );

    // A leaf in the middle removed.
    let app = TestApp::new().await;
    logged(&app, dir.path()).await;
    tamper(
        &app.pool,
        &["DELETE FROM audit_log_leaves WHERE leaf_index = 5"],
    )
    .await;
    assert_eq!(
        verified(&app, None, None).await.failure,
        Some(LogProblem::LeafMissing { index: 5 })
    );

    // A checkpoint's text edited: its signature fails.
    let app = TestApp::new().await;
    logged(&app, dir.path()).await;
    tamper(
        &app.pool,
        &["UPDATE audit_checkpoints SET note = replace(note, E'\\n18\\n', E'\\n17\\n') WHERE size = 18"],
    )
    .await;
    assert!(matches!(
        verified(&app, None, None).await.failure,
        Some(LogProblem::BadSignature { .. })
    ));

    // A smaller checkpoint signed with the server's key after a larger one: rewound.
    let app = TestApp::new().await;
    logged(&app, dir.path()).await;
    let root: Vec<u8> = sqlx::query_scalar("SELECT root FROM audit_checkpoints WHERE size = 12")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let root = tlog_tiles::Hash(root.try_into().unwrap());
    let note = log::sign(app.keys.anchor_signing_key(), 12, root).unwrap();
    sqlx::query(
        "INSERT INTO audit_checkpoints (size, root, note, through_xact, created_at)
         SELECT 12, $1, $2, through_xact, now() FROM audit_checkpoints WHERE size = 18",
    )
    .bind(&root.0[..])
    .bind(&note)
    .execute(&app.pool)
    .await
    .unwrap();
    assert!(matches!(
        verified(&app, None, None).await.failure,
        Some(LogProblem::Rewound {
            size: 12,
            before: 18,
            ..
        })
    ));

    // An event slipped in as if by a transaction that ended long ago: no checkpoint takes it.
    let app = TestApp::new().await;
    logged(&app, dir.path()).await;
    record_on_case(&app.pool, app.clock.now(), 9, 1).await;
    tamper(
        &app.pool,
        &["UPDATE audit_events SET written_by_xact = 1 WHERE id = (SELECT max(id) FROM audit_events)"],
    )
    .await;
    checkpoint(&app, dir.path()).await;
    assert_eq!(
        verified(&app, None, None).await.failure,
        Some(LogProblem::EventNotLogged {
            chain: "case:9".into(),
            sequence: 1
        })
    );

    // A stranger's checkpoint is not this log's.
    let app = TestApp::new().await;
    logged(&app, dir.path()).await;
    let stranger = pilnvara::keys::Keys::ephemeral();
    let forged = log::sign(stranger.anchor_signing_key(), 18, root).unwrap();
    assert_eq!(
        verified(&app, Some(&forged), None).await.failure,
        Some(LogProblem::ExternalUnreadable)
    );
}

#[tokio::test]
async fn a_witness_cosigns_the_newest_checkpoint_and_verify_reports_it() {
    let app = TestApp::new().await;
    let dir = tempfile::tempdir().unwrap();
    logged(&app, dir.path()).await;
    let (private, public) = log::witness_key("arhivs.riga.lv").unwrap();
    let key = app.keys.anchor_public_key();
    let (size, name) = log::cosign(&app.pool, &key, &private, app.clock.now())
        .await
        .unwrap();
    assert_eq!((size, name.as_str()), (18, "arhivs.riga.lv"));
    let check = verified(&app, None, Some(&public)).await;
    assert_eq!(check.failure, None);
    assert_eq!(check.cosigned, 1);
    assert_eq!(check.latest, Some((18, vec!["arhivs.riga.lv".to_owned()])));
    let (_, other) = log::witness_key("cits").unwrap();
    assert_eq!(verified(&app, None, Some(&other)).await.cosigned, 0);
    assert!(
        log::witness_key("with space").is_err(),
        "a key name has no spaces"
    );
}

// ---------------------------------------------------------------------------------------------
// The evidence bundle

use pilnvara::audit::bundle::{self, BundleProblem};
use serde_json::Value;

use crate::commitments::{app_with_desk, complete_case};

/// The bundle of `id` as the review page's download gives it.
async fn downloaded(client: &crate::harness::Client, id: i64, redacted: bool) -> String {
    let query = if redacted { "?redacted=1" } else { "" };
    let response = client
        .get(&format!("/review/{id}/evidence.json{query}"))
        .await;
    assert_eq!(
        response.status,
        axum::http::StatusCode::OK,
        "{}",
        response.body
    );
    response.body
}

/// A change to a bundle's JSON.
type Edit = Box<dyn FnOnce(&mut Value)>;

/// `text` with `edit` applied to its JSON.
fn edited(text: &str, edit: impl FnOnce(&mut Value)) -> String {
    let mut value: Value = serde_json::from_str(text).unwrap();
    edit(&mut value);
    value.to_string()
}

#[tokio::test]
async fn a_bundle_checks_offline_and_each_edit_to_it_is_named() {
    let (app, anna, vita) = app_with_desk().await;
    let id = complete_case(&app, &anna, &vita).await;
    let key = app.keys.anchor_public_key();
    let text = downloaded(&vita, id, false).await;
    let check = bundle::verify(&text, &key).unwrap();
    assert!(check.events >= 10, "{check:?}");
    assert!(check.pdf_checked && !check.redacted);
    assert_eq!(check.parts, 8 + 7 + 1 + 2 + 1);
    // The download of the client's data is audited.
    let views = count(
        &app.pool,
        "SELECT count(*) FROM audit_events WHERE details->>'page' = 'evidence-bundle'",
    )
    .await;
    assert_eq!(views, 1);

    let stranger = pilnvara::keys::Keys::ephemeral().anchor_public_key();
    assert_eq!(
        bundle::verify(&text, &stranger),
        Err(BundleProblem::Checkpoint)
    );
    let cases: [(&str, Edit, BundleProblem); 6] = [
        (
            "an event's details",
            Box::new(|b| b["events"][1]["details"]["forged"] = true.into()),
            BundleProblem::EventHash { sequence: 2 },
        ),
        (
            "an event removed",
            Box::new(|b| {
                b["events"].as_array_mut().unwrap().remove(2);
            }),
            BundleProblem::Chain { sequence: 4 },
        ),
        (
            "an event's place in the log",
            Box::new(|b| {
                let index = b["events"][0]["leaf_index"].as_u64().unwrap();
                b["events"][0]["leaf_index"] = (index + 1).into();
            }),
            BundleProblem::Inclusion { sequence: 1 },
        ),
        (
            "a step's data",
            Box::new(|b| {
                let parts = b["record"]["parts"].as_array_mut().unwrap();
                let step = parts
                    .iter_mut()
                    .find(|p| p["part"] == "step:identity")
                    .unwrap();
                step["personal"]["data"]["surnames"] = "Viltota".into();
            }),
            BundleProblem::Record(String::new()),
        ),
        (
            "a review's verdict",
            Box::new(|b| {
                let parts = b["record"]["parts"].as_array_mut().unwrap();
                let review = parts
                    .iter_mut()
                    .find(|p| p["part"].as_str().unwrap().starts_with("review:"))
                    .unwrap();
                review["public"]["verdict"] = "in-order".into();
            }),
            BundleProblem::Record(String::new()),
        ),
        (
            "the PDF",
            Box::new(|b| b["authorisation_pdf"] = "JVBERi0xLjcK".into()),
            BundleProblem::Pdf,
        ),
    ];
    for (what, edit, expected) in cases {
        let problem = bundle::verify(&edited(&text, edit), &key).unwrap_err();
        match (&expected, &problem) {
            (BundleProblem::Record(_), BundleProblem::Record(said)) => {
                assert!(!said.contains("Viltota"), "{what}: {said}");
            }
            _ => assert_eq!(problem, expected, "{what}"),
        }
    }

    // The redacted bundle holds no personal data and still proves the rest.
    let redacted = downloaded(&vita, id, true).await;
    for personal in [
        crate::cases::GIVEN,
        crate::cases::SURNAME,
        "010190-12349",
        "PORTAL-REF-77",
    ] {
        assert!(
            !redacted.contains(personal),
            "{personal} in the redacted bundle"
        );
    }
    let check = bundle::verify(&redacted, &key).unwrap();
    assert!(check.redacted && !check.pdf_checked);
    let forged = edited(&redacted, |b| {
        let parts = b["record"]["parts"].as_array_mut().unwrap();
        let step = parts
            .iter_mut()
            .find(|p| p["part"] == "step:employee-eid")
            .unwrap();
        step["public"]["recorded_at"] = 1.into();
    });
    assert!(matches!(
        bundle::verify(&forged, &key),
        Err(BundleProblem::Record(_))
    ));
}

#[tokio::test]
async fn the_bundle_commands_export_and_check_offline_with_no_database() {
    use crate::evidence::{pilnvara, text};
    let (pool, name) = crate::harness::fresh_named_database().await;
    let app = crate::cases::staffed(TestApp::on(pool)).await;
    app.user(
        "vita",
        pilnvara::domain::staff::Role::Supervisor,
        "RIX",
        &["RIX"],
    )
    .await;
    let (anna, vita) = (app.signed_in("anna").await, app.signed_in("vita").await);
    let id = complete_case(&app, &anna, &vita).await;
    let data = tempfile::tempdir().unwrap();
    let file = data.path().join("bundle.json");
    let exported = pilnvara(
        &name,
        data.path(),
        &[
            "evidence",
            "export",
            "--case",
            &id.to_string(),
            "--out",
            file.to_str().unwrap(),
        ],
    );
    assert!(exported.status.success(), "{}", text(&exported.stderr));
    let key = data.path().join("keys/anchor.pub");
    let public = pilnvara(&name, data.path(), &["audit", "public-key"]);
    assert!(text(&public.stdout).contains("fingerprint (SHA-256): "));

    // No database is reachable: the check needs none.
    let offline = std::process::Command::new(env!("CARGO_BIN_EXE_pilnvara"))
        .args([
            "evidence",
            "verify",
            file.to_str().unwrap(),
            "--key",
            key.to_str().unwrap(),
        ])
        .env("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none")
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    assert!(offline.status.success(), "{}", text(&offline.stderr));
    let out = text(&offline.stdout);
    assert!(out.contains("each proven in the checkpoint"), "{out}");
    assert!(
        out.contains("the authorisation PDF is the one printed"),
        "{out}"
    );

    let verified = pilnvara(&name, data.path(), &["audit", "verify"]);
    assert!(verified.status.success(), "{}", text(&verified.stderr));
    assert!(
        text(&verified.stdout).contains("checkpoints consistent"),
        "{}",
        text(&verified.stdout)
    );
}
