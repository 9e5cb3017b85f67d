//! 22.¹2 confirmed with a qualified eID, against a real OpenID Connect provider (`oidc.rs`):
//! the verified step and its evidence, and every refusal — audited, with nothing recorded.

use std::future::pending;

use axum::http::StatusCode;
use chrono::Utc;
use openidconnect::core::{
    CoreIdToken, CoreIdTokenClaims, CoreJwsSigningAlgorithm, CoreRsaPrivateSigningKey,
};
use openidconnect::{
    Audience, AuthenticationContextClass, EmptyAdditionalClaims, EndUserName, IssuerUrl,
    JsonWebKeyId, LocalizedClaim, Nonce, StandardClaims, SubjectIdentifier,
};
use pilnvara::audit::verify;
use pilnvara::config::{ClientSecret, Config, OidcProvider};
use pilnvara::domain::ids::{CentreId, StaffId};
use pilnvara::domain::staff::{PersonLink, Role};
use pilnvara::domain::workflow::Step;
use pilnvara::oidc::{self, Expected, Refusal};
use pilnvara::service::Actor;
use pilnvara::service::accounts;
use pilnvara::service::demo::Goes;
use pilnvara::web;
use serde_json::Value;

use crate::browser::{Browser, Outcome};
use crate::cases::version;
use crate::ensure;
use crate::harness::{CLIENT, Client, TEST_PASSWORD, TestApp, count, fresh_database};
use crate::oidc::{ANNA_CODE, CLIENT_ID, CLIENT_SECRET, Provider, come_back, provider_config};

/// A desk whose 22.¹2 is confirmed by `provider`: employee `anna` (linked to the test person
/// `anna` by her personal code), signed in, and her case waiting for 22.¹2.
struct Desk {
    app: TestApp,
    anna: Client,
    provider: Provider,
    case: i64,
}

fn eid_config(base: &str, issuer: &str, fallback: bool) -> Config {
    let fallback = fallback.to_string();
    provider_config(
        base,
        "PILNVARA_EID",
        issuer,
        &[
            ("PILNVARA_EID_ACR_VALUES", "high"),
            ("PILNVARA_EID_MANUAL_FALLBACK", &fallback),
        ],
    )
}

impl Desk {
    async fn new() -> Self {
        Self::with(true).await
    }

    async fn with(fallback: bool) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let provider = Provider::start(&[format!("{base}/eid/callback")]).await;
        let app = TestApp::with_config(
            fresh_database().await,
            eid_config(&base, &provider.issuer, fallback),
        );
        let (anna, case) = desk_of(&app, listener, base).await;
        Self {
            app,
            anna,
            provider,
            case,
        }
    }

    /// Presses "Confirm with eID": where the desk sends the browser (the provider).
    async fn start(&self) -> String {
        let version = version(&self.app, self.case).await.to_string();
        let response = self
            .anna
            .post(
                &format!("/cases/{}/eid", self.case),
                &[("version", &version)],
            )
            .await;
        assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
        response.location().unwrap().to_owned()
    }

    async fn come_back(&self, client: &Client, callback: &str) -> crate::harness::TestResponse {
        come_back(client, callback).await
    }

    /// The whole walk: start, sign in at the provider as `person` with `means` at `level`, come
    /// back. The desk's last answer.
    async fn confirm(
        &self,
        person: &str,
        means: &str,
        level: &str,
    ) -> crate::harness::TestResponse {
        let authorization = self.start().await;
        let callback = self
            .provider
            .sign_in(&authorization, person, means, level)
            .await;
        self.come_back(&self.anna, &callback).await
    }

    /// Starts a confirmation and signs in at the provider as Anna with her eID card at level
    /// high: the provider's answer, not yet brought back.
    async fn answer_for_anna(&self) -> String {
        let authorization = self.start().await;
        self.provider
            .sign_in(&authorization, "anna", "eid-card", "high")
            .await
    }

    async fn steps(&self) -> i64 {
        crate::harness::scalar(
            &self.app,
            "SELECT count(*) FROM case_steps WHERE case_id = $1",
            self.case,
        )
        .await
    }

    /// The reasons of the refusals audited in the case's chain, oldest first.
    async fn refusals(&self) -> Vec<String> {
        sqlx::query_scalar(
            "SELECT details->>'reason' FROM audit_events
              WHERE case_id = $1 AND action = 'eid-confirmation-refused' ORDER BY sequence",
        )
        .bind(self.case)
        .fetch_all(&self.app.pool)
        .await
        .unwrap()
    }

    /// Asserts the walk ended on the 22.¹2 page saying why, audited, with nothing recorded.
    async fn assert_refused(&self, response: &crate::harness::TestResponse, refusal: Refusal) {
        let back = format!(
            "/cases/{}/steps/employee-eid?eid={}",
            self.case,
            refusal.code()
        );
        assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
        assert_eq!(response.location(), Some(back.as_str()));
        let page = self.anna.get(&back).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains(r#"id="eid-refused""#), "{}", page.body);
        assert!(
            page.body.contains("nekas netika ierakstīts"),
            "the page says nothing was recorded"
        );
        assert_eq!(self.refusals().await, [refusal.code()]);
        assert_eq!(self.steps().await, 1, "only 22.¹1 is recorded");
    }
}

