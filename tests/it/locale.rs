//! Dates and times as the desk reads them: dd.mm.gggg, on the wall clock of Riga, also across
//! the changes to and from summer time.

use axum::http::StatusCode;
use chrono::{TimeZone, Utc};
use pilnvara::domain::staff::Role;

use crate::harness::TestApp;

#[tokio::test]
async fn case_times_are_shown_as_dd_mm_yyyy_on_the_riga_wall_clock_across_summer_time() {
    let app = TestApp::new().await;
    app.centre("RIX").await;
    app.user("anna", Role::Employee, "RIX", &[]).await;
    let eservice: i64 =
        sqlx::query_scalar("SELECT id FROM eservices WHERE code = 'example-residence'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    // Summer time began in Riga on 29 March 2026 at 03:00 EET (01:00 UTC), and ended on
    // 25 October 2026 at 04:00 EEST (01:00 UTC).
    let cases = [
        (
            Utc.with_ymd_and_hms(2026, 3, 28, 23, 30, 0).unwrap(),
            "29.03.2026 01:30",
        ),
        (
            Utc.with_ymd_and_hms(2026, 3, 29, 0, 59, 0).unwrap(),
            "29.03.2026 02:59",
        ),
        (
            Utc.with_ymd_and_hms(2026, 3, 29, 1, 0, 0).unwrap(),
            "29.03.2026 04:00",
        ),
        (
            Utc.with_ymd_and_hms(2026, 10, 25, 0, 30, 0).unwrap(),
            "25.10.2026 03:30",
        ),
        (
            Utc.with_ymd_and_hms(2026, 10, 25, 1, 30, 0).unwrap(),
            "25.10.2026 03:30",
        ),
        (
            Utc.with_ymd_and_hms(2026, 12, 31, 22, 5, 0).unwrap(),
            "01.01.2027 00:05",
        ),
    ];
    for (at, shown) in cases {
        app.set_clock(at);
        let anna = app.signed_in("anna").await;
        let eservice = eservice.to_string();
        let token = anna.open_token().await;
        let opened = anna
            .post(
                "/cases/new",
                &[
                    ("open_token", &token),
                    ("eservice_id", &eservice),
                    ("missing_means", "eid-card"),
                ],
            )
            .await;
        assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.body);
        let overview = anna.get(opened.location().unwrap()).await;
        assert!(
            overview
                .body
                .contains(&format!("{shown} (Darbinieks anna)")),
            "{at} is shown as {shown}: {}",
            overview.body
        );
    }
}
