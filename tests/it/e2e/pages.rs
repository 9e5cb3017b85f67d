//! axe-core (WCAG 2.1 A and AA) on every page and every form-error state the walk does not
//! already cover, and reflow in a 320 px wide window.

use crate::browser::{Browser, Outcome};
use crate::e2e::desk::{self, PERSONAL_CODE, SUBMIT, SURNAME};
use crate::ensure;
use crate::harness::TEST_PASSWORD;

/// Submits the page's main form as it stands and checks the error state: a summary, focus on
/// it, and no violations.
async fn error_state(b: &Browser, what: &str) -> Outcome {
    b.submit(SUBMIT).await?;
    b.find("#error-summary").await?;
    ensure!(
        b.focus_settles_on("#error-summary, #error-summary a")
            .await?,
        "{what}: the error summary takes focus, not {}",
        b.focused().await?
    );
    b.assert_accessible(&format!("{what} with errors")).await
}

/// Nothing but a data table's own scroll box is wider than the window.
async fn reflows(b: &Browser, what: &str) -> Outcome {
    let wide = b
        .js(r#"const width = document.documentElement.clientWidth;
               const wide = [...document.querySelectorAll('body *')].filter(e => {
                  if (e.closest('.table-scroll, .visually-hidden, .skip-link')) return false;
                  const r = e.getBoundingClientRect();
                  return r.width > 0 && (r.right > width + 1 || r.left < -1);
               });
               return [document.documentElement.scrollWidth, width,
                       wide.slice(0, 5).map(e => e.tagName + '.' + e.className + '#' + e.id)];"#)
        .await?;
    let (scroll, width, elements): (u64, u64, Vec<String>) =
        serde_json::from_value(wide).map_err(|e| e.to_string())?;
    ensure!(
        scroll <= width && elements.is_empty(),
        "{what} does not reflow at {width} px: {scroll} px wide, {elements:?}"
    );
    Ok(())
}

#[tokio::test]
async fn the_employees_other_pages_and_error_states_pass_axe_and_reflow_at_320_px() {
    let app = desk::desk().await;
    let eservice = desk::family_benefit(&app).await;
    let Some(browser) = Browser::open(&app, "employee_pages").await else {
        return;
    };
    browser
        .run(async |b: &Browser| -> Outcome {
            b.sign_in("anna", TEST_PASSWORD).await?;
            let id = desk::open_case(b, eservice).await?;
            desk::record_step(&app, b, id, "identity").await?;

            // Stop: the form, its errors, the stopped case.
            let stopped = desk::open_case(b, eservice).await?;
            b.check(&format!("/cases/{stopped}/stop")).await?;
            error_state(b, "stop").await?;
            b.find("#reason")
                .await?
                .select_by_value("client-withdrew")
                .await
                .map_err(|e| e.to_string())?;
            b.submit(SUBMIT).await?;
            ensure!(
                b.main_text().await?.contains("pārtraukts"),
                "the case is stopped"
            );
            b.assert_accessible("the stopped case").await?;
            b.check("/cases").await?;

            // Search: empty, a bad personal code, a hit.
            b.check("/cases/search").await?;
            b.fill("#personal_code", "123").await?;
            error_state(b, "search").await?;
            b.fill("#personal_code", "").await?;
            b.fill("#name", SURNAME).await?;
            b.submit(SUBMIT).await?;
            ensure!(
                b.find(&format!("main table a[href='/cases/{id}']"))
                    .await
                    .is_ok(),
                "the search finds the case"
            );
            b.assert_accessible("search results").await?;
            b.fill("#name", "Neesošs Vārds").await?;
            b.submit(SUBMIT).await?;
            b.assert_accessible("search without results").await?;

            // Verifying a printed document: empty, no match.
            b.check("/documents/verify").await?;
            b.submit(SUBMIT).await?;
            b.find("#error-summary").await?;
            b.assert_accessible("verify, nothing entered").await?;
            b.fill("#number", "RIX/2026/9999").await?;
            b.fill("#code", "ABCD-EFGH").await?;
            b.submit(SUBMIT).await?;
            b.find("#verify-result[role=status]").await?;
            b.assert_accessible("verify, no match").await?;

            // Error pages.
            b.check("/no-such-page").await?;
            ensure!(b.find("h1").await.is_ok(), "the 404 page has a heading");
            b.check("/review").await?;
            ensure!(b.main_text().await?.len() > 10, "the 403 page says why");
            b.check("/cases/999999").await?;

            // The case pages in English.
            b.submit("header form[action='/language'] button").await?;
            b.check(&format!("/cases/{id}")).await?;
            b.check(&format!("/cases/{id}/steps/employee-eid")).await?;
            error_state(b, "22.¹2 in English").await?;
            b.submit("header form[action='/language'] button").await?;

            // Reflow (WCAG 1.4.10): a 320 CSS px wide window, no sideways scrolling.
            b.client
                .set_window_size(320, 800)
                .await
                .map_err(|e| e.to_string())?;
            for path in [
                "/cases".to_owned(),
                "/cases/new".to_owned(),
                format!("/cases/{id}"),
                format!("/cases/{id}/steps/employee-eid"),
                format!("/cases/{id}/steps/identity"),
                "/cases/search".to_owned(),
                "/documents/verify".to_owned(),
            ] {
                b.visit(&path).await?;
                reflows(b, &path).await?;
            }
            b.client
                .set_window_size(1280, 900)
                .await
                .map_err(|e| e.to_string())?;
            Ok(())
        })
        .await;
}

/// Printed, the page shows `content` and none of its controls.
async fn prints_clean(b: &Browser, path: &str, content: &str) -> Outcome {
    b.visit(path).await?;
    let printed = b.printed_text().await?;
    let t = pilnvara::i18n::Lang::Lv.texts();
    ensure!(
        printed.contains(content),
        "{path} prints {content}: {printed}"
    );
    for control in [
        t.auth.sign_out_button,
        t.common.other_language_name,
        t.documents.print_authorisation,
        t.review.mark_button,
    ] {
        ensure!(
            !printed.contains(control),
            "{path} prints the control {control:?}: {printed}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn the_case_the_22_1_3_and_the_review_pages_print_without_their_controls() {
    let app = desk::desk().await;
    let eservice = desk::family_benefit(&app).await;
    let Some(browser) = Browser::open(&app, "print_views").await else {
        return;
    };
    browser
        .run(async |b: &Browser| -> Outcome {
            b.sign_in("anna", TEST_PASSWORD).await?;
            let id = desk::open_case(b, eservice).await?;
            for step in ["identity", "employee-eid"] {
                desk::record_step(&app, b, id, step).await?;
            }
            prints_clean(b, &format!("/cases/{id}"), SURNAME).await?;
            let notice = pilnvara::i18n::Lang::Lv.texts().cases.data_notice_heading;
            prints_clean(b, &format!("/cases/{id}/steps/authorisation"), notice).await?;
            b.visit(&format!("/cases/{id}/stop")).await?;
            b.find("#reason")
                .await?
                .select_by_value("client-withdrew")
                .await
                .map_err(|e| e.to_string())?;
            b.submit(SUBMIT).await?;
            b.sign_out().await?;
            b.sign_in("zane", TEST_PASSWORD).await?;
            prints_clean(b, &format!("/review/{id}"), SURNAME).await
        })
        .await;
}

#[tokio::test]
async fn every_administration_page_and_error_state_passes_axe() {
    let app = desk::desk().await;
    let eservice = desk::family_benefit(&app).await;
    let Some(browser) = Browser::open(&app, "admin_pages").await else {
        return;
    };
    browser
        .run(async |b: &Browser| -> Outcome {
            // A client whose data the subject-access search will find.
            b.sign_in("anna", TEST_PASSWORD).await?;
            let id = desk::open_case(b, eservice).await?;
            desk::record_step(&app, b, id, "identity").await?;
            b.sign_out().await?;

            b.sign_in("eriks", TEST_PASSWORD).await?;
            b.check("/admin/centres").await?;
            b.submit("main a[href='/admin/centres/new']").await?;
            b.assert_accessible("new centre").await?;
            error_state(b, "new centre").await?;
            b.visit("/admin/centres").await?;
            b.submit("main table a").await?;
            b.assert_accessible("a centre").await?;
            b.fill("#name", "").await?;
            error_state(b, "a centre").await?;

            b.check("/admin/staff").await?;
            b.check("/admin/staff/new").await?;
            error_state(b, "new staff").await?;
            b.fill("#username", "ilze").await?;
            b.fill("#full_name", "Ilze Ābele-Zīle").await?;
            b.submit(SUBMIT).await?;
            b.find("#one-time-password").await?;
            b.assert_accessible("the one-time password").await?;
            b.submit("main a[href^='/admin/staff/']").await?;
            b.assert_accessible("a staff member").await?;
            b.fill("#full_name", "").await?;
            error_state(b, "a staff member").await?;

            b.check("/admin/eservices").await?;
            b.check("/admin/eservices/new").await?;
            error_state(b, "new e-service").await?;
            b.check(&format!("/admin/eservices/{eservice}")).await?;
            b.fill("#institution", "").await?;
            error_state(b, "an e-service").await?;

            b.check("/admin/eid-means").await?;
            b.check("/admin/eid-means/new").await?;
            error_state(b, "new eID means").await?;
            b.check("/admin/eid-means/eid-card").await?;
            b.fill("#name_en", "").await?;
            error_state(b, "an eID means").await?;

            b.check("/admin/notices").await?;
            b.check("/admin/notices/new").await?;
            b.set_date("#effective_from", "").await?;
            error_state(b, "new data notice").await?;
            b.visit("/admin/notices").await?;
            b.submit("main table a[href^='/admin/notices/']").await?;
            b.assert_accessible("a data notice").await?;

            b.check("/admin/messages").await?;
            b.fill("#body", "Labdien, {client_name}!").await?;
            error_state(b, "a message text").await?;

            b.check("/admin/subject-access").await?;
            b.fill("#personal_code", "12345").await?;
            error_state(b, "subject access").await?;
            b.fill("#personal_code", PERSONAL_CODE).await?;
            b.submit(SUBMIT).await?;
            ensure!(
                b.main_text().await?.contains(SURNAME),
                "the subject-access search finds the client"
            );
            b.assert_accessible("subject-access results").await?;

            b.check("/cases").await?;
            b.check("/account/password").await?;

            // The checker is not vacuous: a field without a label is reported.
            b.js("document.querySelector('main').append(document.createElement('input')); return true;")
                .await?;
            let found = b.assert_accessible("a planted fault").await;
            ensure!(
                found.as_ref().is_err_and(|message| message.contains("label")),
                "axe reports a field without a label: {found:?}"
            );
            Ok(())
        })
        .await;
}
