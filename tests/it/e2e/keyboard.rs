//! The desk without a mouse: Tab, Shift+Tab, Space, Enter and the arrow keys only.

use fantoccini::key::Key;

use crate::browser::{Browser, Outcome};
use crate::e2e::desk::{self, GIVEN, PERSONAL_CODE, SURNAME};
use crate::ensure;
use crate::harness::TEST_PASSWORD;

/// Tabs to `css`, checking at every stop that the focus can be seen; returns the stops.
async fn tab_visibly(b: &Browser, css: &str, limit: usize) -> Result<Vec<String>, String> {
    let mut seen = Vec::new();
    for _ in 0..limit {
        b.press(&[Key::Tab]).await?;
        seen.push(b.focused().await?);
        b.focus_is_visible().await?;
        if b.focus_matches(css).await? {
            return Ok(seen);
        }
    }
    Err(format!(
        "{css} not reached with {limit} Tab presses; focus went {seen:?}"
    ))
}

/// Presses `key` until the focused control's value is `value` (a radio group or a select).
async fn arrow_to_value(b: &Browser, key: Key, value: &str, limit: usize) -> Outcome {
    for _ in 0..limit {
        let current = b.js("return document.activeElement.value").await?;
        if current.as_str() == Some(value) {
            return Ok(());
        }
        b.press(&[key]).await?;
    }
    Err(format!("{value} not reached with {key:?}"))
}

/// Types into the focused field after checking it is `css`.
async fn type_into(b: &Browser, css: &str, text: &str) -> Outcome {
    ensure!(
        b.focus_matches(css).await?,
        "expected focus on {css}, found {}",
        b.focused().await?
    );
    b.type_text(text).await
}

