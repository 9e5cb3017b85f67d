//! Staff sign-in through the municipality's OpenID Connect provider (a real one: `oidc.rs`):
//! a linked account signs in with a renewed session, a person linked to no active account is
//! refused without learning which accounts exist, password sign-in can be turned off, and a
//! provider that does not answer leaves password sign-in working. With several providers
//! (the real one started twice: two issuers, two key sets), each signs in its own linked
//! people, an answer of one never finishes a request sent to the other, and sign-out goes to
//! the provider that signed the user in.

use std::future::pending;

use axum::http::StatusCode;
use pilnvara::config::Config;
use pilnvara::domain::staff::{PersonLink, ProviderKey, Role};
use pilnvara::service::Actor;
use pilnvara::service::accounts::{self, AccountAction};
use pilnvara::web;

use crate::browser::{Browser, Outcome};
use crate::ensure;
use crate::harness::{Client, TEST_PASSWORD, TestApp, count, fresh_database};
use crate::oidc::{
    ANNA_CODE, CLIENT_ID, CLIENT_SECRET, Provider, come_back, continue_link, provider_config,
};

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
    let link = PersonLink::SignIn(ProviderKey::default_provider());
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
    assert!(
        page.body.contains(r#"id="oidc-sign-in-default""#),
        "{}",
        page.body
    );
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
    let default = || Some("default".to_owned());
    assert_eq!(
        provider_refusals(&app).await,
        [
            (default(), "unknown-person".to_owned()),
            (default(), "account-disabled".to_owned()),
        ]
    );
}

#[tokio::test]
async fn password_sign_in_can_be_turned_off() {
    let (_app, browser, _provider) = with_provider(false).await;
    let page = browser.get("/login").await;
    assert!(page.body.contains(r#"id="oidc-sign-in-default""#));
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
            b.submit("#oidc-sign-in-default").await?;
            b.find("#person").await?;
            b.click("#sign-in").await?;
            // Signed in: the header's sign-out button is there.
            b.find("form[action='/logout'] button").await?;
            let path = b.path().await?;
            ensure!(path != "/login", "still on the sign-in page");
            b.click("form[action='/logout'] button").await?;
            // On to the provider, which asks to confirm the sign-out there.
            reaches(b, &issuer).await?;
            b.visit("/cases").await?;
            ensure!(b.path().await? == "/login", "signed out of Pilnvara");
            Ok(())
        })
        .await;
}

/// The two sign-in providers of [`with_two_providers`]: their keys and button names.
const RIGA: (&str, &str) = ("riga", "Rīgas valstspilsētas pašvaldība");
const OGRE: (&str, &str) = ("ogre", "Ogres novada pašvaldība");

/// A desk with two sign-in providers, two instances of the real one (their own issuers and
/// signing keys), listed as `riga` and `ogre`, both identifying people by `claim`
/// (`personal_code` or `sub`); no default provider. Employee `anna` of centre RIX is linked to
/// nobody yet.
async fn with_two_providers(claim: &str) -> (TestApp, Client, Provider, Provider) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let callback = [format!("{base}/login/oidc/callback")];
    let (riga, ogre) = tokio::join!(Provider::start(&callback), Provider::start(&callback));
    assert_ne!(riga.issuer, ogre.issuer);
    let mut pairs: Vec<(String, String)> = vec![
        ("PILNVARA_PUBLIC_URL".into(), base.clone()),
        ("PILNVARA_OIDC_PROVIDERS".into(), "riga,ogre".into()),
    ];
    for ((key, name), issuer) in [(RIGA, &riga.issuer), (OGRE, &ogre.issuer)] {
        let prefix = format!("PILNVARA_OIDC_{}", key.to_uppercase());
        for (suffix, value) in [
            ("ISSUER", issuer.as_str()),
            ("CLIENT_ID", CLIENT_ID),
            ("CLIENT_SECRET", CLIENT_SECRET),
            ("SCOPES", "openid personal_code"),
            ("PERSON_CLAIM", claim),
            ("NAME", name),
        ] {
            pairs.push((format!("{prefix}_{suffix}"), value.to_owned()));
        }
    }
    let config = Config::from_lookup(|name| {
        pairs
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
    })
    .unwrap();
    let app = TestApp::with_config(fresh_database().await, config);
    app.centre("RIX").await;
    app.user("anna", Role::Employee, "RIX", &[]).await;
    app.set_clock(chrono::Utc::now());
    tokio::spawn(web::serve(listener, app.router.clone(), pending()));
    (app, Client::new(base), riga, ogre)
}

