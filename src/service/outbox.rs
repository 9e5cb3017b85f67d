//! Telling the client by e-mail or SMS: composing the message the desk sees, putting it in the
//! outbox in the duty's transaction (`cases::record_step_sending`), the worker that delivers it,
//! the SMS provider's delivery reports, and the desk's note that it told the client another way
//! after a failure.
//!
//! **When the duty is done.** The step is recorded when the message is queued (the case moves
//! on), with `sent_by` in its data; the client counts as informed once the relay or provider
//! accepts the message (`sent`). A failure (`failed`, with the reason) puts the case on the
//! desk's "could not inform the client: phone them" list until the employee records how the
//! client was told instead (`told_instead`), which is the duty's proof from then on.
//!
//! **Once, not twice.** A worker claims one message at a time (`queued` → `sending`, one
//! statement with `FOR UPDATE SKIP LOCKED`, committed before the relay is called), so several
//! workers or server instances never claim the same message, and no transaction, lock or pooled
//! connection is held while the relay is talked to. The outcome is noted afterwards with its
//! audit event. A worker that dies between the relay's acceptance and the noting leaves the
//! message `sending`; after [`SENDING_LEASE`] it becomes `failed` with reason
//! `outcome-unknown` and is never sent again: the desk phones the client rather than risk a
//! second message. A server that is stopped (SIGTERM) finishes the message in hand first.
//!
//! Nothing here logs an address, a message text or a name: ids and codes only.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, NaiveDateTime, Utc};
use hmac::{Hmac, Mac};
use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use serde_json::json;
use sha2::Sha256;
use sqlx::postgres::PgListener;
use sqlx::{PgConnection, PgPool, Postgres, Transaction};

use crate::audit::{self, Action, Chain, Event};
use crate::clock::Clock;
use crate::config::{Messaging, SmsSettings, SmtpSecurity, SmtpSettings};
use crate::db::Source;
use crate::domain::ids::{CaseId, CentreId};
use crate::domain::messages::{
    self, FailureReason, MessageChannel, MessageStatus, SENDING_LEASE, Values,
};
use crate::domain::steps::ContactChannel;
use crate::domain::workflow::Step;
use crate::service::Staff;
use crate::store::messages::{self as store, Claimed, NewMessage};

/// The message the desk is shown and then sends: exactly what goes out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub channel: MessageChannel,
    pub lang: &'static str,
    pub template_id: i64,
    /// The client's e-mail address or phone number (personal data: never logged).
    pub address: String,
    /// E-mail only; an SMS is the body alone.
    pub subject: String,
    pub body: String,
}

impl Outgoing {
    /// A short fingerprint of exactly what is sent, which the desk's "send" confirms: if the
    /// text changed since it was shown (a template edited in between), it is shown again.
    pub fn fingerprint(&self) -> String {
        use sha2::Digest as _;
        let mut hash = Sha256::new();
        for part in [
            self.channel.code(),
            self.lang,
            &self.template_id.to_string(),
            &self.address,
            &self.subject,
            &self.body,
        ] {
            hash.update((part.len() as u64).to_be_bytes());
            hash.update(part.as_bytes());
        }
        hex::encode(&hash.finalize()[..12])
    }

    /// An SMS's segments (the desk sees them before sending).
    pub fn segments(&self) -> messages::Segments {
        messages::sms_segments(&self.body)
    }
}

/// Which channel the desk may send by for a client whose 22.¹3 contact is `contact`: e-mail for an
/// e-mail address, SMS for a phone number, each only when its relay is configured.
pub fn offered(messaging: &Messaging, contact: Option<ContactChannel>) -> Option<MessageChannel> {
    match contact? {
        ContactChannel::Email if messaging.smtp.is_some() => Some(MessageChannel::Email),
        ContactChannel::Phone if messaging.sms.is_some() => Some(MessageChannel::Sms),
        _ => None,
    }
}

/// What the message for `step` of case `case_id` says besides the facts of the case: the
/// planned date (dd.mm.gggg) or the result in words, in the message's language.
#[derive(Debug, Clone, Copy)]
pub struct Told<'a> {
    pub planned_on: &'a str,
    pub result: &'a str,
}

