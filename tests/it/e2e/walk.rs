//! A whole case at the desk, its review by the supervisor, and two desks on one case.

use crate::browser::{Browser, Outcome};
use crate::e2e::desk::{self, GIVEN, PERSONAL_CODE, STEPS, SUBMIT, SURNAME};
use crate::ensure;
use crate::harness::TEST_PASSWORD;

/// Every duty's page, its error state and the closed case pass axe; the authorisation PDF opens
/// at 22.¹3; then the supervisor reviews the case and finds it reviewed in the queue.
#[tokio::test]
async fn an_employee_walks_a_whole_case_and_the_supervisor_reviews_it() {
    let app = desk::desk().await;
    let eservice = desk::family_benefit(&app).await;
    let Some(browser) = Browser::open(&app, "whole_case").await else {
        return;
    };
    browser
        .run(async |b: &Browser| -> Outcome {
            b.sign_in("anna", TEST_PASSWORD).await?;
            b.check("/cases").await?;
            b.visit("/cases/new").await?;
            b.assert_accessible("new case").await?;
            b.submit(SUBMIT).await?;
            b.find("#error-summary").await?;
            b.assert_accessible("new case with errors").await?;
            let id = desk::open_case(b, eservice).await?;
            b.find("#flash[role=status]").await?;
            b.assert_accessible("the opened case").await?;

            for (index, step) in STEPS.iter().enumerate() {
                // From the overview "Continue" leads to the first duty; recording a duty leads
                // straight on to the next.
                if index == 0 {
                    b.submit("main p.actions a.button").await?;
                }
                let path = b.path().await?;
                ensure!(
                    path == format!("/cases/{id}/steps/{step}"),
                    "the way leads to {step}, not {path}"
                );
                let heading = b
                    .find("h1")
                    .await?
                    .text()
                    .await
                    .map_err(|e| e.to_string())?;
                let subpoint = format!("22.¹{}", index + 1);
                ensure!(heading.starts_with(&subpoint), "{step}: heading {heading}");
                b.assert_accessible(&format!("{subpoint} {step}")).await?;
                // The compact head leaves the form's first field in view at 1280×900; 22.¹3
                // reads the data-use notice to the client first, so its form follows the notice.
                if *step != "authorisation" {
                    let fold = b
                        .js("const f = document.querySelector('form.form .field');
                             return [f.getBoundingClientRect().bottom, window.innerHeight];")
                        .await?;
                    let (bottom, height) = (fold[0].as_f64(), fold[1].as_f64());
                    ensure!(
                        matches!((bottom, height), (Some(b), Some(h)) if b <= h),
                        "{step}: the first field is above the fold: {fold}"
                    );
                }
                if *step == "authorisation" {
                    // The first print numbers and freezes the document: the 22.¹3 form's POST to
                    // the PDF, so that the client's answer asked above is printed on it.
                    let print = desk::PRINT_AUTHORISATION;
                    let button = b.find(print).await?;
                    let text = button.text().await.map_err(|e| e.to_string())?;
                    ensure!(
                        text.len() > 10,
                        "the print button says what it does: {text}"
                    );
                    let (status, content_type, head) = b.press_to_fetch(print).await?;
                    ensure!(status == 200, "the authorisation: HTTP {status}");
                    ensure!(
                        content_type == "application/pdf",
                        "the authorisation is a PDF: {content_type}"
                    );
                    ensure!(head == "%PDF-", "PDF bytes: {head:?}");
                }
                // An empty form: the errors, focus on their summary, and still accessible.
                b.submit(SUBMIT).await?;
                b.find("#error-summary").await?;
                ensure!(
                    b.focus_settles_on("#error-summary, #error-summary a")
                        .await?,
                    "{step}: the error summary takes focus, not {}",
                    b.focused().await?
                );
                b.assert_accessible(&format!("{subpoint} {step} with errors"))
                    .await?;
                desk::record_step(&app, b, id, step).await?;
            }
            let text = b.main_text().await?;
            ensure!(text.contains("pabeigts"), "the case is closed: {text}");
            ensure!(
                text.contains(GIVEN) && text.contains(SURNAME) && text.contains(PERSONAL_CODE),
                "the client is shown: {text}"
            );
            ensure!(
                !b.exists("main p.actions a.button").await,
                "a closed case has nothing to continue"
            );
            b.assert_accessible("the closed case").await?;
            b.check("/cases").await?;
            ensure!(
                b.find(&format!("a[href='/cases/{id}']")).await.is_ok(),
                "the closed case is listed"
            );

            b.sign_out().await?;
            b.sign_in("zane", TEST_PASSWORD).await?;
            b.check("/review").await?;
            let row = format!("#queue a[data-case='{id}']");
            b.submit(&row).await?;
            ensure!(b.path().await? == format!("/review/{id}"), "the case opens");
            b.assert_accessible("the review page").await?;
            ensure!(
                b.main_text().await?.contains(GIVEN),
                "the supervisor sees the client"
            );
            b.click("#verdict-issues-found").await?;
            b.submit("#reviews form button[type=submit]").await?;
            b.find("#error-summary").await?;
            b.assert_accessible("the review page with errors").await?;
            b.click("#verdict-in-order").await?;
            b.fill("#remark", "Pārbaudīts: pilnvara un paziņojums kārtībā.")
                .await?;
            b.submit("#reviews form button[type=submit]").await?;
            b.find("#review-saved[role=status]").await?;
            b.assert_accessible("the review page after saving").await?;
            b.visit("/review?reviewed=yes").await?;
            let line = b
                .find(&format!("#queue tr:has(a[data-case='{id}'])"))
                .await?
                .text()
                .await
                .map_err(|e| e.to_string())?;
            ensure!(line.contains("Kārtībā"), "reviewed in the queue: {line}");
            b.assert_accessible("the queue of reviewed cases").await?;
            b.visit("/review?reviewed=no").await?;
            ensure!(
                !b.exists(&format!("#queue a[data-case='{id}']")).await,
                "no longer among the unreviewed"
            );

            // The supervisor's other pages: spot checks (with their error), figures.
            b.check("/review/samples").await?;
            b.submit(SUBMIT).await?;
            b.find("#error-summary").await?;
            b.assert_accessible("spot check with errors").await?;
            b.find("#centre")
                .await?
                .select_by_index(1)
                .await
                .map_err(|e| e.to_string())?;
            b.fill("#percent", "50").await?;
            b.submit(SUBMIT).await?;
            // The case was closed this month: last month's sample would be empty, so none is
            // drawn and the page says why.
            let summary = b
                .find("#error-summary")
                .await?
                .text()
                .await
                .map_err(|e| e.to_string())?;
            ensure!(
                summary.contains("nepabeidza nevienu gadījumu"),
                "an empty sample is not drawn: {summary}"
            );
            b.assert_accessible("a spot check with nothing to draw")
                .await?;
            b.check("/figures").await?;
            ensure!(
                b.find("svg[role=img] title").await.is_ok(),
                "charts are images with a title"
            );
            b.check("/figures?from=2026-13&to=x").await?;
            b.check("/documents/verify").await?;
            Ok(())
        })
        .await;
}

/// Two desks on one case: the second form sent shows the stale-form message with the case as it
/// now stands, and saves nothing.
#[tokio::test]
async fn a_form_sent_after_another_desk_changed_the_case_is_refused_with_the_fresh_state() {
    let app = desk::desk().await;
    let eservice = desk::family_benefit(&app).await;
    let Some(first) = Browser::open(&app, "stale_form_first").await else {
        return;
    };
    let Some(other) = Browser::open(&app, "stale_form_second").await else {
        return;
    };
    let second = &other;
    first
        .run(async |b: &Browser| -> Outcome {
            b.sign_in("anna", TEST_PASSWORD).await?;
            let id = desk::open_case(b, eservice).await?;
            // Anna opens the stop form; meanwhile Jānis records the identity check.
            b.visit(&format!("/cases/{id}/stop")).await?;
            second.sign_in("janis", TEST_PASSWORD).await?;
            second.visit(&format!("/cases/{id}/steps/identity")).await?;
            desk::record_step(&app, second, id, "identity").await?;
            b.find("#reason")
                .await?
                .select_by_value("client-withdrew")
                .await
                .map_err(|e| e.to_string())?;
            b.fill("#remark", "Klients pārdomāja").await?;
            b.submit(SUBMIT).await?;
            let stale = b.find("#stale[role=alert]").await?;
            let message = stale.text().await.map_err(|e| e.to_string())?;
            ensure!(message.contains("NAV saglabāts"), "stale: {message}");
            let text = b.main_text().await?;
            ensure!(
                text.contains(GIVEN),
                "the fresh case shows the other desk's identity check: {text}"
            );
            let remark = b
                .find("#remark")
                .await?
                .prop("value")
                .await
                .map_err(|e| e.to_string())?;
            ensure!(
                remark.as_deref() == Some("Klients pārdomāja"),
                "what was typed is kept: {remark:?}"
            );
            b.assert_accessible("the stale stop form").await?;
            b.visit(&format!("/cases/{id}")).await?;
            ensure!(
                !b.main_text().await?.contains("pārtraukts"),
                "the case was not stopped"
            );
            Ok(())
        })
        .await;
    // Its own session ends here too, or its Chromium would outlive the test.
    let _ = other.client.clone().close().await;
}