/// Links `username` to `person` for signing in through the provider with `key`.
async fn link_for_sign_in(app: &TestApp, username: &str, key: &str, person: &str) {
    let id: i64 = sqlx::query_scalar("SELECT id FROM staff WHERE username = $1")
        .bind(username)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    accounts::link_person(
        &app.pool,
        &app.keys,
        app.clock.as_ref(),
        Actor::Operator,
        id.into(),
        PersonLink::SignIn(ProviderKey::parse(key).unwrap()),
        Some(person),
    )
    .await
    .unwrap();
}

/// Presses the button of the provider with `key`: where the desk sends the browser (the
/// provider's authorization URL).
async fn start_at(browser: &Client, key: &str, provider: &Provider) -> String {
    let started = browser.post("/login/oidc", &[("provider", key)]).await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
    let authorization = started.location().unwrap().to_owned();
    assert!(
        authorization.starts_with(&format!("{}/", provider.issuer)),
        "{key}: {authorization}"
    );
    authorization
}

/// Signs in through the provider with `key` as the provider's `person`: the desk's last answer.
async fn sign_in_at(
    browser: &Client,
    key: &str,
    provider: &Provider,
    person: &str,
) -> crate::harness::TestResponse {
    let authorization = start_at(browser, key, provider).await;
    let callback = provider
        .sign_in(&authorization, person, "eid-card", "substantial")
        .await;
    come_back(browser, &callback).await
}

