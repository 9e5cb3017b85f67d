//! Telling the client by e-mail and SMS (22.¹6, 22.¹7): the message the desk sees is the one a
//! real SMTP server (Debian's aiosmtpd, started here on loopback) receives; retries, failure and
//! the desk's "phone them"; restarts and two workers deliver each message once; the SMS
//! interface against a local HTTP server that answers like a provider, with signed delivery
//! reports; retention empties the outbox rows; no personal data in the server's logs.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::StatusCode;
use chrono::TimeDelta;
use hmac::{Hmac, Mac};
use pilnvara::clock::Clock;
use pilnvara::config::Config;
use pilnvara::domain::ids::CaseId;
use pilnvara::domain::staff::Role;
use pilnvara::domain::workflow::Step;
use pilnvara::service::demo::{ClientDetails, Goes};
use pilnvara::service::outbox::{Relays, Worker};
use sha2::Sha256;
use sqlx::PgPool;

use crate::faults::wait_for;
use crate::harness::{CLIENT, Client, TestApp, free_port, fresh_named_database};

const ADDRESS: &str = "ilze.ozola@example.lv";
const PHONE: &str = "+37120000001";

// ---------------------------------------------------------------------------------------------
// A real SMTP server on loopback

/// Debian's aiosmtpd (python3-aiosmtpd), storing every message it accepts in a Maildir.
struct SmtpServer {
    process: tokio::process::Child,
    port: u16,
    maildir: tempfile::TempDir,
}

impl SmtpServer {
    async fn start() -> Self {
        let maildir = tempfile::tempdir().unwrap();
        Self::start_on(free_port(), maildir).await
    }