/// Centre RIX, employee `anna` linked to the eID person of [`ANNA_CODE`], the application on
/// `listener`, `anna` signed in there, and her case at 22.¹2.
async fn desk_of(app: &TestApp, listener: tokio::net::TcpListener, base: String) -> (Client, i64) {
    let rix = app.centre("RIX").await;
    let anna_id = app.user("anna", Role::Employee, "RIX", &[]).await;
    let clock = app.clock.as_ref();
    accounts::link_person(
        &app.pool,
        &app.keys,
        clock,
        Actor::Operator,
        anna_id,
        PersonLink::Eid,
        Some(ANNA_CODE),
    )
    .await
    .unwrap();
    tokio::spawn(web::serve(listener, app.router.clone(), pending()));
    let anna = Client::new(base);
    let signed_in = anna.sign_in("anna", TEST_PASSWORD).await;
    assert_eq!(signed_in.status, StatusCode::SEE_OTHER);
    let case = app
        .desk_case(rix, anna_id, &CLIENT, Goes::To(Step::Identity))
        .await;
    // The provider signs with the real time; the desk's clock reads it too.
    app.set_clock(Utc::now());
    (anna, case.0)
}

/// `url` with its query parameter `name` set to `value` instead.
fn with_param(url: &str, name: &str, value: &str) -> String {
    let mut url = openidconnect::url::Url::parse(url).unwrap();
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(key, old)| {
            let new = if key == name {
                value.to_owned()
            } else {
                old.into_owned()
            };
            (key.into_owned(), new)
        })
        .collect();
    url.query_pairs_mut().clear().extend_pairs(pairs);
    url.into()
}