/// The message for `step` of case `case_id` in `lang`, by `channel` to `address`, from the
/// newest template version; `None` when there is no template (never on an installed database:
/// the defaults exist).
#[allow(clippy::too_many_arguments)]
pub async fn compose(
    connection: &mut PgConnection,
    case_id: CaseId,
    step: Step,
    channel: MessageChannel,
    lang: crate::i18n::Lang,
    address: &str,
    told: Told<'_>,
) -> Result<Option<Outgoing>, sqlx::Error> {
    let facts = store::case_facts(&mut *connection, case_id).await?;
    let Some(template) =
        store::template(&mut *connection, facts.eservice_id, lang.code(), step).await?
    else {
        return Ok(None);
    };
    let values = Values {
        eservice: lang.pick(&facts.eservice_lv, &facts.eservice_en).to_owned(),
        planned_on: told.planned_on.to_owned(),
        result: told.result.to_owned(),
        case: case_id.to_string(),
        centre: facts.centre,
        centre_phone: facts.contact.0.phone.clone(),
        centre_email: facts.contact.0.email.clone(),
    };
    Ok(Some(Outgoing {
        channel,
        lang: lang.code(),
        template_id: template.id,
        address: address.to_owned(),
        subject: messages::render(&template.subject, &values),
        body: messages::render(&template.body, &values),
    }))
}

/// Puts `message` for `step` of `case` in the outbox, with its `message-queued` event, inside
/// the duty's transaction. `domain`: the sender's domain, for the e-mail's Message-ID.
pub(crate) async fn queue(
    tx: &mut Transaction<'_, Postgres>,
    at: DateTime<Utc>,
    actor: Staff<'_>,
    (case_id, centre_id): (CaseId, CentreId),
    step: Step,
    message: &Outgoing,
    domain: Option<&str>,
) -> Result<i64, sqlx::Error> {
    let message_id = match (message.channel, domain) {
        (MessageChannel::Email, Some(domain)) => {
            Some(format!("<{}.pilnvara@{domain}>", uuid::Uuid::new_v4()))
        }
        _ => None,
    };
    let id = store::insert(
        tx,
        &NewMessage {
            case_id,
            step,
            channel: message.channel,
            template_id: message.template_id,
            lang: message.lang,
            address: &message.address,
            subject: &message.subject,
            body: &message.body,
            provider_id: message_id.as_deref(),
            at,
            by: actor.id,
        },
    )
    .await?;
    let details = json!({
        "message_id": id,
        "step": step.slug(),
        "channel": message.channel.code(),
        "template_id": message.template_id,
        "lang": message.lang,
    });
    let event = actor.event(
        audit::in_case(case_id, centre_id),
        Action::MessageQueued,
        details,
    );
    // The event commits to what was queued: the address, subject and text with the case's salt.
    audit::record_committing(tx, at, event, &[audit::Part::Message(id)]).await?;
    Ok(id)
}

// ---------------------------------------------------------------------------------------------
// The relays

/// What one attempt came to.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Attempt {
    /// Accepted; the provider's id of the message, if it gave one.
    Accepted(Option<String>),
    /// Not reached, or "try later": safe to try again (nothing was accepted).
    TryLater,
    /// Refused for good.
    Refused,
    /// The request went out and no answer came: it may have been accepted. Not tried again.
    Unknown,
}

struct EmailRelay {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

struct SmsRelay {
    client: reqwest::Client,
    settings: SmsSettings,
}

/// The configured relays.
pub struct Relays {
    email: Option<EmailRelay>,
    sms: Option<SmsRelay>,
}

impl std::fmt::Debug for Relays {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Relays")
            .field("email", &self.email.is_some())
            .field("sms", &self.sms.is_some())
            .finish()
    }
}

impl Relays {
    pub fn new(messaging: &Messaging) -> anyhow::Result<Self> {
        let email = messaging.smtp.as_ref().map(email_relay).transpose()?;
        let sms = match &messaging.sms {
            None => None,
            Some(settings) => Some(SmsRelay {
                client: reqwest::Client::builder()
                    .timeout(settings.timeout)
                    .redirect(reqwest::redirect::Policy::none())
                    .build()?,
                settings: settings.clone(),
            }),
        };
        Ok(Self { email, sms })
    }

    async fn send(&self, message: &Claimed) -> Option<Attempt> {
        let (Some(address), Some(body)) = (&message.address, &message.body) else {
            // Erased before it was sent (the case's retention passed): nothing to send.
            return Some(Attempt::Refused);
        };
        Some(match message.channel {
            MessageChannel::Email => {
                let relay = self.email.as_ref()?;
                let subject = message.subject.as_deref().unwrap_or_default();
                send_email(relay, message, address, subject, body).await
            }
            MessageChannel::Sms => {
                let relay = self.sms.as_ref()?;
                send_sms(relay, message.id, address, body).await
            }
        })
    }
}

