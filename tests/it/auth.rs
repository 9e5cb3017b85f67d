//! Signing in, sessions, throttling and the role guards (OWASP ASVS 5.0 level 2: V6
//! authentication, V7 session management, V8 authorisation).

use axum::http::StatusCode;
use chrono::TimeDelta;
use pilnvara::clock::Clock as _;
use pilnvara::domain::staff::Role;
use pilnvara::service::Actor;
use pilnvara::service::accounts::{self, AccountAction};
use pilnvara::service::sign_in;

use crate::harness::{Client, TEST_PASSWORD, TestApp, TestResponse};

#[tokio::test]
async fn signing_in_lands_on_the_role_home_page_with_a_strict_session_cookie() {
    let app = TestApp::with_employee().await;
    let client = app.client().await;
    let response = client.sign_in("Anna", TEST_PASSWORD).await;
    assert_eq!(response.status, StatusCode::SEE_OTHER);
    assert_eq!(response.location(), Some("/"));
    let cookie = response.header("set-cookie").expect("a session cookie");
    assert!(cookie.starts_with("pilnvara="), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    assert!(
        !cookie.contains("Secure"),
        "plain HTTP on loopback: {cookie}"
    );

    assert_eq!(client.get("/").await.location(), Some("/cases"));
    let home = client.get("/cases").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("Mani atvērtie gadījumi"));
    assert!(
        home.body.contains("Darbinieks anna"),
        "the header names the user"
    );
    assert!(
        home.body.contains(r#"action="/logout""#),
        "a sign-out button"
    );
}

#[tokio::test]
async fn pages_need_a_signed_in_user() {
    let app = TestApp::new().await;
    let response = app.get("/").await;
    assert_eq!(response.status, StatusCode::SEE_OTHER);
    assert_eq!(response.location(), Some("/login"));
}

#[tokio::test]
async fn unknown_user_wrong_password_and_disabled_account_look_the_same() {
    let app = TestApp::with_employee().await;
    app.user("janis", Role::Employee, "RIX", &[]).await;
    accounts::act_on_username(
        &app.pool,
        app.clock.as_ref(),
        Actor::Operator,
        "janis",
        AccountAction::Disable,
    )
    .await
    .unwrap();
    let client = app.client().await;
    let wrong_password = client.sign_in("anna", "not the password at all").await;
    let unknown_user = client.sign_in("nobody", "not the password at all").await;
    let disabled = client.sign_in("janis", TEST_PASSWORD).await;
    for response in [&wrong_password, &unknown_user, &disabled] {
        assert_eq!(response.status, StatusCode::OK);
        assert!(
            response.body.contains("Nepareizs lietotājvārds vai parole"),
            "{}",
            response.body
        );
        assert!(
            response.header("set-cookie").is_none(),
            "no session for a failure"
        );
    }
    let message = |body: &str| {
        body.split("sign-in-error\">")
            .nth(1)
            .map(|rest| rest.split('<').next().unwrap().to_owned())
    };
    assert_eq!(message(&wrong_password.body), message(&unknown_user.body));
    assert_eq!(message(&wrong_password.body), message(&disabled.body));
    assert!(
        wrong_password.body.contains(r#"value="anna""#),
        "the username is kept"
    );
}

#[tokio::test]
async fn empty_fields_are_asked_for_again() {
    let app = TestApp::with_employee().await;
    let client = app.client().await;
    let response = client.sign_in("anna", "").await;
    assert_eq!(response.status, StatusCode::OK);
    assert!(
        response
            .body
            .contains("Ievadiet gan lietotājvārdu, gan paroli")
    );
}

#[tokio::test]
async fn failures_lock_softly_then_until_an_administrator_unlocks() {
    let app = TestApp::with_employee().await;
    let client = app.client().await;
    for _ in 0..2 {
        assert!(
            !client
                .sign_in("anna", "wrong wrong wrong")
                .await
                .body
                .contains("Pārāk daudz")
        );
    }
    let third = client.sign_in("anna", "wrong wrong wrong").await;
    assert!(third.body.contains("pēc 1 sekundes."), "{}", third.body);
    let during_lock = client.sign_in("anna", TEST_PASSWORD).await;
    assert_eq!(
        during_lock.status,
        StatusCode::OK,
        "even the right password waits"
    );
    assert!(
        during_lock
            .body
            .contains("Pārāk daudz neveiksmīgu mēģinājumu")
    );

    for _ in 3..10 {
        app.clock.advance(TimeDelta::hours(1));
        client.sign_in("anna", "wrong wrong wrong").await;
    }
    app.clock.advance(TimeDelta::days(30));
    let locked = client.sign_in("anna", TEST_PASSWORD).await;
    assert!(
        locked
            .body
            .contains("Sazinieties ar sava centra administratoru"),
        "{}",
        locked.body
    );

    // An unknown username locks the same way, so the lock reveals nothing.
    for _ in 0..3 {
        client.sign_in("nobody", "wrong wrong wrong").await;
    }
    assert!(
        client
            .sign_in("nobody", "x")
            .await
            .body
            .contains("Pārāk daudz")
    );

    accounts::act_on_username(
        &app.pool,
        app.clock.as_ref(),
        Actor::Operator,
        "anna",
        AccountAction::Unlock,
    )
    .await
    .unwrap();
    assert_eq!(
        client.sign_in("anna", TEST_PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn the_session_id_changes_at_sign_in_and_a_planted_one_is_worthless() {
    let app = TestApp::with_employee().await;
    let client = app.client().await;
    client.set_cookie("pilnvara=planted-by-an-attacker; Path=/");
    client.sign_in("anna", TEST_PASSWORD).await;
    let after = client.cookies();
    assert!(!after.contains("planted-by-an-attacker"), "{after}");

    let first = client.cookies();
    client.sign_in("anna", TEST_PASSWORD).await;
    assert_ne!(client.cookies(), first, "signing in again gives a new id");
    let stale = Client::new(client.base.clone());
    stale.set_cookie(&first);
    assert_eq!(
        stale.get("/").await.status,
        StatusCode::SEE_OTHER,
        "the old id no longer works"
    );
}

#[tokio::test]
async fn signing_out_ends_the_session_on_the_server() {
    let app = TestApp::with_employee().await;
    let client = app.signed_in("anna").await;
    let cookie = client.cookies();
    let out = client.post("/logout", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(out.location(), Some("/login?ended=signed-out"));

    let replay = Client::new(client.base.clone());
    replay.set_cookie(&cookie);
    let response = replay.get("/").await;
    assert_eq!(response.status, StatusCode::SEE_OTHER);
    assert_eq!(response.location(), Some("/login"));
}

#[tokio::test]
async fn an_idle_session_ends_after_fifteen_minutes_and_activity_keeps_it() {
    let app = TestApp::with_employee().await;
    let client = app.signed_in("anna").await;
    for _ in 0..4 {
        app.clock.advance(TimeDelta::minutes(14));
        assert_eq!(
            client.get("/cases").await.status,
            StatusCode::OK,
            "activity refreshes the session"
        );
    }
    app.clock.advance(TimeDelta::minutes(16));
    let response = client.get("/cases").await;
    assert_eq!(response.status, StatusCode::SEE_OTHER);
    assert_eq!(response.location(), Some("/login?ended=session"));
    assert!(
        client
            .get("/login?ended=session")
            .await
            .body
            .contains("sesija ir beigusies")
    );
}

#[tokio::test]
async fn a_session_ends_after_eight_hours_however_active() {
    let app = TestApp::with_employee().await;
    let client = app.signed_in("anna").await;
    for _ in 0..47 {
        app.clock.advance(TimeDelta::minutes(10));
        assert_eq!(client.get("/cases").await.status, StatusCode::OK);
    }
    app.clock.advance(TimeDelta::minutes(11));
    assert_eq!(
        client.get("/cases").await.location(),
        Some("/login?ended=session")
    );
}

#[tokio::test]
async fn a_new_account_must_change_its_one_time_password_first() {
    let app = TestApp::new().await;
    app.centre("RIX").await;
    let one_time = app.user_with_one_time_password("ilze", "RIX").await;
    let client = app.client().await;
    let response = client.sign_in("ilze", &one_time).await;
    assert_eq!(response.location(), Some("/account/password"));
    assert_eq!(
        client.get("/").await.location(),
        Some("/account/password"),
        "nothing else until changed"
    );

    let weak = client
        .post(
            "/account/password",
            &[
                ("current", &one_time),
                ("new", "password"),
                ("repeat", "password"),
            ],
        )
        .await;
    assert!(weak.body.contains("vismaz 12 rakstzīmēm"), "{}", weak.body);
    let common = client
        .post(
            "/account/password",
            &[
                ("current", &one_time),
                ("new", "1qaz2wsx3edc"),
                ("repeat", "1qaz2wsx3edc"),
            ],
        )
        .await;
    assert!(common.body.contains("10 000 visbiežāk"), "{}", common.body);
    let differ = client
        .post(
            "/account/password",
            &[
                ("current", &one_time),
                ("new", "ziema pavasaris vasara"),
                ("repeat", "ziema pavasaris rudens"),
            ],
        )
        .await;
    assert!(differ.body.contains("nesakrīt"));

    let changed = client
        .post(
            "/account/password",
            &[
                ("current", &one_time),
                ("new", "ziema pavasaris vasara"),
                ("repeat", "ziema pavasaris vasara"),
            ],
        )
        .await;
    assert!(
        changed.body.contains("Parole nomainīta"),
        "{}",
        changed.body
    );
    assert_eq!(client.get("/cases").await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_password_change_ends_every_other_session() {
    let app = TestApp::with_employee().await;
    let desk = app.signed_in("anna").await;
    let other_desk = app.signed_in("anna").await;
    let changed = desk
        .post(
            "/account/password",
            &[
                ("current", TEST_PASSWORD),
                ("new", "jauna gara parole šeit"),
                ("repeat", "jauna gara parole šeit"),
            ],
        )
        .await;
    assert!(changed.body.contains("Parole nomainīta"));
    assert_eq!(
        desk.get("/cases").await.status,
        StatusCode::OK,
        "the session that changed it stays"
    );
    assert_eq!(
        other_desk.get("/").await.location(),
        Some("/login?ended=session")
    );
}

#[tokio::test]
async fn disabling_an_account_ends_its_sessions() {
    let app = TestApp::with_employee().await;
    let client = app.signed_in("anna").await;
    accounts::act_on_username(
        &app.pool,
        app.clock.as_ref(),
        Actor::Operator,
        "anna",
        AccountAction::Disable,
    )
    .await
    .unwrap();
    assert_eq!(
        client.get("/cases").await.location(),
        Some("/login?ended=session")
    );
}

#[tokio::test]
async fn a_cross_site_post_is_refused() {
    let app = TestApp::with_employee().await;
    let client = app.signed_in("anna").await;
    let cookie = client.cookies();
    let forged = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    for (name, value) in [
        ("origin", "https://evil.example"),
        ("sec-fetch-site", "cross-site"),
        ("x-none", ""),
    ] {
        let response = forged
            .post(format!("{}/logout", client.base))
            .header("cookie", &cookie)
            .header(name, value)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), reqwest::StatusCode::FORBIDDEN, "{name}");
        assert!(
            response
                .text()
                .await
                .unwrap()
                .contains("Pieprasījums noraidīts")
        );
    }
    assert_eq!(
        client.get("/cases").await.status,
        StatusCode::OK,
        "the session was not signed out"
    );
}

#[tokio::test]
async fn sign_ins_failures_and_sign_outs_are_audited() {
    let app = TestApp::with_employee().await;
    let client = app.client().await;
    client.sign_in("anna", "wrong wrong wrong").await;
    client.sign_in("nobody", "wrong wrong wrong").await;
    client.sign_in("anna", TEST_PASSWORD).await;
    client.post("/logout", &[]).await;
    let actions: Vec<(String, String)> = sqlx::query_as(
        "SELECT chain, action FROM audit_events WHERE action LIKE 'sign%' ORDER BY id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let actions: Vec<(&str, &str)> = actions
        .iter()
        .map(|(c, a)| (c.as_str(), a.as_str()))
        .collect();
    assert_eq!(
        actions,
        [
            ("centre:1", "sign-in-failed"),
            ("system", "sign-in-failed"),
            ("centre:1", "signed-in"),
            ("centre:1", "signed-out"),
        ]
    );
    let details: String =
        sqlx::query_scalar("SELECT details::text FROM audit_events WHERE chain = 'system'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert!(
        !details.contains("nobody"),
        "what was typed is not kept: {details}"
    );
}

#[tokio::test]
async fn the_language_switch_is_remembered_for_the_user() {
    let app = TestApp::with_employee().await;
    let client = app.signed_in("anna").await;
    let switched = client
        .post("/language", &[("lang", "en"), ("back", "/")])
        .await;
    assert_eq!(switched.location(), Some("/"));
    let home = client.get("/cases").await;
    assert!(home.body.contains(r#"<html lang="en">"#));
    assert!(home.body.contains("My open cases"));
    let elsewhere = client
        .post("/language", &[("lang", "lv"), ("back", "//evil.example")])
        .await;
    assert_eq!(
        elsewhere.location(),
        Some("/"),
        "never a redirect to another site"
    );
}

#[tokio::test]
async fn the_language_switch_works_before_signing_in() {
    let app = TestApp::new().await;
    let client = app.client().await;
    let switched = client
        .post("/language", &[("lang", "en"), ("back", "/login")])
        .await;
    assert_eq!(switched.location(), Some("/login"));
    assert!(
        client
            .get("/login")
            .await
            .body
            .contains(r#"<html lang="en">"#)
    );
}

/// A wrong password for anna, posted to `app`'s sign-in.
async fn wrong_sign_in(app: &TestApp) -> TestResponse {
    app.send(
        axum::http::Request::post("/login")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("sec-fetch-site", "same-origin")
            .body(axum::body::Body::from(
                "username=anna&password=wrong+wrong+wrong",
            ))
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn one_client_address_cannot_flood_the_sign_in() {
    let app = TestApp::with_employee().await;
    let mut statuses = Vec::new();
    for _ in 0..45 {
        let response = wrong_sign_in(&app).await;
        if response.status == StatusCode::TOO_MANY_REQUESTS {
            assert!(
                response.body.contains("Pārāk daudz pieprasījumu"),
                "a page, not a bare status"
            );
        }
        statuses.push(response.status);
    }
    assert!(
        statuses[..30]
            .iter()
            .all(|status| *status == StatusCode::OK),
        "{statuses:?}"
    );
    assert!(
        statuses.contains(&StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    assert_eq!(
        app.get("/login").await.status,
        StatusCode::OK,
        "reading the page is not limited"
    );
}

#[tokio::test]
async fn the_sign_in_limit_per_address_holds_across_instances() {
    let first = TestApp::with_employee().await;
    let second = first.another_instance();
    // The same address alternates between two instances, as behind a load balancer: each
    // instance alone would still admit it (fifteen of its thirty each).
    let mut statuses = Vec::new();
    for n in 0..40 {
        let instance = if n % 2 == 0 { &first } else { &second };
        statuses.push(wrong_sign_in(instance).await.status);
    }
    assert!(
        statuses[..30].iter().all(|s| *s == StatusCode::OK),
        "{statuses:?}"
    );
    assert!(
        statuses[30..]
            .iter()
            .all(|s| *s == StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    // Every two seconds the address earns one attempt more, to be used on either instance.
    first.clock.advance(sign_in::ADDRESS_INTERVAL);
    assert_eq!(wrong_sign_in(&second).await.status, StatusCode::OK);
    assert_eq!(
        wrong_sign_in(&first).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    // The address is kept only as a keyed hash, and forgotten once its limit has run out.
    let kept: Vec<Vec<u8>> = sqlx::query_scalar("SELECT address_hash FROM sign_in_address_limits")
        .fetch_all(&first.pool)
        .await
        .unwrap();
    assert_eq!(
        kept,
        [first.keys.client_address_hmac([127, 0, 0, 1].into())]
    );
    first.clock.advance(TimeDelta::minutes(2));
    let forgotten =
        pilnvara::store::staff::forget_sign_in_addresses(&first.pool, first.clock.now())
            .await
            .unwrap();
    assert_eq!(forgotten, 1);
}

#[tokio::test]
async fn strict_transport_security_is_sent_only_behind_tls() {
    let plain = TestApp::new().await;
    for path in ["/login", "/healthz", "/static/style.css"] {
        let response = plain.get(path).await;
        assert_eq!(response.header("strict-transport-security"), None, "{path}");
    }
    let config = pilnvara::config::Config::from_lookup(|name| {
        (name == "PILNVARA_SECURE_COOKIES").then(|| "true".to_owned())
    })
    .unwrap();
    let secure = TestApp::with_config(crate::harness::fresh_database().await, config);
    for path in ["/login", "/healthz", "/static/style.css", "/missing"] {
        let response = secure.get(path).await;
        assert_eq!(
            response.header("strict-transport-security"),
            Some("max-age=31536000; includeSubDomains"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn the_language_switch_returns_only_to_plain_local_paths_and_is_audited() {
    let app = TestApp::with_employee().await;
    let client = app.signed_in("anna").await;
    for (back, expected) in [
        (
            "/review?from=2026-01-01&to=2026-02-01",
            "/review?from=2026-01-01&to=2026-02-01",
        ),
        ("/cases\nSet-Cookie: x=1", "/"),
        ("/cases\r\n", "/"),
        ("/\\evil.example", "/"),
        ("/a b", "/"),
        ("https://evil.example/", "/"),
    ] {
        let switched = client
            .post("/language", &[("lang", "en"), ("back", back)])
            .await;
        assert_eq!(switched.status, StatusCode::SEE_OTHER, "{back:?}");
        assert_eq!(switched.location(), Some(expected), "{back:?}");
    }
    let events: Vec<(String, serde_json::Value)> = sqlx::query_as(
        "SELECT chain, details FROM audit_events WHERE action = 'language-changed' ORDER BY id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(events.len(), 6);
    assert!(events[0].0.starts_with("centre:"), "{}", events[0].0);
    assert_eq!(events[0].1, serde_json::json!({ "language": "en" }));

    let anonymous = app.client().await;
    anonymous
        .post("/language", &[("lang", "en"), ("back", "/login")])
        .await;
    let count: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_events WHERE action = 'language-changed'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(count, 6, "no user, no event");
}

#[tokio::test]
async fn concurrent_failures_on_a_username_that_never_failed_each_count() {
    let app = TestApp::with_employee().await;
    let (first, second, third) = tokio::join!(
        wrong_sign_in(&app),
        wrong_sign_in(&app),
        wrong_sign_in(&app)
    );
    for response in [first, second, third] {
        assert_eq!(response.status, StatusCode::OK);
    }
    let failures: i32 =
        sqlx::query_scalar("SELECT failures FROM sign_in_throttle WHERE username = 'anna'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(failures, 3, "no failure is lost to a race");
}

#[tokio::test]
async fn a_one_time_password_expires_after_three_days_and_says_so_only_to_its_holder() {
    let app = TestApp::new().await;
    app.centre("RIX").await;
    let one_time = app.user_with_one_time_password("ilze", "RIX").await;
    app.clock.advance(TimeDelta::hours(73));
    let client = app.client().await;
    let expired = client.sign_in("ilze", &one_time).await;
    assert_eq!(expired.status, StatusCode::OK, "no session");
    assert!(
        expired
            .body
            .contains("Vienreizējā parole ir derīga 3 dienas"),
        "{}",
        expired.body
    );
    let wrong = client.sign_in("ilze", "not the one-time password").await;
    assert!(
        wrong.body.contains("Nepareizs lietotājvārds vai parole"),
        "a guess learns nothing"
    );
    let reason: String = sqlx::query_scalar(
        "SELECT details->>'reason' FROM audit_events WHERE action = 'sign-in-failed' ORDER BY id LIMIT 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(reason, "one-time-password-expired");

    // A fresh one from the administrator works again; an own password never expires.
    let fresh = accounts::reset_password(
        &app.pool,
        &app.hasher,
        app.clock.as_ref(),
        Actor::Operator,
        "ilze",
    )
    .await
    .unwrap();
    app.clock.advance(TimeDelta::hours(71));
    let response = client.sign_in("ilze", fresh.expose()).await;
    assert_eq!(
        response.location(),
        Some("/account/password"),
        "{}",
        response.body
    );
}
