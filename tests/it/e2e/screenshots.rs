//! The screenshots under `docs/screenshots/`, made with the same browser:
//! `PILNVARA_SCREENSHOTS=docs/screenshots cargo test --test it docs_screenshots`. Every other
//! run takes them into a folder of its own that is then removed, so the walk they show (a case
//! recorded to the end, the review, the figures, the administration) cannot break unnoticed.

use std::path::PathBuf;

use crate::browser::{Browser, Outcome};
use crate::e2e::desk::{self, PERSONAL_CODE, STEPS};
use crate::harness::TEST_PASSWORD;

#[tokio::test]
async fn docs_screenshots() {
    let app = desk::desk().await;
    let eservice = desk::family_benefit(&app).await;
    let Some(browser) = Browser::open(&app, "docs_screenshots").await else {
        return;
    };
    let scratch = tempfile::tempdir().unwrap();
    let dir = match std::env::var_os("PILNVARA_SCREENSHOTS") {
        Some(dir) => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(dir),
        None => scratch.path().to_owned(),
    };
    std::fs::create_dir_all(&dir).unwrap();
    let dir = &dir;
    browser
        .run(async |b: &Browser| -> Outcome {
            let shot = async |name: &str| b.screenshot_page(1280, &dir.join(name)).await;
            b.visit("/login").await?;
            shot("01-sign-in.png").await?;
            b.sign_in("anna", TEST_PASSWORD).await?;
            // A closed case, one waiting for the portal's result and one just opened.
            let closed = desk::open_case(b, eservice).await?;
            let waiting = desk::open_case(b, eservice).await?;
            for (case, steps) in [(closed, &STEPS[..]), (waiting, &STEPS[..6])] {
                for step in steps {
                    if *step == "authorisation" {
                        desk::print_authorisation(b, case).await?;
                    }
                    desk::record_step(&app, b, case, step).await?;
                }
            }
            let fresh = desk::open_case(b, eservice).await?;
            desk::record_step(&app, b, fresh, "identity").await?;
            desk::record_step(&app, b, fresh, "employee-eid").await?;
            b.visit("/cases").await?;
            shot("02-cases.png").await?;
            let new = desk::open_case(b, eservice).await?;
            b.visit(&format!("/cases/{new}/steps/identity")).await?;
            shot("03-step-identity.png").await?;
            b.visit(&format!("/cases/{fresh}/steps/authorisation"))
                .await?;
            shot("04-step-authorisation.png").await?;
            b.visit(&format!("/cases/{closed}")).await?;
            shot("05-closed-case.png").await?;
            b.client
                .set_window_size(320, 800)
                .await
                .map_err(|e| e.to_string())?;
            b.visit(&format!("/cases/{fresh}/steps/authorisation"))
                .await?;
            b.screenshot_page(320, &dir.join("11-reflow-320px.png"))
                .await?;
            b.sign_out().await?;

            b.sign_in("zane", TEST_PASSWORD).await?;
            b.visit("/review").await?;
            shot("06-review-queue.png").await?;
            b.visit(&format!("/review/{closed}")).await?;
            shot("07-review-case.png").await?;
            b.visit("/figures").await?;
            shot("08-figures.png").await?;
            b.sign_out().await?;

            b.sign_in("eriks", TEST_PASSWORD).await?;
            b.visit("/admin/staff").await?;
            shot("09-admin-staff.png").await?;
            b.visit("/admin/subject-access").await?;
            b.fill("#personal_code", PERSONAL_CODE).await?;
            b.submit(desk::SUBMIT).await?;
            shot("10-subject-access.png").await?;
            Ok(())
        })
        .await;
    let mut shots: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    shots.sort();
    assert_eq!(shots.len(), 11, "{shots:?}");
    for shot in shots {
        let bytes = std::fs::read(&shot).unwrap();
        assert!(bytes.starts_with(b"\x89PNG"), "{} is a PNG", shot.display());
    }
}