fn email_relay(settings: &SmtpSettings) -> anyhow::Result<EmailRelay> {
    let builder = match settings.security {
        SmtpSecurity::StartTls => {
            AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&settings.host)?
        }
        SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&settings.host)?,
        SmtpSecurity::Plain => {
            AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&settings.host)
        }
    };
    let mut builder = builder.port(settings.port).timeout(Some(settings.timeout));
    if let Some((user, password)) = &settings.credentials {
        builder = builder.credentials(Credentials::new(user.clone(), password.expose().to_owned()));
    }
    Ok(EmailRelay {
        transport: builder.build(),
        from: settings.from.parse()?,
    })
}

async fn send_email(
    relay: &EmailRelay,
    message: &Claimed,
    address: &str,
    subject: &str,
    body: &str,
) -> Attempt {
    let Ok(to) = address.parse::<Mailbox>() else {
        return Attempt::Refused;
    };
    let built = lettre::Message::builder()
        .from(relay.from.clone())
        .to(to)
        .subject(subject)
        .message_id(message.provider_id.clone())
        .header(ContentType::TEXT_PLAIN)
        .body(body.to_owned());
    let Ok(email) = built else {
        return Attempt::Refused;
    };
    match relay.transport.send(email).await {
        Ok(_) => Attempt::Accepted(message.provider_id.clone()),
        Err(error) if error.is_permanent() => {
            tracing::warn!(message_id = message.id, "the SMTP relay refused a message");
            Attempt::Refused
        }
        Err(error) => {
            // The error's text may quote the address: only its kind is logged.
            tracing::warn!(
                message_id = message.id,
                transient = error.is_transient(),
                timeout = error.is_timeout(),
                "the SMTP relay did not take a message; it will be tried again"
            );
            Attempt::TryLater
        }
    }
}

/// `text` as the inside of a JSON string.
fn json_string_content(text: &str) -> String {
    let quoted = serde_json::Value::String(text.to_owned()).to_string();
    quoted[1..quoted.len() - 1].to_owned()
}

