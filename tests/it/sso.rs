//! Staff sign-in through the municipality's OpenID Connect provider (a real one: `oidc.rs`):
//! a linked account signs in with a renewed session, a person linked to no active account is
//! refused without learning which accounts exist, password sign-in can be turned off, and a
//! provider that does not answer leaves password sign-in working.

use std::future::pending;

use axum::http::StatusCode;
use pilnvara::config::Config;
use pilnvara::domain::staff::{PersonLink, Role};
use pilnvara::service::Actor;
use pilnvara::service::accounts::{self, AccountAction};
use pilnvara::web;

use crate::browser::{Browser, Outcome};
use crate::ensure;
use crate::harness::{Client, TEST_PASSWORD, TestApp, count, fresh_database};
use crate::oidc::{ANNA_CODE, Provider, come_back, continue_link, provider_config};

fn sign_in_config(base: &str, issuer: &str, password: bool) -> Config {
    let password = password.to_string();
    provider_config(
        base,
        "PILNVARA_OIDC",
        issuer,
        &[("PILNVARA_PASSWORD_SIGN_IN", &password)],
    )
}

/// Centre RIX with employee `anna`, linked for sign-in to the test person `anna`; the
/// application served on `listener` at `base`; an anonymous browser there.
async fn desk_on(
    listener: tokio::net::TcpListener,
    base: String,
    config: Config,
) -> (TestApp, Client) {
    let app = TestApp::with_config(fresh_database().await, config);
    app.centre("RIX").await;
    let anna = app.user("anna", Role::Employee, "RIX", &[]).await;
    let clock = app.clock.as_ref();
    let link = PersonLink::SignIn;
    accounts::link_person(
        &app.pool,
        &app.keys,
        clock,
        Actor::Operator,
        anna,
        link,
        Some(ANNA_CODE),
    )
    .await
    .unwrap();
    // The provider signs with the real time; the desk's clock reads it too.
    app.set_clock(chrono::Utc::now());
    tokio::spawn(web::serve(listener, app.router.clone(), pending()));
    (app, Client::new(base))
}

/// A desk whose staff may sign in through a real provider (and by password, if `password`).
async fn with_provider(password: bool) -> (TestApp, Client, Provider) {
    // The provider must know our redirect URI, and we its issuer: the listener comes first.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let provider = Provider::start(&[format!("{base}/login/oidc/callback")]).await;
    let config = sign_in_config(&base, &provider.issuer, password);
    let (app, browser) = desk_on(listener, base, config).await;
    (app, browser, provider)
}

/// Presses "Sign in with the municipality's account", signs in at the provider as `person`,
/// comes back: the desk's last answer.
async fn sign_in_as(
    browser: &Client,
    provider: &Provider,
    person: &str,
) -> crate::harness::TestResponse {
    let started = browser.post("/login/oidc", &[]).await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
    let authorization = started.location().unwrap();
    assert!(
        authorization.starts_with(&provider.issuer),
        "{authorization}"
    );
    let callback = provider
        .sign_in(authorization, person, "eid-card", "substantial")
        .await;
    come_back(browser, &callback).await
}

