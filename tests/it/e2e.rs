//! End-to-end in a real browser: what a person at the desk sees and does.

pub(crate) mod desk;
mod keyboard;
mod pages;
mod screenshots;
mod walk;

use fantoccini::key::Key;

use crate::browser::{Browser, Outcome};
use crate::ensure;
use crate::harness::{TEST_PASSWORD, TestApp};

#[tokio::test]
async fn sign_in_page_and_its_error_state_are_accessible() {
    let app = TestApp::with_employee().await;
    let Some(browser) = Browser::open(&app, "sign_in_accessible").await else {
        return;
    };
    browser
        .run(async |b: &Browser| -> Outcome {
            b.visit("/login").await?;
            b.assert_accessible("sign-in page").await?;
            b.sign_in("anna", "not the password").await?;
            let summary = b.find("#error-summary").await?;
            ensure!(
                summary
                    .text()
                    .await
                    .map_err(|e| e.to_string())?
                    .contains("Nepareizs"),
                "the error is shown"
            );
            b.assert_accessible("sign-in error").await
        })
        .await;
}

#[tokio::test]
async fn repeated_failures_lock_the_sign_in_and_say_when_to_try_again() {
    let app = TestApp::with_employee().await;
    let Some(browser) = Browser::open(&app, "sign_in_lockout").await else {
        return;
    };
    browser
        .run(async |b: &Browser| -> Outcome {
            for _ in 0..3 {
                b.sign_in("anna", "wrong wrong wrong").await?;
            }
            let text = b.main_text().await?;
            ensure!(
                text.contains("Pārāk daudz neveiksmīgu mēģinājumu"),
                "lock message: {text}"
            );
            b.sign_in("anna", TEST_PASSWORD).await?;
            ensure!(b.path().await? == "/login", "the right password waits too");
            Ok(())
        })
        .await;
}

#[tokio::test]
async fn the_language_switch_changes_the_interface_and_is_kept_after_sign_in() {
    let app = TestApp::with_employee().await;
    let Some(browser) = Browser::open(&app, "language_switch").await else {
        return;
    };
    browser
        .run(async |b: &Browser| -> Outcome {
            b.visit("/login").await?;
            ensure!(
                b.main_text().await?.contains("Pieteikšanās"),
                "Latvian first"
            );
            b.submit("header form[action='/language'] button").await?;
            let text = b.main_text().await?;
            ensure!(text.contains("Sign in"), "English after the switch: {text}");
            b.assert_accessible("sign-in page in English").await?;
            b.sign_in("anna", TEST_PASSWORD).await?;
            let lang = b
                .find("html")
                .await?
                .attr("lang")
                .await
                .map_err(|e| e.to_string())?;
            ensure!(
                lang.as_deref() == Some("en"),
                "the choice is kept after sign-in: {lang:?}"
            );
            b.submit("header form[action='/language'] button").await?;
            let lang = b
                .find("html")
                .await?
                .attr("lang")
                .await
                .map_err(|e| e.to_string())?;
            ensure!(lang.as_deref() == Some("lv"), "back to Latvian: {lang:?}");
            Ok(())
        })
        .await;
}

#[tokio::test]
async fn the_keyboard_reaches_the_skip_link_first_and_it_moves_to_the_content() {
    let app = TestApp::with_employee().await;
    let Some(browser) = Browser::open(&app, "skip_link").await else {
        return;
    };
    browser
        .run(async |b: &Browser| -> Outcome {
            b.visit("/login").await?;
            let body = b.find("body").await?;
            body.send_keys(&char::from(Key::Tab).to_string())
                .await
                .map_err(|e| e.to_string())?;
            let focused = b
                .client
                .execute("return document.activeElement.className", vec![])
                .await
                .map_err(|e| e.to_string())?;
            ensure!(focused == "skip-link", "first Tab stop: {focused}");
            b.client
                .active_element()
                .await
                .map_err(|e| e.to_string())?
                .send_keys(&char::from(Key::Enter).to_string())
                .await
                .map_err(|e| e.to_string())?;
            let hash = b.client.current_url().await.map_err(|e| e.to_string())?;
            ensure!(
                hash.fragment() == Some("main"),
                "the skip link leads to main: {hash}"
            );
            Ok(())
        })
        .await;
}

#[tokio::test]
async fn a_new_employee_replaces_the_one_time_password_with_the_keyboard_only() {
    let app = TestApp::new().await;
    app.centre("RIX").await;
    let one_time = app.user_with_one_time_password("ilze", "RIX").await;
    let Some(browser) = Browser::open(&app, "password_change").await else {
        return;
    };
    browser
        .run(async |b: &Browser| -> Outcome {
            b.sign_in("ilze", &one_time).await?;
            ensure!(
                b.path().await? == "/account/password",
                "sent to change the password"
            );
            b.assert_accessible("password page").await?;
            b.fill("#current", &one_time).await?;
            b.fill("#new", "short").await?;
            b.fill("#repeat", "short").await?;
            b.enter_in("#repeat").await?;
            b.find("#error-summary").await?;
            b.assert_accessible("password errors").await?;
            b.fill("#current", &one_time).await?;
            b.fill("#new", "rudens lapas krīt lēni").await?;
            b.fill("#repeat", "rudens lapas krīt lēni").await?;
            b.enter_in("#repeat").await?;
            let text = b.main_text().await?;
            ensure!(text.contains("Parole nomainīta"), "changed: {text}");
            b.visit("/").await?;
            ensure!(
                b.path().await? == "/" || b.path().await? == "/cases",
                "lands at home"
            );
            b.assert_accessible("home page").await
        })
        .await;
}