async fn send_sms(relay: &SmsRelay, id: i64, number: &str, text: &str) -> Attempt {
    let settings = &relay.settings;
    let body = settings
        .body
        .replace("{to}", &json_string_content(number))
        .replace("{text}", &json_string_content(text))
        .replace("{sender}", &json_string_content(&settings.sender))
        .replace("{reference}", &id.to_string());
    let mut request = relay
        .client
        .post(&settings.url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(body);
    if let Some(token) = &settings.token {
        request = request.bearer_auth(token.expose());
    }
    let response = match request.send().await {
        Ok(response) => response,
        // Not connected: nothing reached the provider, so it is safe to try again.
        Err(error) if error.is_connect() => {
            tracing::warn!(
                message_id = id,
                "the SMS provider was not reached; it will be tried again"
            );
            return Attempt::TryLater;
        }
        // The request went out and no answer came: the SMS may have been sent.
        Err(error) => {
            tracing::warn!(
                message_id = id,
                timeout = error.is_timeout(),
                "the SMS provider did not answer a message sent to it; not sent again"
            );
            return Attempt::Unknown;
        }
    };
    let status = response.status();
    if status.is_success() {
        let answer: serde_json::Value = response.json().await.unwrap_or_default();
        let provider_id = answer
            .pointer(&settings.id_field)
            .and_then(|value| match value {
                serde_json::Value::String(text) => Some(text.clone()),
                serde_json::Value::Number(number) => Some(number.to_string()),
                _ => None,
            });
        return Attempt::Accepted(provider_id);
    }
    tracing::warn!(
        message_id = id,
        status = status.as_u16(),
        "the SMS provider did not take a message"
    );
    if status.is_server_error() || status == reqwest::StatusCode::TOO_MANY_REQUESTS {
        Attempt::TryLater
    } else {
        Attempt::Refused
    }
}

// ---------------------------------------------------------------------------------------------
// The worker

/// Delivers the outbox: started by `serve`, one per instance.
#[derive(Clone)]
pub struct Worker {
    pool: PgPool,
    clock: Arc<dyn Clock>,
    relays: Arc<Relays>,
    /// How often it looks for due messages without being woken (retries fall due this way).
    poll: Duration,
}

/// How often a worker looks for due messages when nothing wakes it.
pub const POLL: Duration = Duration::from_secs(5);

impl Worker {
    pub fn new(pool: PgPool, clock: Arc<dyn Clock>, relays: Arc<Relays>, poll: Duration) -> Self {
        Self {
            pool,
            clock,
            relays,
            poll,
        }
    }

    /// Delivers until `stopping` turns true; a message in hand is finished (and noted) first.
    /// Woken by `NOTIFY client_messages` (a message queued), else every [`Worker::poll`].
    pub async fn run(self, mut stopping: tokio::sync::watch::Receiver<bool>) {
        let mut listener = match PgListener::connect_with(&self.pool).await {
            Ok(mut listener) => match listener.listen("client_messages").await {
                Ok(()) => Some(listener),
                Err(error) => {
                    tracing::warn!(%error, "outbox: LISTEN failed; polling only");
                    None
                }
            },
            Err(error) => {
                tracing::warn!(%error, "outbox: no listening connection; polling only");
                None
            }
        };
        // The daily digest is claimed (like the periodic jobs) at most once a minute.
        let mut digest_looked: Option<std::time::Instant> = None;
        loop {
            if *stopping.borrow() {
                return;
            }
            self.deliver_due(Some(&stopping)).await;
            if digest_looked.is_none_or(|at| at.elapsed() >= crate::service::jobs::TICK) {
                self.digest_if_due().await;
                digest_looked = Some(std::time::Instant::now());
            }
            let woken = async {
                match listener.as_mut() {
                    Some(listener) => {
                        if listener.recv().await.is_err() {
                            tokio::time::sleep(self.poll).await;
                        }
                    }
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                _ = stopping.wait_for(|stop| *stop) => return,
                () = tokio::time::sleep(self.poll) => {}
                () = woken => {}
            }
        }
    }

    /// Delivers every message due now (until `stopping`, if given, turns true); how many
    /// attempts were made.
    pub async fn deliver_due(
        &self,
        stopping: Option<&tokio::sync::watch::Receiver<bool>>,
    ) -> usize {
        if let Err(error) = self.give_up_abandoned().await {
            tracing::error!(%error, "outbox: looking for abandoned messages failed");
        }
        let mut attempts = 0;
        loop {
            if stopping.is_some_and(|stopping| *stopping.borrow()) {
                break;
            }
            let claimed = match store::claim(&self.pool, self.clock.now()).await {
                Ok(Some(claimed)) => claimed,
                Ok(None) => break,
                Err(error) => {
                    tracing::error!(%error, "outbox: claiming a message failed");
                    break;
                }
            };
            attempts += 1;
            let attempt = self.relays.send(&claimed).await;
            if let Err(error) = self.note(&claimed, attempt).await {
                // Left `sending`: after the lease it fails as outcome-unknown, never sent twice.
                tracing::error!(message_id = claimed.id, %error, "outbox: noting an attempt failed");
            }
            crate::metrics::message_attempted(claimed.channel.code());
        }
        attempts
    }

    /// Notes what the attempt came to (`None`: no relay for its channel).
    async fn note(&self, message: &Claimed, attempt: Option<Attempt>) -> Result<(), sqlx::Error> {
        let now = self.clock.now();
        let place = (message.case_id, message.centre_id);
        let sending = [MessageStatus::Sending];
        match attempt {
            Some(Attempt::Accepted(provider_id)) => {
                let mut tx = self.pool.begin().await?;
                let noted = store::note(
                    &mut tx,
                    message.id,
                    &sending,
                    MessageStatus::Sent,
                    now,
                    (provider_id.as_deref(), None),
                )
                .await?;
                if noted {
                    let details = json!({
                        "message_id": message.id,
                        "channel": message.channel.code(),
                        "attempts": message.attempts,
                    });
                    product_event(&mut tx, now, place, Action::MessageSent, details).await?;
                }
                tx.commit().await?;
                tracing::info!(
                    message_id = message.id,
                    "outbox: message accepted by the relay"
                );
            }
            Some(Attempt::TryLater) => match messages::retry_after(message.attempts) {
                Some(wait) => {
                    store::retry_at(
                        &self.pool,
                        message.id,
                        now + wait,
                        FailureReason::Unreachable,
                    )
                    .await?;
                }
                None => self.fail(message, FailureReason::Unreachable).await?,
            },
            Some(Attempt::Refused) => self.fail(message, FailureReason::Rejected).await?,
            Some(Attempt::Unknown) => self.fail(message, FailureReason::OutcomeUnknown).await?,
            None => self.fail(message, FailureReason::NotConfigured).await?,
        }
        Ok(())
    }

    async fn fail(&self, message: &Claimed, reason: FailureReason) -> Result<(), sqlx::Error> {
        let now = self.clock.now();
        let mut tx = self.pool.begin().await?;
        fail_in(
            &mut tx,
            now,
            (message.id, message.case_id, message.centre_id),
            &[MessageStatus::Sending],
            reason,
        )
        .await?;
        tx.commit().await?;
        tracing::warn!(
            message_id = message.id,
            reason = reason.code(),
            "outbox: message failed"
        );
        Ok(())
    }

    /// Once a day across instances (the `reminder-digest` job): to each centre with an e-mail
    /// address, the numbers of its cases whose planned time passed with no result, and of those
    /// whose client could not be informed; nothing about the clients. How many e-mails went.
    pub async fn digest_if_due(&self) -> usize {
        use crate::service::jobs::{self, Job};
        let Some(relay) = &self.relays.email else {
            return 0;
        };
        let now = self.clock.now();
        match jobs::claim(&self.pool, Job::ReminderDigest, now).await {
            Ok(true) => {}
            Ok(false) => return 0,
            Err(error) => {
                tracing::error!(%error, "outbox: claiming the reminder digest failed");
                return 0;
            }
        }
        let (sent, outcome) = match self.send_digests(relay).await {
            Ok(sent) => (sent, "ok"),
            Err(error) => {
                tracing::error!(%error, "outbox: the reminder digest failed");
                (0, "failed")
            }
        };
        tracing::info!(sent, "outbox: reminder digests sent");
        let finished = jobs::finish(&self.pool, Job::ReminderDigest, self.clock.now(), outcome);
        if let Err(error) = finished.await {
            tracing::error!(%error, "outbox: recording the digest's end failed");
        }
        sent
    }

    async fn send_digests(&self, relay: &EmailRelay) -> Result<usize, sqlx::Error> {
        const LISTED: i64 = 200;
        let now = self.clock.now();
        let today = crate::domain::today_in_riga(now);
        let mut sent = 0;
        for (centre_id, name, address) in store::centres_with_email(&self.pool).await? {
            let centres = [centre_id];
            let planned: Vec<CaseId> =
                store::planned_time_passed(&self.pool, &centres, today, LISTED)
                    .await?
                    .into_iter()
                    .map(|(id, _)| id)
                    .collect();
            let mut untold: Vec<CaseId> = store::untold_in(&self.pool, &centres, LISTED)
                .await?
                .into_iter()
                .map(|(id, _, _)| id)
                .collect();
            untold.sort_unstable();
            untold.dedup();
            if planned.is_empty() && untold.is_empty() {
                continue;
            }
            let body = digest_text(&name, today, &planned, &untold);
            let subject = format!(
                "{} / {}",
                crate::i18n::Lang::Lv.texts().messages.digest_subject,
                crate::i18n::Lang::En.texts().messages.digest_subject
            );
            let Ok(to) = address.parse::<Mailbox>() else {
                tracing::warn!(
                    centre_id = centre_id.0,
                    "outbox: a centre's e-mail address is not usable"
                );
                continue;
            };
            let email = lettre::Message::builder()
                .from(relay.from.clone())
                .to(to)
                .subject(subject)
                .header(ContentType::TEXT_PLAIN)
                .body(body);
            match email {
                Ok(email) => match relay.transport.send(email).await {
                    Ok(_) => sent += 1,
                    Err(error) => tracing::warn!(
                        centre_id = centre_id.0,
                        transient = error.is_transient(),
                        "outbox: a centre's reminder digest was not taken by the relay"
                    ),
                },
                Err(_) => continue,
            }
        }
        Ok(sent)
    }

    /// Messages whose worker stopped while sending: failed with `outcome-unknown`, not sent
    /// again (they may have left).
    async fn give_up_abandoned(&self) -> Result<(), sqlx::Error> {
        let now = self.clock.now();
        for (id, case_id, centre_id) in store::abandoned(&self.pool, now - SENDING_LEASE).await? {
            let mut tx = self.pool.begin().await?;
            fail_in(
                &mut tx,
                now,
                (id, case_id, centre_id),
                &[MessageStatus::Sending],
                FailureReason::OutcomeUnknown,
            )
            .await?;
            tx.commit().await?;
            tracing::warn!(
                message_id = id,
                "outbox: a message's worker stopped while sending; not sent again"
            );
        }
        Ok(())
    }
}

/// The digest of one centre, in Latvian then English: case numbers and counts only.
fn digest_text(
    centre: &str,
    today: chrono::NaiveDate,
    planned: &[CaseId],
    untold: &[CaseId],
) -> String {
    let numbers = |cases: &[CaseId]| {
        cases
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut text = String::new();
    for lang in crate::i18n::Lang::ALL {
        let m = lang.texts().messages;
        text.push_str(&format!(
            "{centre}, {}\n\n",
            crate::present::format::date(today)
        ));
        for (line, cases) in [(m.digest_planned, planned), (m.digest_untold, untold)] {
            if cases.is_empty() {
                continue;
            }
            text.push_str(&line.replace("{n}", &cases.len().to_string()));
            text.push_str(&format!("\n{} {}\n\n", m.digest_cases, numbers(cases)));
        }
        text.push('\n');
    }
    text
}

/// Marks message `(id, case, centre)` failed if it is in one of `from`, with its event.
async fn fail_in(
    tx: &mut Transaction<'_, Postgres>,
    now: DateTime<Utc>,
    (id, case_id, centre_id): (i64, CaseId, CentreId),
    from: &[MessageStatus],
    reason: FailureReason,
) -> Result<bool, sqlx::Error> {
    let noted = store::note(
        tx,
        id,
        from,
        MessageStatus::Failed,
        now,
        (None, Some(reason)),
    )
    .await?;
    if noted {
        let details = json!({ "message_id": id, "reason": reason.code() });
        product_event(
            tx,
            now,
            (case_id, centre_id),
            Action::MessageFailed,
            details,
        )
        .await?;
    }
    Ok(noted)
}

async fn product_event(
    tx: &mut Transaction<'_, Postgres>,
    at: DateTime<Utc>,
    (case_id, centre_id): (CaseId, CentreId),
    action: Action,
    details: serde_json::Value,
) -> Result<(), sqlx::Error> {
    let event = Event::by_the_product(Chain::Case(case_id), Some(centre_id), action, details);
    audit::record(tx, at, event).await
}

// ---------------------------------------------------------------------------------------------
// Delivery reports

/// What a delivery report came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Report {
    /// Its signature did not check out (or no secret is configured): refused, nothing changed.
    Forged,
    /// Not a report this interface understands.
    Unreadable,
    /// Noted (or already known, or of a message this server does not know).
    Noted,
}

/// A delivery report from the SMS provider: `signature` (hex HMAC-SHA256 of `body` under the
/// shared secret, optionally `sha256=`-prefixed) is checked before anything is read. The body
/// is JSON: `id` (the provider's message id) and `status` (`delivered`; `failed`,
/// `undelivered`, `rejected` or `expired`; anything else is an interim state and ignored).
pub async fn delivery_report(
    db: impl Source<'_>,
    clock: &dyn Clock,
    settings: &SmsSettings,
    signature: Option<&str>,
    body: &[u8],
) -> Result<Report, sqlx::Error> {
    let Some(secret) = &settings.report_secret else {
        return Ok(Report::Forged);
    };
    let Some(signature) = signature
        .map(|s| s.trim().trim_start_matches("sha256="))
        .and_then(|hex_text| hex::decode(hex_text).ok())
    else {
        return Ok(Report::Forged);
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.expose().as_bytes()) else {
        return Ok(Report::Forged);
    };
    mac.update(body);
    if mac.verify_slice(&signature).is_err() {
        return Ok(Report::Forged);
    }
    let Ok(report) = serde_json::from_slice::<serde_json::Value>(body) else {
        return Ok(Report::Unreadable);
    };
    let provider_id = match report.get("id") {
        Some(serde_json::Value::String(text)) => text.clone(),
        Some(serde_json::Value::Number(number)) => number.to_string(),
        _ => return Ok(Report::Unreadable),
    };
    let Some(status) = report.get("status").and_then(|s| s.as_str()) else {
        return Ok(Report::Unreadable);
    };
    let to = match status.to_ascii_lowercase().as_str() {
        "delivered" | "delivrd" => MessageStatus::Delivered,
        "failed" | "undelivered" | "undeliv" | "rejected" | "expired" => MessageStatus::Failed,
        _ => return Ok(Report::Noted),
    };
    let now = clock.now();
    let mut tx = db.begin().await?;
    let found = store::by_provider_id(&mut tx, MessageChannel::Sms, &provider_id).await?;
    let Some((id, case_id, centre_id, _)) = found else {
        return Ok(Report::Noted);
    };
    let place = (case_id, centre_id);
    match to {
        MessageStatus::Delivered => {
            if store::note(&mut tx, id, &[MessageStatus::Sent], to, now, (None, None)).await? {
                let details = json!({ "message_id": id });
                product_event(&mut tx, now, place, Action::MessageDelivered, details).await?;
            }
        }
        _ => {
            fail_in(
                &mut tx,
                now,
                (id, case_id, centre_id),
                &[MessageStatus::Sent],
                FailureReason::Undelivered,
            )
            .await?;
        }
    }
    tx.commit().await?;
    Ok(Report::Noted)
}

// ---------------------------------------------------------------------------------------------
// Told another way

/// What recording "told the client instead" did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToldInstead {
    Recorded,
    /// No such failed message still waiting for it on a case of the actor's centres.
    NotFound,
}

/// After message `message_id` of case `case_id` failed, the employee told the client `via` at
/// `told_at` (Europe/Riga) and records it, with its event in the case's chain.
pub async fn told_instead(
    db: impl Source<'_>,
    at: DateTime<Utc>,
    actor: Staff<'_>,
    (case_id, message_id): (CaseId, i64),
    via: ContactChannel,
    told_at: NaiveDateTime,
) -> Result<ToldInstead, sqlx::Error> {
    let mut tx = db.begin().await?;
    let Some(centre_id) = sqlx::query_scalar!(
        r#"SELECT centre_id AS "centre_id: CentreId" FROM cases WHERE id = $1 AND centre_id = ANY($2)"#,
        case_id as _,
        actor.centres as _,
    )
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Ok(ToldInstead::NotFound);
    };
    if !store::told_instead(&mut tx, (case_id, message_id), via, told_at, actor.id).await? {
        return Ok(ToldInstead::NotFound);
    }
    let details = json!({ "message_id": message_id, "told_via": via.code() });
    let event = actor.event(
        audit::in_case(case_id, centre_id),
        Action::ClientToldInstead,
        details,
    );
    audit::record(&mut tx, at, event).await?;
    tx.commit().await?;
    Ok(ToldInstead::Recorded)
}