#[tokio::test]
async fn a_case_is_opened_and_its_first_two_duties_recorded_with_the_keyboard_only() {
    let app = desk::desk().await;
    let eservice = desk::family_benefit(&app).await.to_string();
    let Some(browser) = Browser::open(&app, "keyboard_only").await else {
        return;
    };
    browser
        .run(async |b: &Browser| -> Outcome {
            // Sign in: the skip link first, the product's home link, the language switch, the form.
            b.visit("/login").await?;
            let stops = tab_visibly(b, "#username", 5).await?;
            ensure!(
                stops
                    == [
                        "a.skip-link",
                        "a.brand",
                        "button.link-button",
                        "input#username"
                    ],
                "sign-in focus order: {stops:?}"
            );
            b.type_text("anna").await?;
            b.press(&[Key::Tab]).await?;
            type_into(b, "#password", TEST_PASSWORD).await?;
            b.press_leaving(Key::Enter).await?;
            ensure!(b.path().await? == "/cases", "signed in: {}", b.path().await?);

            // The case list: the new-case button, activated with Enter.
            tab_visibly(b, "a[href='/cases/new']", 15).await?;
            b.press_leaving(Key::Enter).await?;
            ensure!(b.path().await? == "/cases/new", "the new-case form");

            // One Tab stop for the radio group; the arrow keys choose within it.
            tab_visibly(b, "input[name=eservice_id]", 15).await?;
            b.press(&[Key::Space]).await?;
            arrow_to_value(b, Key::Down, &eservice, 10).await?;
            b.press(&[Key::Tab]).await?;
            ensure!(
                b.focus_matches("input[name=missing_means]").await?,
                "the radio group is one Tab stop; then the checkboxes, not {}",
                b.focused().await?
            );
            while !b
                .focus_matches("input[name=missing_means][value='eid-card']")
                .await?
            {
                b.press(&[Key::Tab]).await?;
                ensure!(
                    b.focus_matches("input[name=missing_means]").await?,
                    "eID card not among the missing means"
                );
            }
            b.press(&[Key::Space]).await?;
            let ticked = b.js("return document.activeElement.checked").await?;
            ensure!(ticked == true, "Space ticks the checkbox");
            tab_visibly(b, "main form button[type=submit]", 10).await?;
            b.press_leaving(Key::Enter).await?;
            let id = desk::case_id_of_page(b).await?;
            let opened = b.find("#flash").await?;
            ensure!(
                opened.attr("role").await.map_err(|e| e.to_string())?.as_deref()
                    == Some("status"),
                "the confirmation is a status message"
            );

            // 22.¹1: first sent empty, to meet the errors.
            tab_visibly(b, "main p.actions a.button", 40).await?;
            b.press_leaving(Key::Enter).await?;
            ensure!(
                b.path().await? == format!("/cases/{id}/steps/identity"),
                "continue leads to 22.¹1"
            );
            tab_visibly(b, "main form button[type=submit]", 60).await?;
            b.press_leaving(Key::Enter).await?;
            ensure!(
                b.focus_settles_on("div#error-summary").await?,
                "the error summary takes focus, not {}",
                b.focused().await?
            );
            let described = b
                .js(r#"return [...document.querySelectorAll('[aria-invalid=true]')].map(field => {
                          const ids = (field.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
                          const text = ids.map(id => (document.getElementById(id) || {}).textContent || '').join(' ');
                          return [field.id || field.name, text.trim()];
                       });"#)
                .await?;
            let described: Vec<(String, String)> =
                serde_json::from_value(described).map_err(|e| e.to_string())?;
            ensure!(!described.is_empty(), "the invalid fields are marked");
            for (field, text) in &described {
                ensure!(
                    !text.is_empty(),
                    "{field} is described by its error: {described:?}"
                );
            }
            // The summary's first link moves to the field it names.
            b.press(&[Key::Tab]).await?;
            ensure!(
                b.focus_matches("#error-summary a").await?,
                "Tab from the summary reaches its first link"
            );
            b.focus_is_visible().await?;
            b.press(&[Key::Enter]).await?;
            ensure!(
                b.focus_matches("#doc_type").await?,
                "the error link moves focus to its field, not {}",
                b.focused().await?
            );

            // Now fill it in, in the order the fields are read.
            arrow_to_value(b, Key::Down, "lv-passport", 10).await?;
            let mut order = vec![b.focused().await?];
            for (css, text) in [
                ("#doc_number", "LV4418207".to_owned()),
                ("#issuing_state", "LV".to_owned()),
                ("#expires_on", desk::in_a_year(&app)),
                ("#personal_code", PERSONAL_CODE.to_owned()),
                ("#given_names", GIVEN.to_owned()),
                ("#surnames", SURNAME.to_owned()),
            ] {
                b.press(&[Key::Tab]).await?;
                b.focus_is_visible().await?;
                order.push(b.focused().await?);
                if !text.is_empty() {
                    type_into(b, css, &text).await?;
                }
            }
            b.press(&[Key::Tab]).await?;
            order.push(b.focused().await?);
            ensure!(
                order
                    == [
                        "select#doc_type",
                        "input#doc_number",
                        "input#issuing_state",
                        "input#expires_on",
                        "input#personal_code",
                        "input#given_names",
                        "input#surnames",
                        "button.button",
                    ],
                "22.¹1 focus order: {order:?}"
            );
            // Shift+Tab goes back the same way.
            b.shift_tab().await?;
            ensure!(b.focus_matches("#surnames").await?, "Shift+Tab goes back");
            b.press(&[Key::Tab]).await?;
            b.press_leaving(Key::Enter).await?;
            // Recorded: straight on to 22.¹2, focus at its heading.
            ensure!(
                b.path().await? == format!("/cases/{id}/steps/employee-eid"),
                "22.¹1 recorded and 22.¹2 next: {}",
                b.main_text().await?
            );
            b.find("#flash[role=status]").await?;
            ensure!(
                b.focus_settles_on("h1").await?,
                "focus starts at 22.¹2's heading, not {}",
                b.focused().await?
            );

            // 22.¹2: the employee's eID means, by arrow keys; the time is already filled in.
            tab_visibly(b, "input[name=means_code]", 60).await?;
            b.press(&[Key::Space]).await?;
            arrow_to_value(b, Key::Down, "eparaksts-mobile", 10).await?;
            b.press(&[Key::Tab]).await?;
            ensure!(b.focus_matches("#used_at").await?, "then the time of use");
            tab_visibly(b, "main form button[type=submit]", 10).await?;
            b.press_leaving(Key::Enter).await?;
            ensure!(
                b.path().await? == format!("/cases/{id}/steps/authorisation"),
                "22.¹2 recorded and 22.¹3 next: {}",
                b.main_text().await?
            );
            let stepper = b
                .find("nav.stepper")
                .await?
                .text()
                .await
                .map_err(|e| e.to_string())?;
            ensure!(
                b.find("nav.stepper li.step-current").await?.text().await.map_err(|e| e.to_string())?.contains("22.¹3"),
                "22.¹3 is next: {stepper}"
            );
            Ok(())
        })
        .await;
}