#[tokio::test]
async fn a_linked_account_signs_in_through_the_municipal_provider_with_a_renewed_session() {
    let (app, browser, provider) = with_provider(true).await;
    let page = browser.get("/login").await;
    assert!(page.body.contains(r#"id="oidc-sign-in""#), "{}", page.body);
    assert!(page.body.contains(r#"name="password""#));
    let before = browser.cookies();
    let response = sign_in_as(&browser, &provider, "anna").await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    assert_eq!(response.location(), Some("/"));
    assert_ne!(browser.cookies(), before, "a new session id at sign-in");
    assert_eq!(browser.get("/cases").await.status, StatusCode::OK);
    let signed_in = count(
        &app.pool,
        "SELECT count(*) FROM audit_events
          WHERE action = 'signed-in' AND details->>'via' = 'openid-connect'",
    )
    .await;
    assert_eq!(signed_in, 1);
    // Signing out ends the session here, then at the provider (RP-initiated logout), which
    // learns who asks (the client id) and where to come back, and no token.
    let out = browser.post("/logout", &[]).await;
    assert_eq!(
        out.status,
        StatusCode::OK,
        "a page of ours goes on, as form-action allows"
    );
    let logout = &continue_link(&out.body);
    assert!(
        logout.starts_with(&format!("{}/session/end?", provider.issuer)),
        "{logout}"
    );
    assert!(logout.contains("client_id=pilnvara"), "{logout}");
    assert!(logout.contains("post_logout_redirect_uri="), "{logout}");
    assert!(!logout.contains("id_token"), "{logout}");
    assert_eq!(browser.get("/cases").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_person_without_an_active_account_is_refused_alike_and_audited() {
    let (app, browser, provider) = with_provider(true).await;
    // Pēteris is nobody's person; Anna's account is disabled: the same answer to both.
    let unknown = sign_in_as(&browser, &provider, "peteris").await;
    assert_eq!(unknown.status, StatusCode::FORBIDDEN);
    let anna: i64 = sqlx::query_scalar("SELECT id FROM staff WHERE username = 'anna'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    accounts::act_on(
        &app.pool,
        app.clock.as_ref(),
        Actor::Operator,
        anna.into(),
        AccountAction::Disable,
    )
    .await
    .unwrap();
    let disabled = sign_in_as(&Client::new(browser.base.clone()), &provider, "anna").await;
    assert_eq!(disabled.status, StatusCode::FORBIDDEN);
    let message = |body: &str| {
        let (_, rest) = body.split_once(r#"id="sign-in-error">"#).unwrap();
        rest.split('<').next().unwrap().to_owned()
    };
    assert_eq!(message(&unknown.body), message(&disabled.body));
    assert_eq!(browser.get("/cases").await.status, StatusCode::SEE_OTHER);
    let reasons: Vec<String> = sqlx::query_scalar(
        "SELECT details->>'reason' FROM audit_events
          WHERE action = 'sign-in-failed' AND details->>'via' = 'openid-connect' ORDER BY id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(reasons, ["unknown-person", "account-disabled"]);
}

#[tokio::test]
async fn password_sign_in_can_be_turned_off() {
    let (_app, browser, _provider) = with_provider(false).await;
    let page = browser.get("/login").await;
    assert!(page.body.contains(r#"id="oidc-sign-in""#));
    assert!(!page.body.contains(r#"name="password""#), "{}", page.body);
    let refused = browser.sign_in("anna", TEST_PASSWORD).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(browser.get("/cases").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn an_unreachable_sign_in_provider_gives_a_clear_page_and_passwords_still_work() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let issuer = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let config = sign_in_config(&base, &issuer, true);
    let (_app, browser) = desk_on(listener, base, config).await;
    let response = browser.post("/login/oidc", &[]).await;
    assert_eq!(response.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(response.body.contains("neatbild"), "{}", response.body);
    let signed_in = browser.sign_in("anna", TEST_PASSWORD).await;
    assert_eq!(signed_in.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn an_administrator_links_an_account_to_a_person_who_then_signs_in() {
    let (app, browser, provider) = with_provider(true).await;
    app.user("root", Role::Admin, "RIX", &[]).await;
    let peteris = app.user("peteris", Role::Employee, "RIX", &[]).await;
    let admin = Client::new(browser.base.clone());
    assert_eq!(
        admin.sign_in("root", TEST_PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    let path = format!("/admin/staff/{peteris}/link");
    // Anna's code is Anna's account's already: refused, next to the field.
    let taken = admin
        .post(
            &path,
            &[
                ("person", ANNA_CODE),
                ("for", "sign-in"),
                ("action", "link"),
            ],
        )
        .await;
    assert!(
        taken.body.contains(r#"id="person-error""#),
        "{}",
        taken.body
    );
    assert!(
        !taken.body.contains(ANNA_CODE),
        "what was typed is not shown again"
    );
    let linked = admin
        .post(
            &path,
            &[
                ("person", "320000-00002"),
                ("for", "sign-in"),
                ("action", "link"),
            ],
        )
        .await;
    assert_eq!(linked.status, StatusCode::SEE_OTHER, "{}", linked.body);
    let response = sign_in_as(&browser, &provider, "peteris").await;
    assert_eq!(response.location(), Some("/"), "{}", response.body);
    let audited = count(
        &app.pool,
        "SELECT count(*) FROM audit_events WHERE action = 'staff-person-linked'
            AND details->>'for' = 'sign-in' AND details::text NOT LIKE '%3200000%'",
    )
    .await;
    assert_eq!(audited, 2, "Anna's link and Pēteris's, never the code");
}

#[tokio::test]
async fn in_the_browser_staff_sign_in_and_out_through_the_provider() {
    // Chromium: the provider's own page, back with the SameSite=Strict session through our
    // page, and sign-out on to the provider's end-session page (form-action is 'self').
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let base = format!("http://{address}");
    let provider = Provider::start(&[format!("{base}/login/oidc/callback")]).await;
    let config = sign_in_config(&base, &provider.issuer, true);
    let (_app, _) = desk_on(listener, base, config).await;
    let Some(browser) = Browser::open_on(address, "staff_sign_in_provider").await else {
        return;
    };
    let issuer = provider.issuer.clone();
    browser
        .run(async |b: &Browser| -> Outcome {
            b.visit("/login").await?;
            b.assert_accessible("sign-in page with the provider")
                .await?;
            b.submit("#oidc-sign-in").await?;
            b.find("#person").await?;
            b.click("#sign-in").await?;
            // Signed in: the header's sign-out button is there.
            b.find("form[action='/logout'] button").await?;
            let path = b.path().await?;
            ensure!(path != "/login", "still on the sign-in page");
            b.click("form[action='/logout'] button").await?;
            // On to the provider, which asks to confirm the sign-out there.
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
            loop {
                let url = b.client.current_url().await.map_err(|e| e.to_string())?;
                if url.as_str().starts_with(&issuer) {
                    break;
                }
                ensure!(
                    std::time::Instant::now() < deadline,
                    "the browser stayed at {url}"
                );
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            b.visit("/cases").await?;
            ensure!(b.path().await? == "/login", "signed out of Pilnvara");
            Ok(())
        })
        .await;
}