    async fn start_on(port: u16, maildir: tempfile::TempDir) -> Self {
        let process = tokio::process::Command::new("/usr/bin/python3")
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(maildir.path().join("mail"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("python3-aiosmtpd is installed (.ci/run installs it)");
        // Ready when it accepts a connection.
        wait_for(
            Duration::from_secs(20),
            "the SMTP server to listen",
            || async move {
                tokio::net::TcpStream::connect(("127.0.0.1", port))
                    .await
                    .is_ok()
            },
        )
        .await;
        Self {
            process,
            port,
            maildir,
        }
    }

    /// The settings that send through it (plain SMTP on loopback).
    fn config(&self) -> Config {
        smtp_config(self.port)
    }

    /// Every message it received, decoded by Python's own e-mail package.
    async fn received(&self) -> Vec<Received> {
        read_maildir(&self.maildir.path().join("mail")).await
    }

    async fn stop(mut self) -> tempfile::TempDir {
        self.process.kill().await.unwrap();
        self.maildir
    }
}

fn smtp_config(port: u16) -> Config {
    let port = port.to_string();
    Config::from_lookup(|name| {
        match name {
            "PILNVARA_SMTP_HOST" => Some("127.0.0.1"),
            "PILNVARA_SMTP_PORT" => Some(port.as_str()),
            "PILNVARA_SMTP_TLS" => Some("none"),
            "PILNVARA_SMTP_FROM" => Some("VPVKAC Ādaži <vpvkac@adazi.example.lv>"),
            _ => None,
        }
        .map(str::to_owned)
    })
    .unwrap()
}

#[derive(Debug, Clone, serde::Deserialize)]
struct Received {
    to: String,
    subject: String,
    message_id: String,
    body: String,
}

async fn read_maildir(dir: &Path) -> Vec<Received> {
    const SCRIPT: &str = r#"
import email, email.policy, json, mailbox, sys
out = []
for key, message in mailbox.Maildir(sys.argv[1], factory=None).items():
    parsed = email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
    out.append({"to": parsed["X-RcptTo"] or "", "subject": str(parsed["Subject"]),
                "message_id": str(parsed["Message-ID"]),
                "body": parsed.get_body(("plain",)).get_content()})
print(json.dumps(out))
"#;
    if !dir.exists() {
        return Vec::new();
    }
    let output = tokio::process::Command::new("/usr/bin/python3")
        .args(["-c", SCRIPT])
        .arg(dir)
        .output()
        .await
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

// ---------------------------------------------------------------------------------------------
// The desk

struct Desk {
    app: TestApp,
    anna: Client,
    config: Config,
    centre: pilnvara::domain::ids::CentreId,
    anna_id: pilnvara::domain::ids::StaffId,
}

impl Desk {
    async fn new(config: Config) -> Self {
        let (pool, _) = fresh_named_database().await;
        Self::on(pool, config).await
    }

    async fn on(pool: PgPool, config: Config) -> Self {
        let app = TestApp::with_config(pool, config.clone());
        let centre = app.centre("RIX").await;
        let anna_id = app.user("anna", Role::Employee, "RIX", &[]).await;
        let anna = app.signed_in("anna").await;
        Self {
            app,
            anna,
            config,
            centre,
            anna_id,
        }
    }

    fn worker(&self) -> Worker {
        worker_on(
            &self.app,
            self.app.pool.clone(),
            &self.config,
            Duration::from_millis(50),
        )
    }

    /// A case at 22.¹6 whose client gave `contact` (`(channel, address)`) at 22.¹3.
    async fn case_awaiting_planned_time(&self, contact: (&str, &str)) -> CaseId {
        self.case(contact, Goes::To(Step::Submission)).await
    }

    /// A case that Anna carries as far as `goes`, whose client gave `contact` at 22.¹3.
    async fn case(&self, contact: (&str, &str), goes: Goes) -> CaseId {
        let client = ClientDetails {
            told_result: Some(contact),
            ..CLIENT
        };
        let (centre, anna) = (self.centre, self.anna_id);
        self.app.desk_case(centre, anna, &client, goes).await
    }

    async fn version(&self, id: CaseId) -> String {
        let version: i32 = sqlx::query_scalar("SELECT version FROM cases WHERE id = $1")
            .bind(id.0)
            .fetch_one(&self.app.pool)
            .await
            .unwrap();
        version.to_string()
    }

    /// 22.¹6 with "send" ticked: the form shows the message; sending it as shown records the
    /// duty and queues the message. The page that showed the message.
    async fn send_planned_time(&self, id: CaseId, lang: &str) -> String {
        let version = self.version(id).await;
        let planned = (pilnvara::domain::today_in_riga(self.app.clock.now()) + TimeDelta::days(30))
            .format("%Y-%m-%d")
            .to_string();
        let path = format!("/cases/{id}/steps/planned-time");
        let mut form = vec![
            ("version", version.as_str()),
            ("planned_on", planned.as_str()),
            ("send", "on"),
            ("message_lang", lang),
        ];
        let preview = self.anna.post(&path, &form).await;
        assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
        let confirm = hidden(&preview.body, "confirm");
        form.push(("confirm", confirm.as_str()));
        let sent = self.anna.post(&path, &form).await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
        assert_eq!(
            sent.location(),
            Some(format!("/cases/{id}?notice=message-queued").as_str())
        );
        preview.body
    }

    async fn status(&self, id: CaseId) -> (String, i32, Option<String>) {
        sqlx::query_as("SELECT status, attempts, reason FROM client_messages WHERE case_id = $1")
            .bind(id.0)
            .fetch_one(&self.app.pool)
            .await
            .unwrap()
    }
}

/// A worker on `pool` that looks for due messages every `poll` besides being woken.
fn worker_on(app: &TestApp, pool: PgPool, config: &Config, poll: Duration) -> Worker {
    let relays = Arc::new(Relays::new(&config.messaging).unwrap());
    let clock: Arc<dyn Clock> = app.clock.clone();
    Worker::new(pool, clock, relays, poll)
}

/// The value of hidden field `name` in `html`.
fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} in {html}"))
        + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

/// `text` as askama writes it into a page.
fn html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

async fn audit_actions(pool: &PgPool, id: CaseId) -> Vec<String> {
    sqlx::query_scalar("SELECT action FROM audit_events WHERE chain = $1 ORDER BY sequence")
        .bind(format!("case:{id}"))
        .fetch_all(pool)
        .await
        .unwrap()
}

async fn chain_verifies(pool: &PgPool, id: CaseId) {
    let check = pilnvara::audit::verify::verify_chain(pool, &format!("case:{id}"), None)
        .await
        .unwrap();
    assert!(
        check.is_ok(),
        "{:?} {:?}",
        check.failure,
        check.data.failure
    );
}

// ---------------------------------------------------------------------------------------------
// E-mail

#[tokio::test]
async fn the_planned_time_reaches_the_client_by_email_as_the_desk_saw_it_in_latvian_and_english() {
    let smtp = SmtpServer::start().await;
    let desk = Desk::new(smtp.config()).await;
    let latvian = desk.case_awaiting_planned_time(("email", ADDRESS)).await;
    let english = desk
        .case_awaiting_planned_time(("email", "john@example.com"))
        .await;

    let shown_lv = desk.send_planned_time(latvian, "lv").await;
    let shown_en = desk.send_planned_time(english, "en").await;
    assert!(shown_lv.contains("Ziņa, kas tiks nosūtīta"), "{shown_lv}");
    assert_eq!(desk.status(latvian).await.0, "queued");

    assert_eq!(desk.worker().deliver_due(None).await, 2);
    let mut received = smtp.received().await;
    received.sort_by(|a, b| a.to.cmp(&b.to));
    assert_eq!(received.len(), 2, "{received:?}");
    let (lv, en) = (&received[0], &received[1]);
    assert!(
        en.to.contains("john@example.com") && lv.to.contains(ADDRESS),
        "{received:?}"
    );
    assert_eq!(lv.subject, "E-pakalpojuma izpildes plānotais laiks");
    assert_eq!(en.subject, "Planned time of your e-service");
    let planned = (pilnvara::domain::today_in_riga(desk.app.clock.now()) + TimeDelta::days(30))
        .format("%d.%m.%Y")
        .to_string();
    assert!(
        lv.body
            .contains("Ģimenes valsts pabalsta pieprasīšana (piemērs)"),
        "{}",
        lv.body
    );
    assert!(lv.body.contains(&planned) && lv.body.contains(&format!("lieta {latvian}")));
    assert!(
        en.body
            .contains("Applying for the state family benefit (example)"),
        "{}",
        en.body
    );
    assert!(en.body.contains(&planned) && en.body.contains(&format!("case {english}")));
    for message in &received {
        // What the desk was shown is what arrived, and nothing about the client is in it.
        let shown = if message.to.contains(ADDRESS) {
            &shown_lv
        } else {
            &shown_en
        };
        assert!(
            shown.contains(&html(message.body.trim_end())),
            "{}",
            message.body
        );
        for personal in [
            CLIENT.personal_code,
            CLIENT.given_names,
            CLIENT.surnames,
            CLIENT.portal_reference,
        ] {
            assert!(!message.body.contains(personal) && !message.subject.contains(personal));
        }
    }
    // The Message-ID the product keeps is the one the client's mail carries.
    let kept: String =
        sqlx::query_scalar("SELECT provider_id FROM client_messages WHERE case_id = $1")
            .bind(latvian.0)
            .fetch_one(&desk.app.pool)
            .await
            .unwrap();
    assert_eq!(lv.message_id, kept);

    assert_eq!(desk.status(latvian).await.0, "sent");
    let page = desk.anna.get(&format!("/cases/{latvian}")).await;
    assert!(page.body.contains("nosūtīta (pieņemta)"), "{}", page.body);
    let actions = audit_actions(&desk.app.pool, latvian).await;
    let tail: Vec<&str> = actions
        .iter()
        .rev()
        .take(3)
        .rev()
        .map(String::as_str)
        .collect();
    assert_eq!(tail, ["step-recorded", "message-queued", "message-sent"]);
    let step: serde_json::Value = sqlx::query_scalar(
        "SELECT data FROM case_steps WHERE case_id = $1 AND step = 'planned-time'",
    )
    .bind(latvian.0)
    .fetch_one(&desk.app.pool)
    .await
    .unwrap();
    assert_eq!(step["sent_by"], "email");
    assert_eq!(step["told_via"], "email");
    chain_verifies(&desk.app.pool, latvian).await;
    // Subject access (GDPR Art. 15) gives the person what they were sent.
    desk.app.user("admin2", Role::Admin, "RIX", &[]).await;
    let admin = desk.app.signed_in("admin2").await;
    let export = admin
        .post(
            "/admin/subject-access/export",
            &[("personal_code", CLIENT.personal_code)],
        )
        .await;
    let export: serde_json::Value = serde_json::from_str(&export.body).unwrap();
    let held = export["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|case| case["id"] == latvian.0)
        .expect("the case");
    assert_eq!(held["messages"][0]["address"], ADDRESS);
    assert_eq!(held["messages"][0]["body"], lv.body.trim_end());
    assert_eq!(held["messages"][0]["status"], "sent");
    smtp.stop().await;
}

#[tokio::test]
async fn the_result_reaches_the_client_by_email_in_english_and_the_case_closes() {
    let smtp = SmtpServer::start().await;
    let desk = Desk::new(smtp.config()).await;
    let id = desk
        .case(("email", ADDRESS), Goes::To(Step::PlannedTime))
        .await;
    let path = format!("/cases/{id}/steps/result");
    let version = desk.version(id).await;
    let mut form = vec![
        ("version", version.as_str()),
        ("outcome", "granted"),
        ("send", "on"),
        ("message_lang", "en"),
    ];
    let preview = desk.anna.post(&path, &form).await;
    let confirm = hidden(&preview.body, "confirm");
    form.push(("confirm", &confirm));
    let sent = desk.anna.post(&path, &form).await;
    assert_eq!(
        sent.location(),
        Some(format!("/cases/{id}?notice=message-queued").as_str())
    );
    let status: String = sqlx::query_scalar("SELECT status::text FROM cases WHERE id = $1")
        .bind(id.0)
        .fetch_one(&desk.app.pool)
        .await
        .unwrap();
    assert_eq!(
        status, "closed",
        "a message on its way never holds the case open"
    );
    desk.worker().deliver_due(None).await;
    let received = smtp.received().await;
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].subject, "Result of your e-service");
    assert!(
        received[0].body.contains(&format!("(case {id}): granted.")),
        "{}",
        received[0].body
    );
    chain_verifies(&desk.app.pool, id).await;
    // The case's evidence bundle carries the message and checks offline.
    desk.app
        .user("zane", Role::Supervisor, "RIX", &["RIX"])
        .await;
    let zane = desk.app.signed_in("zane").await;
    let bundle = zane.get(&format!("/review/{id}/evidence.json")).await;
    assert_eq!(bundle.status, StatusCode::OK, "{}", bundle.body);
    assert!(
        bundle.body.contains("message:"),
        "the bundle holds the message"
    );
    let key = desk.app.keys.anchor_public_key();
    let check = pilnvara::audit::bundle::verify(&bundle.body, &key).unwrap();
    assert!(check.parts > 0, "{check:?}");
}

#[tokio::test]
async fn sending_is_offered_only_for_the_contact_the_client_gave_and_a_configured_relay() {
    let smtp = SmtpServer::start().await;
    let desk = Desk::new(smtp.config()).await;
    let by_email = desk.case_awaiting_planned_time(("email", ADDRESS)).await;
    let by_phone = desk.case_awaiting_planned_time(("phone", PHONE)).await;
    let page = desk
        .anna
        .get(&format!("/cases/{by_email}/steps/planned-time"))
        .await;
    assert!(page.body.contains("name=\"send\""), "{}", page.body);
    // No SMS provider is configured: the phone's case is told as today.
    let page = desk
        .anna
        .get(&format!("/cases/{by_phone}/steps/planned-time"))
        .await;
    assert!(!page.body.contains("name=\"send\""));
    // Whatever the browser sends, no message goes out without an offer.
    let version = desk.version(by_phone).await;
    let refused = desk
        .anna
        .post(
            &format!("/cases/{by_phone}/steps/planned-time"),
            &[
                ("version", &version),
                ("planned_on", "2099-01-01"),
                ("send", "on"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        crate::harness::count(&desk.app.pool, "SELECT count(*) FROM client_messages").await,
        0
    );
}

/// The messages' table of /figures as `supervisor` sees it, and what follows it.
async fn messages_figures(supervisor: &Client) -> String {
    let figures = supervisor.get("/figures").await;
    figures
        .body
        .split("id=\"messages-per-centre\"")
        .nth(1)
        .expect("the messages' figures")
        .to_owned()
}

#[tokio::test]
async fn a_relay_that_is_down_is_tried_again_then_the_message_fails_and_the_desk_is_told_to_phone()
{
    // Nothing listens on this port: every attempt meets a closed door.
    let port = free_port();
    let desk = Desk::new(smtp_config(port)).await;
    let id = desk.case_awaiting_planned_time(("email", ADDRESS)).await;
    desk.send_planned_time(id, "lv").await;
    let worker = desk.worker();

    assert_eq!(worker.deliver_due(None).await, 1);
    assert_eq!(
        desk.status(id).await,
        ("queued".into(), 1, Some("unreachable".into()))
    );
    // Not due again before its back-off has passed.
    assert_eq!(worker.deliver_due(None).await, 0);
    for attempt in 2..=pilnvara::domain::messages::MAX_ATTEMPTS {
        desk.app.clock.advance(TimeDelta::minutes(31));
        assert_eq!(worker.deliver_due(None).await, 1, "attempt {attempt}");
    }
    let (status, attempts, reason) = desk.status(id).await;
    assert_eq!(
        (status.as_str(), attempts, reason.as_deref()),
        ("failed", 5, Some("unreachable"))
    );
    desk.app.clock.advance(TimeDelta::hours(2));
    assert_eq!(
        worker.deliver_due(None).await,
        0,
        "a failed message is not tried again"
    );

    // The desk sees it on its list and on the case, and records telling the client by phone
    // (signed in again: the clock moved past the session's idle timeout).
    let anna = desk.app.signed_in("anna").await;
    let list = anna.get("/cases").await;
    assert!(
        list.body
            .contains("Klientu neizdevās informēt — piezvaniet"),
        "{}",
        list.body
    );
    assert!(list.body.contains(&format!("/cases/{id}#messages")));
    let page = anna.get(&format!("/cases/{id}")).await;
    assert!(
        page.body
            .contains("Klientu neizdevās informēt: piezvaniet klientam")
    );
    assert!(page.body.contains("nebija sasniedzams"), "{}", page.body);
    // The supervisor's figures count it as failed and still to phone.
    desk.app
        .user("zane", Role::Supervisor, "RIX", &["RIX"])
        .await;
    let table = messages_figures(&desk.app.signed_in("zane").await).await;
    assert!(table.contains("<td>0</td><td>1</td><td>1</td>"), "{table}");
    let message: i64 = sqlx::query_scalar("SELECT id FROM client_messages WHERE case_id = $1")
        .bind(id.0)
        .fetch_one(&desk.app.pool)
        .await
        .unwrap();
    let told = anna
        .post(
            &format!("/cases/{id}/messages/{message}/told"),
            &[("told_via", "phone")],
        )
        .await;
    assert_eq!(
        told.location(),
        Some(format!("/cases/{id}?notice=told-instead").as_str())
    );
    let list = anna.get("/cases").await;
    assert!(!list.body.contains(&format!("/cases/{id}#messages")));
    // The figures follow: still failed, no longer to phone, and equal to a recount.
    let table = messages_figures(&desk.app.signed_in("zane").await).await;
    assert!(table.contains("<td>0</td><td>1</td><td>0</td>"), "{table}");
    assert_eq!(
        pilnvara::store::figures::differences(&desk.app.pool)
            .await
            .unwrap(),
        [0, 0, 0, 0]
    );
    let actions = audit_actions(&desk.app.pool, id).await;
    assert!(
        actions.ends_with(&[
            "message-failed".to_owned(),
            "client-told-instead".to_owned()
        ]),
        "{actions:?}"
    );
    chain_verifies(&desk.app.pool, id).await;
}

#[tokio::test]
async fn queued_messages_are_delivered_once_each_across_a_worker_restart() {
    let smtp = SmtpServer::start().await;
    let desk = Desk::new(smtp.config()).await;
    let mut cases = Vec::new();
    for _ in 0..3 {
        let id = desk.case_awaiting_planned_time(("email", ADDRESS)).await;
        desk.send_planned_time(id, "lv").await;
        cases.push(id);
    }
    // A worker that runs, is stopped, and another that starts on what is left.
    let (stop, stopping) = tokio::sync::watch::channel(false);
    let first = tokio::spawn(desk.worker().run(stopping));
    wait_for(
        Duration::from_secs(30),
        "the first worker to deliver",
        || async { smtp.received().await.len() == 3 },
    )
    .await;
    stop.send(true).unwrap();
    first.await.unwrap();
    // The second worker looks for due messages only once a minute: what wakes it within the
    // deadline is the NOTIFY of a message being queued.
    let (stop, stopping) = tokio::sync::watch::channel(false);
    let pool = desk.app.pool.clone();
    let slow = worker_on(&desk.app, pool, &desk.config, Duration::from_secs(60));
    let second = tokio::spawn(slow.run(stopping));
    for _ in 0..2 {
        let id = desk.case_awaiting_planned_time(("email", ADDRESS)).await;
        desk.send_planned_time(id, "en").await;
        cases.push(id);
    }
    let queued = std::time::Instant::now();
    wait_for(
        Duration::from_secs(10),
        "the second worker to deliver",
        || async {
            crate::harness::count(
                &desk.app.pool,
                "SELECT count(*) FROM client_messages WHERE status = 'sent'",
            )
            .await
                == 5
        },
    )
    .await;
    eprintln!(
        "queued to accepted by the relay, woken by NOTIFY: {:?}",
        queued.elapsed()
    );
    stop.send(true).unwrap();
    second.await.unwrap();
    let received = smtp.received().await;
    let mut ids: Vec<&str> = received.iter().map(|m| m.message_id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!((received.len(), ids.len()), (5, 5), "each message once");
    let sent: i64 = sqlx::query_scalar("SELECT sum(sent)::bigint FROM figures_messages")
        .fetch_one(&desk.app.pool)
        .await
        .unwrap();
    assert_eq!(sent, 5, "the figures count each message sent once");
    assert_eq!(
        pilnvara::store::figures::differences(&desk.app.pool)
            .await
            .unwrap(),
        [0, 0, 0, 0]
    );
}

#[tokio::test]
async fn a_worker_that_died_while_sending_leaves_its_message_unsent_again_and_the_desk_phones() {
    let smtp = SmtpServer::start().await;
    let desk = Desk::new(smtp.config()).await;
    let id = desk.case_awaiting_planned_time(("email", ADDRESS)).await;
    desk.send_planned_time(id, "lv").await;
    // A worker claims the message and dies before it notes anything (it may have been sent).
    let claimed = pilnvara::store::messages::claim(&desk.app.pool, desk.app.clock.now())
        .await
        .unwrap();
    assert!(claimed.is_some());
    let worker = desk.worker();
    assert_eq!(
        worker.deliver_due(None).await,
        0,
        "a claimed message is not another's to send"
    );
    desk.app
        .clock
        .advance(pilnvara::domain::messages::SENDING_LEASE + TimeDelta::seconds(1));
    assert_eq!(worker.deliver_due(None).await, 0);
    let (status, _, reason) = desk.status(id).await;
    assert_eq!(
        (status.as_str(), reason.as_deref()),
        ("failed", Some("outcome-unknown"))
    );
    assert!(smtp.received().await.is_empty(), "never sent a second time");
    let page = desk.anna.get(&format!("/cases/{id}")).await;
    assert!(
        page.body
            .contains("Klientu neizdevās informēt: piezvaniet klientam")
    );
}

#[tokio::test]
async fn two_instances_deliver_each_message_once() {
    let smtp = SmtpServer::start().await;
    let (pool, name) = fresh_named_database().await;
    let desk = Desk::on(pool, smtp.config()).await;
    let mut cases = Vec::new();
    for _ in 0..8 {
        let id = desk.case_awaiting_planned_time(("email", ADDRESS)).await;
        desk.send_planned_time(id, "lv").await;
        cases.push(id);
    }
    // Two instances: two pools on the database, two workers, woken together.
    let other = PgPool::connect(&crate::harness::database_url(&name))
        .await
        .unwrap();
    let (one, two) = (
        desk.worker(),
        worker_on(&desk.app, other, &desk.config, Duration::from_millis(50)),
    );
    let (first, second) = tokio::join!(one.deliver_due(None), two.deliver_due(None));
    assert_eq!(
        first + second,
        8,
        "every message was attempted once: {first} + {second}"
    );
    let received = smtp.received().await;
    let mut ids: Vec<&str> = received.iter().map(|m| m.message_id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!((received.len(), ids.len()), (8, 8));
    assert_eq!(
        crate::harness::count(
            &desk.app.pool,
            "SELECT count(*) FROM client_messages WHERE status = 'sent' AND attempts = 1"
        )
        .await,
        8
    );
}

#[tokio::test]
async fn what_the_client_was_told_is_committed_in_the_case_chain_and_a_changed_text_is_found() {
    let smtp = SmtpServer::start().await;
    let desk = Desk::new(smtp.config()).await;
    let id = desk.case_awaiting_planned_time(("email", ADDRESS)).await;
    desk.send_planned_time(id, "lv").await;
    desk.worker().deliver_due(None).await;
    chain_verifies(&desk.app.pool, id).await;
    // Someone with the owner's rights rewrites what the client was told, behind the product.
    crate::evidence::tamper(
        &desk.app.pool,
        &[&format!(
            "UPDATE client_messages SET body = 'Jūsu pieteikums ir noraidīts.' WHERE case_id = {id}"
        )],
    )
    .await;
    let check = pilnvara::audit::verify::verify_chain(&desk.app.pool, &format!("case:{id}"), None)
        .await
        .unwrap();
    let failure = check.data.failure.expect("verify finds the changed text");
    assert_eq!(failure.table, Some("client_messages"));
    assert!(failure.part.starts_with("message:"), "{failure}");
    assert!(
        matches!(
            failure.problem,
            pilnvara::audit::commitment::DataProblem::Changed {
                component: pilnvara::audit::commitment::Component::Personal,
                ..
            }
        ),
        "{failure}"
    );
}

#[tokio::test]
async fn retention_empties_the_outbox_rows_and_the_chain_still_verifies() {
    let smtp = SmtpServer::start().await;
    let desk = Desk::new(smtp.config()).await;
    let id = desk.case_awaiting_planned_time(("email", ADDRESS)).await;
    desk.send_planned_time(id, "lv").await;
    desk.worker().deliver_due(None).await;
    desk.app.clock.advance(TimeDelta::days(366 * 11));
    let run = pilnvara::service::erasure::run(&desk.app.pool, desk.app.clock.as_ref())
        .await
        .unwrap();
    assert!(run.erased.contains(&id));
    let row: (Option<String>, Option<String>, Option<String>, String) = sqlx::query_as(
        "SELECT address, subject, body, status FROM client_messages WHERE case_id = $1",
    )
    .bind(id.0)
    .fetch_one(&desk.app.pool)
    .await
    .unwrap();
    assert_eq!(row, (None, None, None, "sent".to_owned()));
    chain_verifies(&desk.app.pool, id).await;
    // The application's role cannot put them back or remove the row.
    let refused = sqlx::query("UPDATE client_messages SET body = 'x' WHERE case_id = $1")
        .bind(id.0)
        .execute(&desk.app.pool)
        .await;
    assert!(refused.is_err());
}

// ---------------------------------------------------------------------------------------------
// SMS

/// An HTTP server on loopback that answers like an SMS provider: 200 with an id, or 400 for a
/// number it refuses; what it was sent is kept.
#[derive(Clone, Default)]
struct Provider {
    received: Arc<Mutex<Vec<serde_json::Value>>>,
}

impl Provider {
    async fn start(&self) -> SocketAddr {
        use axum::routing::post;
        let received = self.received.clone();
        let app = axum::Router::new().route(
            "/send",
            post(move |axum::Json(body): axum::Json<serde_json::Value>| {
                let received = received.clone();
                async move {
                    let mut received = received.lock().unwrap();
                    received.push(body.clone());
                    if body["to"] == "+37129999999" {
                        (
                            StatusCode::BAD_REQUEST,
                            axum::Json(serde_json::json!({"error": "invalid number"})),
                        )
                    } else {
                        let id = format!("prov-{}", received.len());
                        (
                            StatusCode::OK,
                            axum::Json(serde_json::json!({"message": {"id": id}})),
                        )
                    }
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        address
    }
}

const REPORT_SECRET: &str = "a shared secret of the provider";

fn sms_config(provider: SocketAddr) -> Config {
    let url = format!("http://{provider}/send");
    Config::from_lookup(|name| {
        match name {
            "PILNVARA_SMS_URL" => Some(url.as_str()),
            "PILNVARA_SMS_TOKEN" => Some("provider-token"),
            "PILNVARA_SMS_BODY" => {
                Some(r#"{"to":"{to}","text":"{text}","from":"{sender}","ref":"{reference}"}"#)
            }
            "PILNVARA_SMS_ID_FIELD" => Some("/message/id"),
            "PILNVARA_SMS_REPORT_SECRET" => Some(REPORT_SECRET),
            _ => None,
        }
        .map(str::to_owned)
    })
    .unwrap()
}

fn signed(body: &str, secret: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body.as_bytes());
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

async fn report(anna: &Client, body: &str, signature: &str) -> StatusCode {
    reqwest::Client::new()
        .post(format!("{}/sms/reports", anna.base))
        .header("x-signature", signature)
        .body(body.to_owned())
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn an_sms_is_accepted_then_reported_delivered_and_a_forged_report_is_refused() {
    let provider = Provider::default();
    let address = provider.start().await;
    let desk = Desk::new(sms_config(address)).await;
    let id = desk.case_awaiting_planned_time(("phone", PHONE)).await;
    let shown = desk.send_planned_time(id, "lv").await;
    assert!(shown.contains("id=\"sms-segments\""), "{shown}");
    desk.worker().deliver_due(None).await;
    let sent = provider.received.lock().unwrap()[0].clone();
    assert_eq!(sent["to"], PHONE);
    assert!(
        sent["text"]
            .as_str()
            .unwrap()
            .contains("Ģimenes valsts pabalsta pieprasīšana")
    );
    assert_eq!(desk.status(id).await.0, "sent");

    // A report whose signature does not check out changes nothing.
    let body = r#"{"id":"prov-1","status":"delivered"}"#;
    assert_eq!(
        report(&desk.anna, body, &signed(body, "guessed")).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(report(&desk.anna, body, "").await, StatusCode::UNAUTHORIZED);
    assert_eq!(desk.status(id).await.0, "sent");
    // The provider's own report is noted, once.
    assert_eq!(
        report(&desk.anna, body, &signed(body, REPORT_SECRET)).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        report(&desk.anna, body, &signed(body, REPORT_SECRET)).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(desk.status(id).await.0, "delivered");
    let page = desk.anna.get(&format!("/cases/{id}")).await;
    assert!(page.body.contains("piegādāta"), "{}", page.body);
    let actions = audit_actions(&desk.app.pool, id).await;
    assert_eq!(
        actions.iter().filter(|a| *a == "message-delivered").count(),
        1
    );
    chain_verifies(&desk.app.pool, id).await;
}

#[tokio::test]
async fn an_sms_the_provider_refuses_fails_at_once_with_the_reason() {
    let provider = Provider::default();
    let address = provider.start().await;
    let desk = Desk::new(sms_config(address)).await;
    let id = desk
        .case_awaiting_planned_time(("phone", "+37129999999"))
        .await;
    desk.send_planned_time(id, "lv").await;
    desk.worker().deliver_due(None).await;
    assert_eq!(
        desk.status(id).await,
        ("failed".into(), 1, Some("rejected".into()))
    );
    let page = desk.anna.get(&format!("/cases/{id}")).await;
    assert!(page.body.contains("ziņu atteica"), "{}", page.body);
}

#[tokio::test]
async fn an_sms_provider_that_cannot_be_reached_is_tried_again_later() {
    let closed: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
    let desk = Desk::new(sms_config(closed)).await;
    let id = desk.case_awaiting_planned_time(("phone", PHONE)).await;
    desk.send_planned_time(id, "lv").await;
    assert_eq!(desk.worker().deliver_due(None).await, 1);
    assert_eq!(
        desk.status(id).await,
        ("queued".into(), 1, Some("unreachable".into()))
    );
}

#[tokio::test]
async fn a_message_too_long_for_one_sms_shows_its_segments_before_sending() {
    let provider = Provider::default();
    let address = provider.start().await;
    let desk = Desk::new(sms_config(address)).await;
    let id = desk.case_awaiting_planned_time(("phone", PHONE)).await;
    // The default Latvian text has letters outside GSM-7: 70 characters a single SMS.
    let shown = desk.send_planned_time(id, "lv").await;
    assert!(shown.contains("daļās"), "{shown}");
}

// ---------------------------------------------------------------------------------------------
// Logs

#[tokio::test]
async fn the_server_logs_no_personal_data_while_sending() {
    let smtp = SmtpServer::start().await;
    let (pool, name) = fresh_named_database().await;
    let desk = Desk::on(pool, smtp.config()).await;
    let id = desk.case_awaiting_planned_time(("email", ADDRESS)).await;
    desk.send_planned_time(id, "lv").await;
    // The real server process delivers it, with its logs at `debug`.
    let log = tempfile::NamedTempFile::new().unwrap();
    let data = tempfile::tempdir().unwrap();
    let mut command =
        crate::harness::pilnvara_on(&crate::harness::database_url(&name), data.path());
    command
        .env("PILNVARA_SMTP_HOST", "127.0.0.1")
        .env("PILNVARA_SMTP_PORT", smtp.port.to_string())
        .env("PILNVARA_SMTP_TLS", "none")
        .env("PILNVARA_SMTP_FROM", "vpvkac@adazi.example.lv");
    let (mut server, _) = crate::harness::serving_logged_to(command, log.path(), "debug").await;
    wait_for(
        Duration::from_secs(30),
        "the server to send the message",
        || async { smtp.received().await.len() == 1 },
    )
    .await;
    assert!(crate::harness::terminate(&mut server).await);
    let logged = std::fs::read_to_string(log.path()).unwrap();
    assert!(logged.contains("message accepted by the relay"), "{logged}");
    let body = smtp.received().await[0].body.clone();
    for personal in [
        ADDRESS,
        CLIENT.personal_code,
        CLIENT.given_names,
        CLIENT.surnames,
        body.trim(),
    ] {
        assert!(!logged.contains(personal), "the log holds {personal:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// The texts

#[tokio::test]
async fn a_text_with_an_unknown_placeholder_is_refused_when_saved_and_a_sent_version_stays() {
    let smtp = SmtpServer::start().await;
    let desk = Desk::new(smtp.config()).await;
    desk.app.user("admin2", Role::Admin, "RIX", &[]).await;
    let admin = desk.app.signed_in("admin2").await;
    let page = admin.get("/admin/messages?lang=lv&step=result").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("E-pakalpojuma rezultāts"),
        "{}",
        page.body
    );

    let typed = "Labdien, {client_name}! Rezultāts: {result}.";
    let refused = admin
        .post(
            "/admin/messages",
            &[
                ("eservice", ""),
                ("lang", "lv"),
                ("step", "result"),
                ("subject", "Rezultāts"),
                ("body", typed),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("nezināma vieta figūriekavās"),
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains("Labdien, {client_name}!"),
        "what was typed is kept"
    );
    assert_eq!(
        crate::harness::count(&desk.app.pool, "SELECT count(*) FROM message_templates").await,
        4
    );

    // A version that was sent is final; a change is a new version, used from then on.
    let id = desk.case_awaiting_planned_time(("email", ADDRESS)).await;
    desk.send_planned_time(id, "lv").await;
    let edited = sqlx::query(
        "UPDATE message_templates SET body = 'x' WHERE lang = 'lv' AND step = 'planned-time'",
    )
    .execute(&desk.app.pool)
    .await;
    assert!(edited.is_err(), "a sent version cannot be edited");
    let saved = admin
        .post(
            "/admin/messages",
            &[
                ("eservice", ""),
                ("lang", "lv"),
                ("step", "planned-time"),
                ("subject", "Plānotais laiks"),
                ("body", "{eservice}: līdz {planned_on}."),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let versions: Vec<i32> = sqlx::query_scalar(
        "SELECT version FROM message_templates WHERE lang = 'lv' AND step = 'planned-time' ORDER BY version",
    )
    .fetch_all(&desk.app.pool)
    .await
    .unwrap();
    assert_eq!(versions, [1, 2]);
    let second = desk.case_awaiting_planned_time(("email", ADDRESS)).await;
    let shown = desk.send_planned_time(second, "lv").await;
    assert!(shown.contains("Plānotais laiks"), "{shown}");
    let saved_events = crate::harness::count(
        &desk.app.pool,
        "SELECT count(*) FROM audit_events WHERE action = 'message-template-saved'",
    )
    .await;
    assert_eq!(saved_events, 1);
}

// ---------------------------------------------------------------------------------------------
// Accessibility

#[tokio::test]
async fn the_message_pages_pass_axe() {
    use crate::browser::{Browser, Outcome};
    use crate::e2e::desk::{SUBMIT, check, in_five_days};

    let provider = Provider::default();
    let address = provider.start().await;
    let desk = Desk::new(sms_config(address)).await;
    // The provider refuses this number: the message fails at its first attempt.
    let id = desk
        .case_awaiting_planned_time(("phone", "+37129999999"))
        .await;
    let Some(browser) = Browser::open(&desk.app, "message_pages").await else {
        return;
    };
    let desk = &desk;
    browser
        .run(async |b: &Browser| -> Outcome {
            b.sign_in("anna", crate::harness::TEST_PASSWORD).await?;
            b.check(&format!("/cases/{id}/steps/planned-time")).await?;
            b.set_date("#planned_on", &in_five_days(&desk.app)).await?;
            check(b, "#send").await?;
            b.submit(SUBMIT).await?;
            b.find("#message-preview").await?;
            b.find("#sms-segments").await?;
            b.assert_accessible("the message before it is sent").await?;
            b.submit(SUBMIT).await?;
            desk.worker().deliver_due(None).await;
            b.check(&format!("/cases/{id}")).await?;
            crate::ensure!(
                b.main_text().await?.contains("piezvaniet klientam"),
                "the case says to phone the client"
            );
            b.check("/cases").await?;
            Ok(())
        })
        .await;
}

// ---------------------------------------------------------------------------------------------
// The centre's reminders

#[tokio::test]
async fn the_centre_gets_a_daily_reminder_with_case_numbers_and_no_client_data() {
    let smtp = SmtpServer::start().await;
    let desk = Desk::new(smtp.config()).await;
    sqlx::query(
        "UPDATE centres SET contact = '{\"email\": \"rix@example.lv\"}' WHERE code = 'RIX'",
    )
    .execute(&desk.app.pool)
    .await
    .unwrap();
    // Told the planned date (a month on) in person; the result, which the client asked for, is
    // still to come.
    let late = desk
        .case(("phone", PHONE), Goes::To(Step::PlannedTime))
        .await;
    let on_time = desk.case_awaiting_planned_time(("phone", PHONE)).await;
    let worker = desk.worker();
    assert_eq!(worker.digest_if_due().await, 0, "nothing is late yet");
    desk.app.clock.advance(TimeDelta::days(40));
    assert_eq!(worker.digest_if_due().await, 1);
    assert_eq!(worker.digest_if_due().await, 0, "once a day");
    let anna = desk.app.signed_in("anna").await;
    let list = anna.get("/cases").await;
    let reminders = list.body.split("id=\"reminders\"").nth(1).unwrap();
    assert!(
        reminders.contains(&format!("/cases/{late}\"")),
        "{reminders}"
    );
    assert!(!reminders.contains(&format!("/cases/{on_time}\"")));

    let received = smtp.received().await;
    assert_eq!(received.len(), 1);
    let digest = &received[0];
    assert!(digest.to.contains("rix@example.lv"));
    assert!(
        digest
            .body
            .contains("Plānotais laiks pagājis, rezultāts nav ierakstīts: 1"),
        "{}",
        digest.body
    );
    assert!(
        digest.body.contains(&format!("Cases: {late}\n")),
        "{}",
        digest.body
    );
    for personal in [
        CLIENT.personal_code,
        CLIENT.given_names,
        CLIENT.surnames,
        CLIENT.portal_reference,
    ] {
        assert!(!digest.body.contains(personal));
    }
}