/// The `sign-in-failed` events of sign-ins through a provider: (provider, reason).
async fn provider_refusals(app: &TestApp) -> Vec<(Option<String>, String)> {
    sqlx::query_as(
        "SELECT details->>'provider', details->>'reason' FROM audit_events
          WHERE action = 'sign-in-failed' AND details->>'via' = 'openid-connect' ORDER BY id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

/// The value of query parameter `name` in `url`.
fn query_value(url: &str, name: &str) -> String {
    let url = reqwest::Url::parse(url).unwrap();
    url.query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
        .unwrap_or_else(|| panic!("no {name} in {url}"))
}

#[tokio::test]
async fn with_two_providers_the_page_offers_both_and_a_linked_account_signs_in_and_out_through_each()
 {
    let (app, browser, riga, ogre) = with_two_providers("personal_code").await;
    link_for_sign_in(&app, "anna", RIGA.0, ANNA_CODE).await;
    link_for_sign_in(&app, "anna", OGRE.0, ANNA_CODE).await;

    let page = browser.get("/login").await;
    assert_eq!(page.status, StatusCode::OK);
    for (key, name) in [RIGA, OGRE] {
        let button = format!(r#"name="provider" value="{key}" id="oidc-sign-in-{key}">"#);
        assert!(page.body.contains(&button), "{button}: {}", page.body);
        assert!(page.body.contains(name), "{name}");
    }
    assert!(!page.body.contains("oidc-sign-in-default"));
    // Each provider's sign-in form may be redirected to it, and only to them.
    let csp = page.header("content-security-policy").unwrap();
    let form_action = csp
        .split(';')
        .map(str::trim)
        .find(|directive| directive.starts_with("form-action"))
        .unwrap();
    assert_eq!(
        form_action,
        format!("form-action 'self' {} {}", riga.issuer, ogre.issuer)
    );

    for (key, provider) in [(RIGA.0, &riga), (OGRE.0, &ogre)] {
        let browser = Client::new(browser.base.clone());
        let response = sign_in_at(&browser, key, provider, "anna").await;
        assert_eq!(
            response.status,
            StatusCode::SEE_OTHER,
            "{key}: {}",
            response.body
        );
        assert_eq!(response.location(), Some("/"));
        assert_eq!(browser.get("/cases").await.status, StatusCode::OK);
        // Sign-out ends the session at the provider that signed the user in.
        let out = browser.post("/logout", &[]).await;
        assert_eq!(out.status, StatusCode::OK, "{key}: {}", out.body);
        let logout = continue_link(&out.body);
        assert!(
            logout.starts_with(&format!("{}/session/end?", provider.issuer)),
            "{key}: {logout}"
        );
        assert_eq!(browser.get("/cases").await.status, StatusCode::SEE_OTHER);
    }
    let signed_in: Vec<String> = sqlx::query_scalar(
        "SELECT details->>'provider' FROM audit_events
          WHERE action = 'signed-in' AND details->>'via' = 'openid-connect' ORDER BY id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(signed_in, [RIGA.0, OGRE.0]);
}

#[tokio::test]
async fn an_answer_of_one_provider_to_a_request_sent_to_another_is_refused_and_audited() {
    let (app, browser, riga, ogre) = with_two_providers("personal_code").await;
    link_for_sign_in(&app, "anna", RIGA.0, ANNA_CODE).await;
    link_for_sign_in(&app, "anna", OGRE.0, ANNA_CODE).await;

    // Anna signs in at Ogre; before her answer comes back, the session's request goes to Rīga.
    let at_ogre = start_at(&browser, OGRE.0, &ogre).await;
    let ogre_answer = ogre
        .sign_in(&at_ogre, "anna", "eid-card", "substantial")
        .await;
    start_at(&browser, RIGA.0, &riga).await;
    // Ogre's answer as Ogre sent it: not the state of the request in flight.
    let refused = come_back(&browser, &ogre_answer).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    assert!(refused.body.contains(r#"id="sign-in-error""#));
    assert!(!refused.body.contains(&query_value(&ogre_answer, "code")));
    assert_eq!(browser.get("/cases").await.status, StatusCode::SEE_OTHER);

    // Ogre's code with the state of a request sent to Rīga: finished with Rīga (the
    // session's provider). The answer names its issuer (RFC 9207), which is not Rīga; and
    // without that name, Rīga refuses to exchange a code it never issued.
    for keep_iss in [true, false] {
        let at_ogre = start_at(&browser, OGRE.0, &ogre).await;
        let ogre_answer = ogre
            .sign_in(&at_ogre, "anna", "eid-card", "substantial")
            .await;
        assert_eq!(query_value(&ogre_answer, "iss"), ogre.issuer);
        let at_riga = start_at(&browser, RIGA.0, &riga).await;
        let riga_state = query_value(&at_riga, "state");
        let mut forged = reqwest::Url::parse(&ogre_answer).unwrap();
        let pairs: Vec<(String, String)> = forged
            .query_pairs()
            .filter(|(name, _)| keep_iss || name != "iss")
            .map(|(name, value)| match name.as_ref() {
                "state" => (name.into_owned(), riga_state.clone()),
                _ => (name.into_owned(), value.into_owned()),
            })
            .collect();
        forged.query_pairs_mut().clear().extend_pairs(pairs);
        let refused = come_back(&browser, forged.as_str()).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
        assert_eq!(browser.get("/cases").await.status, StatusCode::SEE_OTHER);
    }

    let riga_key = || Some(RIGA.0.to_owned());
    assert_eq!(
        provider_refusals(&app).await,
        [
            (riga_key(), "state".to_owned()),
            (riga_key(), "issuer".to_owned()),
            (riga_key(), "code".to_owned()),
        ]
    );
    let signed_in = count(
        &app.pool,
        "SELECT count(*) FROM audit_events WHERE action = 'signed-in'",
    )
    .await;
    assert_eq!(signed_in, 0, "nobody is signed in");
}

#[tokio::test]
async fn a_link_by_subject_at_one_provider_does_not_sign_in_the_same_subject_from_another() {
    // Both providers call Anna `anna`: a subject is unique only within its issuer.
    let (app, browser, riga, ogre) = with_two_providers("sub").await;
    link_for_sign_in(&app, "anna", RIGA.0, "anna").await;
    let from_ogre = sign_in_at(&browser, OGRE.0, &ogre, "anna").await;
    assert_eq!(
        from_ogre.status,
        StatusCode::FORBIDDEN,
        "{}",
        from_ogre.body
    );
    assert_eq!(browser.get("/cases").await.status, StatusCode::SEE_OTHER);
    assert_eq!(
        provider_refusals(&app).await,
        [(Some(OGRE.0.to_owned()), "unknown-person".to_owned())]
    );
    let from_riga = sign_in_at(&browser, RIGA.0, &riga, "anna").await;
    assert_eq!(from_riga.location(), Some("/"), "{}", from_riga.body);
}

#[tokio::test]
async fn a_provider_that_is_not_configured_gets_a_clear_page() {
    let (app, browser, _riga, _ogre) = with_two_providers("personal_code").await;
    let t = pilnvara::i18n::Lang::Lv.texts().auth;
    // A key nobody configured, and no choice where there are two.
    for form in [
        &[("provider", "default")][..],
        &[("provider", "../riga")],
        &[],
    ] {
        let response = browser.post("/login/oidc", form).await;
        assert_eq!(response.status, StatusCode::BAD_REQUEST, "{form:?}");
        assert!(
            response.body.contains(t.oidc_unknown_provider),
            "{form:?}: {}",
            response.body
        );
        assert!(
            response.body.contains("oidc-sign-in-riga"),
            "the buttons stay"
        );
    }
    assert_eq!(provider_refusals(&app).await, []);
}

#[tokio::test]
async fn in_the_browser_staff_choose_one_of_two_providers_and_sign_out_at_that_one() {
    // Chromium: the second button leads to the second provider (form-action admits both), the
    // answer comes back to the one callback, and sign-out goes on to that provider.
    let (app, client, _riga, ogre) = with_two_providers("personal_code").await;
    link_for_sign_in(&app, "anna", OGRE.0, ANNA_CODE).await;
    let address = client
        .base
        .strip_prefix("http://")
        .unwrap()
        .parse()
        .unwrap();
    let Some(browser) = Browser::open_on(address, "two_sign_in_providers").await else {
        return;
    };
    let issuer = ogre.issuer.clone();
    browser
        .run(async |b: &Browser| -> Outcome {
            b.visit("/login").await?;
            b.assert_accessible("sign-in page with two providers")
                .await?;
            b.submit(&format!("#oidc-sign-in-{}", OGRE.0)).await?;
            b.find("#person").await?;
            let at = b.client.current_url().await.map_err(|e| e.to_string())?;
            ensure!(at.as_str().starts_with(&issuer), "at {at}, not Ogre's");
            b.click("#sign-in").await?;
            b.find("form[action='/logout'] button").await?;
            ensure!(b.path().await? != "/login", "still on the sign-in page");
            b.click("form[action='/logout'] button").await?;
            reaches(b, &issuer).await?;
            Ok(())
        })
        .await;
}

/// Waits, 20 s at most, until the browser is at a page of `issuer` (a redirect under way).
async fn reaches(b: &Browser, issuer: &str) -> Outcome {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let url = b.client.current_url().await.map_err(|e| e.to_string())?;
        if url.as_str().starts_with(issuer) {
            return Ok(());
        }
        ensure!(
            std::time::Instant::now() < deadline,
            "the browser stayed at {url}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}