// ---------------------------------------------------------------------------------------------
// The texts

/// A message text as an administrator saves it.
#[derive(Debug, Clone)]
pub struct TemplateInput {
    /// `None`: the default for every e-service without a text of its own.
    pub eservice_id: Option<i64>,
    pub lang: crate::i18n::Lang,
    pub step: Step,
    pub subject: String,
    pub body: String,
}

#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("the text is refused: {0}")]
    Invalid(crate::domain::steps::FieldErrors),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Saves `input` as the next version of its text (a sent version is never changed), with its
/// `message-template-saved` event in the system's chain; the version's number.
pub async fn save_template(
    db: impl Source<'_>,
    clock: &dyn Clock,
    actor: crate::service::Actor<'_>,
    input: &TemplateInput,
) -> Result<i32, TemplateError> {
    let (subject, body) =
        messages::check_template(&input.subject, &input.body).map_err(TemplateError::Invalid)?;
    let mut tx = db.begin().await?;
    // Two administrators saving at once take turns for the next version number.
    sqlx::query!("LOCK TABLE message_templates IN SHARE ROW EXCLUSIVE MODE")
        .execute(&mut *tx)
        .await?;
    let by = actor.staff_id();
    let version = store::add_template_version(
        &mut tx,
        input.eservice_id,
        input.lang.code(),
        input.step,
        (&subject, &body),
        by,
    )
    .await?;
    let details = json!({
        "eservice_id": input.eservice_id,
        "lang": input.lang.code(),
        "step": input.step.slug(),
        "version": version,
    });
    let event = actor.event(audit::SYSTEM, Action::MessageTemplateSaved, details);
    audit::record(&mut tx, clock.now(), event).await?;
    tx.commit().await?;
    Ok(version)
}