/// The step row of 22.¹2, as stored.
async fn eid_step(app: &TestApp, case: i64) -> Value {
    sqlx::query_scalar("SELECT data FROM case_steps WHERE case_id = $1 AND step = 'employee-eid'")
        .bind(case)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_verified_22_1_2_keeps_the_signed_token_and_the_providers_keys_which_verify_later() {
    let desk = Desk::new().await;
    let response = desk.confirm("anna", "eid-card", "high").await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    assert_eq!(
        response.location(),
        Some(format!("/cases/{}/steps/authorisation?notice=recorded", desk.case).as_str())
    );
    let data = eid_step(&desk.app, desk.case).await;
    assert_eq!(data["confirmation"], "verified");
    assert_eq!(data["means_code"], "eid-card");
    let evidence = &data["evidence"];
    assert_eq!(evidence["issuer"], desk.provider.issuer.as_str());
    assert_eq!(evidence["acr"], "high");
    assert_eq!(evidence["amr"], serde_json::json!(["eid-card"]));
    let token = evidence["id_token"].as_str().unwrap();
    assert_eq!(token.split('.').count(), 3, "a compact JWS");
    assert!(
        !token.contains(ANNA_CODE),
        "the token is kept as signed (base64url), not decoded"
    );
    // Years later, offline: the kept token's signature checks against the kept key set.
    oidc::verify_evidence(token, &evidence["jwks"], &desk.provider.issuer, CLIENT_ID).unwrap();
    // A token whose signature is changed in one character no longer does (a character in the
    // middle: the last one of base64url may only carry padding bits).
    let middle = token.rfind('.').unwrap() + 20;
    let changed = if &token[middle..=middle] == "A" {
        "B"
    } else {
        "A"
    };
    let forged = format!("{}{changed}{}", &token[..middle], &token[middle + 1..]);
    assert!(
        oidc::verify_evidence(&forged, &evidence["jwks"], &desk.provider.issuer, CLIENT_ID)
            .is_err()
    );
    // The step is committed in the case's chain like any other: the audit trail verifies.
    let all = verify::verify_all(&desk.app.pool, None).await.unwrap();
    assert!(all.is_ok(), "{:?} {:?}", all.failure, all.data.failure);
    let recorded: Value = sqlx::query_scalar(
        "SELECT details FROM audit_events
          WHERE case_id = $1 AND action = 'step-recorded' AND details->>'step' = 'employee-eid'",
    )
    .bind(desk.case)
    .fetch_one(&desk.app.pool)
    .await
    .unwrap();
    assert_eq!(recorded["confirmation"], "verified");
    assert!(
        !recorded.to_string().contains(token),
        "the audit event names the means, never the token"
    );
    // The case page says how 22.¹2 was confirmed.
    let page = desk.anna.get(&format!("/cases/{}", desk.case)).await;
    assert!(page.body.contains("pārbaudīts ar eID"), "{}", page.body);
    // Nothing of the answer reaches a URL after the callback.
    assert!(!response.location().unwrap().contains("code="));
}

/// The RIX row of each month of `months` in the figures' CSV: (22.¹2 declared, 22.¹2 verified).
async fn eid_figures(client: &Client, months: &[String]) -> Vec<(String, String)> {
    let (first, last) = (months.iter().min().unwrap(), months.iter().max().unwrap());
    let csv = client
        .get(&format!("/figures.csv?from={first}&to={last}"))
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    let lines: Vec<&str> = csv.body.trim_start_matches('\u{feff}').lines().collect();
    let header: Vec<&str> = lines[0].split(';').collect();
    let texts = pilnvara::i18n::Lang::Lv.texts().review;
    let column = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (declared, verified) = (column(texts.m_eid_declared), column(texts.m_eid_verified));
    months
        .iter()
        .map(|month| {
            let row: Vec<&str> = lines
                .iter()
                .find(|line| line.starts_with(&format!("RIX;{month};")))
                .unwrap_or_else(|| panic!("no row RIX {month}: {}", csv.body))
                .split(';')
                .collect();
            (row[declared].to_owned(), row[verified].to_owned())
        })
        .collect()
}

#[tokio::test]
async fn the_figures_tell_22_1_2_verified_with_eid_from_22_1_2_declared_per_centre_and_month() {
    let desk = Desk::new().await;
    let app = &desk.app;
    let response = desk.confirm("anna", "eid-card", "high").await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    assert_eq!(eid_step(app, desk.case).await["confirmation"], "verified");
    // Another case of the centre, its 22.¹2 chosen from the list (through the same service).
    let (rix, anna_id): (i64, i64) =
        sqlx::query_as("SELECT centre_id, opened_by FROM cases WHERE id = $1")
            .bind(desk.case)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let (rix, anna_id) = (CentreId(rix), StaffId(anna_id));
    let declared = app
        .desk_case(rix, anna_id, &CLIENT, Goes::To(Step::EmployeeEid))
        .await
        .0;
    assert_eq!(eid_step(app, declared).await["confirmation"], "declared");
    // A third, opened but its 22.¹2 not yet recorded: neither.
    app.desk_case(rix, anna_id, &CLIENT, Goes::To(Step::Identity))
        .await;

    let month = |case: i64| async move {
        sqlx::query_scalar::<_, String>(
            "SELECT to_char(opened_at AT TIME ZONE 'Europe/Riga', 'YYYY-MM') FROM cases WHERE id = $1",
        )
        .bind(case)
        .fetch_one(&app.pool)
        .await
        .unwrap()
    };
    let (verified_month, declared_month) = (month(desk.case).await, month(declared).await);
    let months = vec![verified_month.clone(), declared_month.clone()];
    app.user("vad", Role::Supervisor, "RIX", &["RIX"]).await;
    let supervisor = app.signed_in("vad").await;
    let count = |yes: bool| if yes { 1 } else { 0 };
    let expected: Vec<(String, String)> = months
        .iter()
        .map(|m| {
            (
                count(*m == declared_month).to_string(),
                count(*m == verified_month).to_string(),
            )
        })
        .collect();
    // The same month twice when both were opened in one: each once, then.
    let expected = if verified_month == declared_month {
        vec![("1".to_owned(), "1".to_owned()); 2]
    } else {
        expected
    };
    assert_eq!(eid_figures(&supervisor, &months).await, expected);
    // The page shows the two columns too.
    let page = supervisor
        .get(&format!(
            "/figures?from={}&to={}",
            months.iter().min().unwrap(),
            months.iter().max().unwrap()
        ))
        .await;
    let texts = pilnvara::i18n::Lang::Lv.texts().review;
    assert!(page.body.contains(texts.m_eid_declared), "{}", page.body);
    assert!(page.body.contains(texts.m_eid_verified), "{}", page.body);
    // The roll-up equals a recount of the cases; so after a rebuild.
    assert_eq!(
        pilnvara::store::figures::differences(&app.pool)
            .await
            .unwrap(),
        [0, 0, 0, 0]
    );
    pilnvara::store::figures::rebuild(&app.pool).await.unwrap();
    assert_eq!(eid_figures(&supervisor, &months).await, expected);
}

#[tokio::test]
async fn another_persons_eid_at_22_1_2_is_refused_audited_and_nothing_recorded() {
    let desk = Desk::new().await;
    let response = desk.confirm("peteris", "eid-card", "high").await;
    desk.assert_refused(&response, Refusal::OtherPerson).await;
}

#[tokio::test]
async fn a_means_not_on_the_administrators_list_is_refused_audited_and_nothing_recorded() {
    let desk = Desk::new().await;
    let response = desk.confirm("anna", "bank-link", "high").await;
    desk.assert_refused(&response, Refusal::Means).await;
}

#[tokio::test]
async fn the_administrators_list_decides_which_of_the_providers_means_is_qualified() {
    let desk = Desk::new().await;
    // Smart-ID becomes qualified here as the eID card's provider value (say the supervisory
    // register lists it); the card's own value no longer matches anything.
    desk.app.user("root", Role::Admin, "RIX", &[]).await;
    let admin = Client::new(desk.anna.base.clone());
    assert_eq!(
        admin.sign_in("root", TEST_PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    let form = [
        ("name_lv", "eID karte"),
        ("name_en", "eID card"),
        ("active", "on"),
        ("amr", "smart-id"),
    ];
    let saved = admin.post("/admin/eid-means/eid-card", &form).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let taken = admin
        .post(
            "/admin/eid-means/eparaksts-mobile",
            &[("name_lv", "m"), ("name_en", "m"), ("amr", "smart-id")],
        )
        .await;
    assert!(
        taken.body.contains("Citam līdzeklim jau ir šī vērtība."),
        "one value, one means: {}",
        taken.body
    );
    let response = desk.confirm("anna", "smart-id", "high").await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    assert_eq!(
        eid_step(&desk.app, desk.case).await["means_code"],
        "eid-card"
    );
}

#[tokio::test]
async fn a_level_below_high_is_refused_audited_and_nothing_recorded() {
    let desk = Desk::new().await;
    let response = desk.confirm("anna", "eid-card", "substantial").await;
    desk.assert_refused(&response, Refusal::Level).await;
}

#[tokio::test]
async fn a_token_with_another_nonce_is_refused_audited_and_nothing_recorded() {
    let desk = Desk::new().await;
    // The request the desk made, with its nonce swapped on the way to the provider: the
    // provider issues a token for that other nonce, which the desk did not send.
    let authorization = desk.start().await;
    let swapped = with_param(&authorization, "nonce", "a-nonce-of-someone-else");
    let callback = desk
        .provider
        .sign_in(&swapped, "anna", "eid-card", "high")
        .await;
    let response = desk.come_back(&desk.anna, &callback).await;
    desk.assert_refused(&response, Refusal::Nonce).await;
}

#[tokio::test]
async fn a_callback_with_another_state_is_refused_audited_and_nothing_recorded() {
    let desk = Desk::new().await;
    let callback = desk.answer_for_anna().await;
    let forged = with_param(&callback, "state", "forged");
    let response = desk.come_back(&desk.anna, &forged).await;
    desk.assert_refused(&response, Refusal::State).await;
}

#[tokio::test]
async fn a_replayed_callback_and_one_in_another_session_are_refused() {
    let desk = Desk::new().await;
    let callback = desk.answer_for_anna().await;
    // Another session of the same employee (another browser) gets the answer: it started no
    // confirmation, so it is refused, and the session that did start one is not disturbed.
    let other = Client::new(desk.anna.base.clone());
    assert_eq!(
        other.sign_in("anna", TEST_PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    let foreign = desk.come_back(&other, &callback).await;
    assert_eq!(foreign.status, StatusCode::BAD_REQUEST);
    assert!(
        foreign.body.contains(r#"id="eid-refused""#),
        "{}",
        foreign.body
    );
    assert_eq!(desk.steps().await, 1);
    // The session that started it finishes it.
    let response = desk.come_back(&desk.anna, &callback).await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    assert_eq!(desk.steps().await, 2);
    // The same answer again: the request it belonged to is gone.
    let replayed = desk.come_back(&desk.anna, &callback).await;
    assert_eq!(replayed.status, StatusCode::BAD_REQUEST);
    assert_eq!(desk.steps().await, 2, "recorded once");
    let refused = count(
        &desk.app.pool,
        "SELECT count(*) FROM audit_events
          WHERE action = 'eid-confirmation-refused' AND details->>'reason' = 'no-request'",
    )
    .await;
    assert_eq!(refused, 2);
}

#[tokio::test]
async fn an_unreachable_provider_gives_a_clear_page_and_22_1_2_can_still_be_declared() {
    // An issuer on a port where nothing listens.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let issuer = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = TestApp::with_config(fresh_database().await, eid_config(&base, &issuer, true));
    let (anna, case) = desk_of(&app, listener, base).await;
    let version = version(&app, case).await.to_string();
    let response = anna
        .post(&format!("/cases/{case}/eid"), &[("version", &version)])
        .await;
    let back = format!("/cases/{case}/steps/employee-eid?eid=unreachable");
    assert_eq!(response.location(), Some(back.as_str()));
    let page = anna.get(&back).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("neatbild"), "{}", page.body);
    // The form from the list is still there, and records 22.¹2 as declared.
    let used_at = pilnvara::domain::now_in_riga(pilnvara::clock::Clock::now(app.clock.as_ref()))
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    let recorded = anna
        .post(
            &format!("/cases/{case}/steps/employee-eid"),
            &[
                ("version", &version),
                ("means_code", "eparaksts-mobile"),
                ("used_at", &used_at),
            ],
        )
        .await;
    assert_eq!(recorded.status, StatusCode::SEE_OTHER, "{}", recorded.body);
    assert_eq!(eid_step(&app, case).await["confirmation"], "declared");
    // And the desk still signs people in by password.
    let again = Client::new(anna.base.clone());
    assert_eq!(
        again.sign_in("anna", TEST_PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn without_the_manual_fallback_22_1_2_is_only_confirmed_with_eid() {
    let desk = Desk::with(false).await;
    let page = desk
        .anna
        .get(&format!("/cases/{}/steps/employee-eid", desk.case))
        .await;
    assert!(page.body.contains(r#"id="eid-confirm-button""#));
    assert!(page.body.contains(r#"id="eid-manual-off""#));
    assert!(!page.body.contains(r#"name="means_code""#));
    let version = version(&desk.app, desk.case).await.to_string();
    let posted = desk
        .anna
        .post(
            &format!("/cases/{}/steps/employee-eid", desk.case),
            &[("version", &version), ("means_code", "eid-card")],
        )
        .await;
    assert_eq!(posted.status, StatusCode::BAD_REQUEST);
    assert_eq!(desk.steps().await, 1);
}

// ---------------------------------------------------------------------------------------------
// What the provider itself never issues: tokens signed here with the provider's own key (the
// one it publishes in its key set) or another key, each changed in one respect, against the
// key set the real provider serves. Each is refused by `oidc::check`, the one function every
// callback's token passes through (so the callback's refusal, audit and "nothing recorded",
// shown above for what the provider can produce, follow); the untouched token passes, so each
// test proves that its one change is what is refused.

struct Forge {
    provider: Provider,
    settings: OidcProvider,
    jwks: Value,
}

const NONCE: &str = "the-nonce-of-this-request";

impl Forge {
    async fn new() -> Self {
        let provider = Provider::start(&["http://127.0.0.1:9/eid/callback".to_owned()]).await;
        let jwks = reqwest::get(format!("{}/jwks", provider.issuer))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let settings = OidcProvider {
            issuer: provider.issuer.clone(),
            client_id: CLIENT_ID.to_owned(),
            client_secret: ClientSecret::new(CLIENT_SECRET),
            scopes: vec!["openid".to_owned()],
            person_claim: "sub".to_owned(),
            acr_values: vec!["high".to_owned()],
            means_claim: "amr".to_owned(),
        };
        Self {
            provider,
            settings,
            jwks,
        }
    }

    /// A token as the provider would issue it now, then `change`d, signed with `key`.
    fn token(
        &self,
        key: &str,
        change: impl FnOnce(CoreIdTokenClaims) -> CoreIdTokenClaims,
    ) -> String {
        let now = Utc::now();
        let claims = CoreIdTokenClaims::new(
            IssuerUrl::new(self.provider.issuer.clone()).unwrap(),
            vec![Audience::new(CLIENT_ID.to_owned())],
            now + chrono::Duration::minutes(5),
            now,
            StandardClaims::new(SubjectIdentifier::new("anna".to_owned())).set_name(Some(
                LocalizedClaim::from(EndUserName::new("Anna Bērziņa".to_owned())),
            )),
            EmptyAdditionalClaims {},
        )
        .set_nonce(Some(Nonce::new(NONCE.to_owned())))
        .set_auth_time(Some(now))
        .set_auth_context_ref(Some(AuthenticationContextClass::new("high".to_owned())));
        let kid = if key == "signing.pem" {
            "test-signing"
        } else {
            "never-published"
        };
        let key = CoreRsaPrivateSigningKey::from_pem(
            &self.provider.key_pem(key),
            Some(JsonWebKeyId::new(kid.to_owned())),
        )
        .unwrap();
        CoreIdToken::new(
            change(claims),
            &key,
            CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
            None,
            None,
        )
        .unwrap()
        .to_string()
    }

    fn check(&self, token: &str) -> Result<oidc::Proof, Refusal> {
        let now = Utc::now();
        let expected = Expected {
            provider: &self.settings,
            fresh: true,
            nonce: NONCE,
            requested_at: now - chrono::Duration::seconds(5),
            now,
        };
        oidc::check(token, &self.jwks, &expected)
    }
}

#[tokio::test]
async fn a_token_as_the_provider_signs_it_passes_the_check() {
    let forge = Forge::new().await;
    let proof = forge.check(&forge.token("signing.pem", |c| c)).unwrap();
    assert_eq!(proof.person, "anna");
    assert_eq!(proof.acr.as_deref(), Some("high"));
}

#[tokio::test]
async fn a_token_for_another_audience_is_refused() {
    let forge = Forge::new().await;
    let token = forge.token("signing.pem", |c| {
        c.set_audiences(vec![Audience::new("another-client".to_owned())])
    });
    assert_eq!(forge.check(&token), Err(Refusal::Audience));
}

#[tokio::test]
async fn a_token_from_another_issuer_is_refused() {
    let forge = Forge::new().await;
    let token = forge.token("signing.pem", |c| {
        c.set_issuer(IssuerUrl::new("https://idp.example.com".to_owned()).unwrap())
    });
    assert_eq!(forge.check(&token), Err(Refusal::Issuer));
}

#[tokio::test]
async fn an_expired_token_is_refused() {
    let forge = Forge::new().await;
    let token = forge.token("signing.pem", |c| {
        let then = Utc::now() - chrono::Duration::minutes(30);
        c.set_issue_time(then)
            .set_expiration(then + chrono::Duration::minutes(5))
            .set_auth_time(Some(then))
    });
    assert_eq!(forge.check(&token), Err(Refusal::Expired));
}

#[tokio::test]
async fn a_token_signed_by_a_key_the_provider_does_not_publish_is_refused() {
    let forge = Forge::new().await;
    let token = forge.token("other.pem", |c| c);
    assert_eq!(forge.check(&token), Err(Refusal::Signature));
    // Nor does it pass as evidence later.
    assert_eq!(
        oidc::verify_evidence(&token, &forge.jwks, &forge.provider.issuer, CLIENT_ID),
        Err(Refusal::Signature)
    );
}

#[tokio::test]
async fn a_token_for_another_request_or_an_old_authentication_is_refused() {
    let forge = Forge::new().await;
    let token = forge.token("signing.pem", |c| {
        c.set_nonce(Some(Nonce::new("another".to_owned())))
    });
    assert_eq!(forge.check(&token), Err(Refusal::Nonce));
    // max_age=0: an authentication from before the request is not a new one.
    let token = forge.token("signing.pem", |c| {
        c.set_auth_time(Some(Utc::now() - chrono::Duration::minutes(3)))
    });
    assert_eq!(forge.check(&token), Err(Refusal::NotFresh));
    let token = forge.token("signing.pem", |c| {
        c.set_auth_context_ref(Some(AuthenticationContextClass::new("low".to_owned())))
    });
    assert_eq!(forge.check(&token), Err(Refusal::Level));
}

#[tokio::test]
async fn in_the_browser_22_1_2_is_confirmed_with_eid_and_the_case_says_verified() {
    // The real thing end to end: Chromium, the provider's own sign-in page, the session cookie
    // (SameSite=Strict) carried back through our "continuing" page, the page's form-action.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let base = format!("http://{address}");
    let provider = Provider::start(&[format!("{base}/eid/callback")]).await;
    let app = TestApp::with_config(
        fresh_database().await,
        eid_config(&base, &provider.issuer, true),
    );
    let (_, case) = desk_of(&app, listener, base).await;
    let Some(browser) = Browser::open_on(address, "eid_confirmed").await else {
        return;
    };
    browser
        .run(async |b: &Browser| -> Outcome {
            b.sign_in("anna", TEST_PASSWORD).await?;
            b.visit(&format!("/cases/{case}/steps/employee-eid"))
                .await?;
            b.assert_accessible("22.1.2 with Confirm with eID").await?;
            b.submit("#eid-confirm-button").await?;
            // The provider's page (Anna, eID card, level high are its defaults).
            b.find("#person").await?;
            b.click("#sign-in").await?;
            // Back through our page to the next duty, recorded.
            b.find("#authorisation-document").await?;
            let path = b.path().await?;
            ensure!(
                path == format!("/cases/{case}/steps/authorisation"),
                "landed on {path}"
            );
            b.visit(&format!("/cases/{case}")).await?;
            let text = b.main_text().await?;
            ensure!(text.contains("pārbaudīts ar eID"), "the case says: {text}");
            Ok(())
        })
        .await;
    assert_eq!(eid_step(&app, case).await["confirmation"], "verified");
}
