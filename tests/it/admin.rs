//! The administrator's pages: who may reach them, the scope of an administrator's centres,
//! and each management task as it is done in the browser.

use axum::http::StatusCode;
use chrono::TimeDelta;
use pilnvara::domain::ids::CentreId;
use pilnvara::domain::staff::Role;
use pilnvara::i18n::Lang;
use pilnvara::service::accounts;

use crate::harness::{TEST_PASSWORD, TestApp, count};

/// The one-time password a result page shows.
fn shown_password(body: &str) -> String {
    body.split(r#"id="one-time-password">"#)
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .unwrap_or_else(|| panic!("no one-time password on the page: {body}"))
        .to_owned()
}

/// The id at the end of a redirect such as `/admin/centres/7?done=added`.
fn id_in(location: Option<&str>) -> i64 {
    let location = location.expect("a redirect");
    let path = location.split('?').next().unwrap();
    path.rsplit('/').next().unwrap().parse().expect(location)
}

/// Centre RIX with administrator `adm` and employee `anna`; centre VEN with employee `viktors`.
async fn two_centres() -> (TestApp, CentreId, CentreId) {
    let app = TestApp::new().await;
    let rix = app.centre("RIX").await;
    let ven = app.centre("VEN").await;
    app.user("adm", Role::Admin, "RIX", &[]).await;
    app.user("anna", Role::Employee, "RIX", &[]).await;
    app.user("viktors", Role::Employee, "VEN", &[]).await;
    (app, rix, ven)
}

async fn staff_id(app: &TestApp, username: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM staff WHERE username = $1")
        .bind(username)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn every_admin_route_refuses_employees_and_supervisors_and_the_refusal_is_audited() {
    let app = TestApp::new().await;
    app.centre("RIX").await;
    app.user("anna", Role::Employee, "RIX", &[]).await;
    app.user("sandra", Role::Supervisor, "RIX", &["RIX"]).await;
    let gets = [
        "/admin",
        "/admin/centres",
        "/admin/centres/new",
        "/admin/centres/1",
        "/admin/staff",
        "/admin/staff/new",
        "/admin/staff/1",
        "/admin/eservices",
        "/admin/eservices/new",
        "/admin/eservices/1",
        "/admin/eid-means",
        "/admin/eid-means/new",
        "/admin/eid-means/eid-card",
        "/admin/notices",
        "/admin/notices/new",
        "/admin/notices/1",
    ];
    let posts = [
        "/admin/centres/new",
        "/admin/centres/1",
        "/admin/staff/new",
        "/admin/staff/1",
        "/admin/staff/1/disable",
        "/admin/staff/1/enable",
        "/admin/staff/1/reset-password",
        "/admin/staff/1/unlock",
        "/admin/staff/1/end-sessions",
        "/admin/eservices/new",
        "/admin/eservices/1",
        "/admin/eid-means/new",
        "/admin/eid-means/eid-card",
        "/admin/notices/new",
        "/admin/notices/1",
    ];
    let changes_before = count(&app.pool, "SELECT count(*) FROM audit_events").await;
    for username in ["anna", "sandra"] {
        let client = app.signed_in(username).await;
        for path in gets {
            let response = client.get(path).await;
            assert_eq!(response.status, StatusCode::FORBIDDEN, "GET {path}");
            assert!(response.body.contains("<html"), "a page, not a bare status");
        }
        for path in posts {
            let response = client
                .post(path, &[("code", "X1"), ("name", "Mēģinājums")])
                .await;
            assert_eq!(response.status, StatusCode::FORBIDDEN, "POST {path}");
        }
    }
    let requests = 2 * (gets.len() + posts.len()) as i64;
    let refused = count(
        &app.pool,
        "SELECT count(*) FROM audit_events WHERE action = 'access-refused'",
    )
    .await;
    assert_eq!(refused, requests, "each refusal is audited");
    let routes: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT details->>'route' FROM audit_events WHERE action = 'access-refused'",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert!(routes.contains(&"/admin/staff/{id}/reset-password".to_owned()));
    let others = count(
        &app.pool,
        "SELECT count(*) FROM audit_events WHERE action NOT IN ('access-refused', 'signed-in')",
    )
    .await;
    assert_eq!(others, changes_before, "nothing was changed");
    assert_eq!(count(&app.pool, "SELECT count(*) FROM centres").await, 1);
    assert_eq!(
        count(&app.pool, "SELECT count(*) FROM staff WHERE active").await,
        2
    );
}

#[tokio::test]
async fn an_admin_of_one_centre_finds_nothing_of_another() {
    let (app, rix, ven) = two_centres().await;
    let viktors = staff_id(&app, "viktors").await;
    let admin = app.signed_in("adm").await;

    let centres = admin.get("/admin/centres").await;
    assert_eq!(centres.status, StatusCode::OK);
    assert!(centres.body.contains(&format!("/admin/centres/{rix}\"")));
    assert!(!centres.body.contains(&format!("/admin/centres/{ven}\"")));
    let staff = admin.get("/admin/staff").await;
    assert!(staff.body.contains("anna"));
    assert!(!staff.body.contains("viktors"), "B's staff are not listed");

    assert_eq!(
        admin.get(&format!("/admin/centres/{ven}")).await.status,
        StatusCode::NOT_FOUND
    );
    let edit_ven = admin
        .post(
            &format!("/admin/centres/{ven}"),
            &[
                ("code", "VEN"),
                ("name", "Pārņemts"),
                ("kind", "local"),
                ("retention_years", "10"),
            ],
        )
        .await;
    assert_eq!(edit_ven.status, StatusCode::NOT_FOUND);
    assert_eq!(
        admin.get(&format!("/admin/staff/{viktors}")).await.status,
        StatusCode::NOT_FOUND
    );
    for action in [
        "",
        "/disable",
        "/enable",
        "/reset-password",
        "/unlock",
        "/end-sessions",
    ] {
        let response = admin
            .post(
                &format!("/admin/staff/{viktors}{action}"),
                &[("full_name", "X"), ("role", "admin"), ("centre_id", "1")],
            )
            .await;
        assert_eq!(response.status, StatusCode::NOT_FOUND, "{action}");
    }
    // Nor can an account be placed in, or made to supervise, a centre outside the scope.
    let anna = staff_id(&app, "anna").await;
    let moved = admin
        .post(
            &format!("/admin/staff/{anna}"),
            &[
                ("full_name", "Anna"),
                ("role", "supervisor"),
                ("centre_id", &ven.to_string()),
                ("supervises", &ven.to_string()),
            ],
        )
        .await;
    assert_eq!(moved.status, StatusCode::OK);
    assert!(moved.body.contains("Izvēlieties vienu no saviem centriem"));
    let name: String = sqlx::query_scalar("SELECT name FROM centres WHERE id = $1")
        .bind(ven)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(name, "Centrs VEN");
    let (active, role, centre): (bool, String, CentreId) = sqlx::query_as(
        "SELECT active, array_to_string(roles, ','), centre_id FROM staff WHERE username = 'viktors'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!((active, role.as_str(), centre), (true, "employee", ven));
    assert_eq!(
        count(&app.pool, "SELECT count(*) FROM supervised_centres").await,
        0
    );
}

#[tokio::test]
async fn a_newcomer_admin_sets_up_a_centre_and_an_employee_who_then_signs_in() {
    let app = TestApp::new().await;
    let printed = accounts::bootstrap(&app.pool, &app.hasher, app.clock.as_ref())
        .await
        .unwrap()
        .expect("a first start prints a password");
    let admin = app.client().await;
    let signed_in = admin.sign_in("admin", printed.expose()).await;
    assert_eq!(signed_in.location(), Some("/account/password"));
    assert_eq!(
        admin.get("/admin/centres").await.location(),
        Some("/account/password"),
        "made to change the password first"
    );
    let changed = admin
        .post(
            "/account/password",
            &[
                ("current", printed.expose()),
                ("new", "administrators maina paroli"),
                ("repeat", "administrators maina paroli"),
            ],
        )
        .await;
    assert!(
        changed.body.contains("Parole nomainīta"),
        "{}",
        changed.body
    );
    assert_eq!(admin.get("/").await.location(), Some("/admin"));
    assert_eq!(admin.get("/admin").await.location(), Some("/admin/centres"));

    let form = admin.get("/admin/centres/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("dokumentu klasifikācijas shēma"));
    let added = admin
        .post(
            "/admin/centres/new",
            &[
                ("code", "ogre"),
                ("name", "Ogres VPVKAC"),
                ("municipality", "Ogres novads"),
                ("kind", "regional"),
                ("retention_years", "5"),
                ("active", "on"),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let ogre = id_in(added.location());
    let centre = admin.get(added.location().unwrap()).await;
    assert!(centre.body.contains(r#"value="OGRE""#), "{}", centre.body);
    assert!(centre.body.contains("Pievienots."));

    let staff_form = admin.get("/admin/staff/new").await;
    assert!(staff_form.body.contains("OGRE — Ogres VPVKAC"));
    let created = admin
        .post(
            "/admin/staff/new",
            &[
                ("username", "Liga.Ozola"),
                ("full_name", "Līga Ozola"),
                ("role", "employee"),
                ("centre_id", &ogre.to_string()),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    assert_eq!(created.header("cache-control"), Some("no-store"));
    let password = shown_password(&created.body);
    assert!(password.len() >= 12, "{password}");
    let listed = admin.get("/admin/staff").await;
    assert!(listed.body.contains("liga.ozola"));
    assert!(!listed.body.contains(&password), "shown once only");
    let details: Vec<String> = sqlx::query_scalar("SELECT details::text FROM audit_events")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert!(details.iter().all(|d| !d.contains(&password)));
    assert!(details.iter().all(|d| !d.contains("Līga")), "no names");
    let out = admin.post("/logout", &[]).await;
    assert_eq!(out.location(), Some("/login?ended=signed-out"));

    let employee = app.client().await;
    let first = employee.sign_in("liga.ozola", &password).await;
    assert_eq!(first.location(), Some("/account/password"));
    let own = employee
        .post(
            "/account/password",
            &[
                ("current", &password),
                ("new", "līgas pašas jaunā parole"),
                ("repeat", "līgas pašas jaunā parole"),
            ],
        )
        .await;
    assert!(own.body.contains("Parole nomainīta"));
    assert_eq!(
        employee.get("/").await.location(),
        Some("/cases"),
        "an employee starts at the cases"
    );
    let home = employee.get("/cases").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(
        home.body.contains("Līga Ozola"),
        "the header names the employee"
    );
    let centre: String = sqlx::query_scalar(
        "SELECT c.code FROM staff s JOIN centres c ON c.id = s.centre_id WHERE s.username = 'liga.ozola'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(centre, "OGRE");
}

#[tokio::test]
async fn disabling_resetting_and_unlocking_work_and_end_sessions_as_they_should() {
    let (app, _, _) = two_centres().await;
    let anna = staff_id(&app, "anna").await;
    let admin = app.signed_in("adm").await;

    let desk = app.signed_in("anna").await;
    let disabled = admin
        .post(&format!("/admin/staff/{anna}/disable"), &[])
        .await;
    assert_eq!(
        disabled.location(),
        Some(format!("/admin/staff/{anna}?done=disabled").as_str())
    );
    assert_eq!(desk.get("/").await.location(), Some("/login?ended=session"));
    let refused = app.client().await.sign_in("anna", TEST_PASSWORD).await;
    assert_eq!(
        refused.status,
        StatusCode::OK,
        "a disabled account cannot sign in"
    );
    assert!(
        admin
            .get(&format!("/admin/staff/{anna}"))
            .await
            .body
            .contains("Aktivizēt kontu")
    );
    admin
        .post(&format!("/admin/staff/{anna}/enable"), &[])
        .await;
    let desk = app.signed_in("anna").await;

    let reset = admin
        .post(&format!("/admin/staff/{anna}/reset-password"), &[])
        .await;
    assert_eq!(reset.status, StatusCode::OK);
    assert_eq!(reset.header("cache-control"), Some("no-store"));
    let new_password = shown_password(&reset.body);
    assert_eq!(desk.get("/").await.location(), Some("/login?ended=session"));
    let old = app.client().await.sign_in("anna", TEST_PASSWORD).await;
    assert_eq!(
        old.status,
        StatusCode::OK,
        "the old password no longer works"
    );
    let again = app.client().await;
    assert_eq!(
        again.sign_in("anna", &new_password).await.location(),
        Some("/account/password")
    );

    let intruder = app.client().await;
    for _ in 0..10 {
        app.clock.advance(TimeDelta::hours(1));
        intruder.sign_in("anna", "not her password at all").await;
    }
    let locked = intruder.sign_in("anna", &new_password).await;
    // Hours passed: the administrator's own session timed out meanwhile.
    let admin = app.signed_in("adm").await;
    assert!(
        locked
            .body
            .contains("Sazinieties ar sava centra administratoru")
    );
    let page = admin.get(&format!("/admin/staff/{anna}")).await;
    assert!(
        page.body.contains("Noņemt pieteikšanās bloķējumu"),
        "{}",
        page.body
    );
    let unlocked = admin
        .post(&format!("/admin/staff/{anna}/unlock"), &[])
        .await;
    assert_eq!(
        unlocked.location(),
        Some(format!("/admin/staff/{anna}?done=unlocked").as_str())
    );
    assert_eq!(
        intruder.sign_in("anna", &new_password).await.location(),
        Some("/account/password")
    );

    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_events
         WHERE actor_id = (SELECT id FROM staff WHERE username = 'adm')
           AND details->>'staff_id' = $1 ORDER BY id",
    )
    .bind(anna.to_string())
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        actions,
        [
            "staff-disabled",
            "staff-enabled",
            "password-reset",
            "staff-unlocked"
        ]
    );
}

#[tokio::test]
async fn an_admin_cannot_disable_themself_or_drop_their_own_admin_role() {
    let (app, rix, _) = two_centres().await;
    let own = staff_id(&app, "adm").await;
    let admin = app.signed_in("adm").await;
    let page = admin.get(&format!("/admin/staff/{own}")).await;
    assert!(
        !page.body.contains("/disable\""),
        "no disable button for oneself"
    );

    let disable = admin
        .post(&format!("/admin/staff/{own}/disable"), &[])
        .await;
    assert_eq!(disable.status, StatusCode::OK);
    assert!(disable.body.contains("Savu kontu atspējot nevar"));
    assert!(disable.body.contains(r#"role="alert""#));
    let reset = admin
        .post(&format!("/admin/staff/{own}/reset-password"), &[])
        .await;
    assert!(reset.body.contains("Savu paroli mainiet lapā"));
    let demote = admin
        .post(
            &format!("/admin/staff/{own}"),
            &[
                ("full_name", "Vairs ne administrators"),
                ("role", "employee"),
                ("centre_id", &rix.to_string()),
            ],
        )
        .await;
    assert_eq!(demote.status, StatusCode::OK);
    assert!(
        demote
            .body
            .contains("Savu administratora lomu noņemt nevar")
    );
    assert!(demote.body.contains(r#"value="Vairs ne administrators""#));
    let (active, role, name): (bool, String, String) = sqlx::query_as(
        "SELECT active, array_to_string(roles, ','), full_name FROM staff WHERE id = $1",
    )
    .bind(own)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!((active, role.as_str()), (true, "admin"));
    assert_eq!(name, "Darbinieks adm");
    assert_eq!(admin.get("/admin/staff").await.status, StatusCode::OK);
}

#[tokio::test]
async fn an_edit_changes_role_and_centres_within_the_administrators_scope() {
    let (app, rix, _ven) = two_centres().await;
    let lat = app.centre("LAT").await;
    app.user("sandra", Role::Supervisor, "RIX", &["RIX"]).await;
    // The administrator manages RIX and LAT, not VEN.
    sqlx::query("INSERT INTO supervised_centres (staff_id, centre_id) SELECT id, $1 FROM staff WHERE username = 'adm'")
        .bind(lat)
        .execute(&app.pool)
        .await
        .unwrap();
    let sandra = staff_id(&app, "sandra").await;
    let admin = app.signed_in("adm").await;
    let page = admin.get(&format!("/admin/staff/{sandra}")).await;
    assert!(page.body.contains(r#"value="Darbinieks sandra""#));
    assert!(!page.body.contains(">VEN<"), "VEN is not offered");

    let saved = admin
        .post(
            &format!("/admin/staff/{sandra}"),
            &[
                ("full_name", "Sandra Kalniņa"),
                ("role", "supervisor"),
                ("centre_id", &lat.to_string()),
                ("supervises", &lat.to_string()),
            ],
        )
        .await;
    assert_eq!(
        saved.location(),
        Some(format!("/admin/staff/{sandra}?done=saved").as_str()),
        "{}",
        saved.body
    );
    let (name, centre): (String, CentreId) =
        sqlx::query_as("SELECT full_name, centre_id FROM staff WHERE id = $1")
            .bind(sandra)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!((name.as_str(), centre), ("Sandra Kalniņa", lat));
    let supervised: Vec<CentreId> = sqlx::query_scalar(
        "SELECT centre_id FROM supervised_centres WHERE staff_id = $1 ORDER BY centre_id",
    )
    .bind(sandra)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(supervised, [lat], "RIX dropped, LAT added");
    assert!(!supervised.contains(&rix));
}

#[tokio::test]
async fn an_account_reaching_beyond_the_administrators_scope_cannot_be_taken_over() {
    let (app, _rix, _ven) = two_centres().await;
    // Sandra's home is RIX, which the administrator manages, but she also supervises VEN.
    app.user("sandra", Role::Supervisor, "RIX", &["RIX", "VEN"])
        .await;
    let sandra = staff_id(&app, "sandra").await;
    let admin = app.signed_in("adm").await;
    assert!(
        !admin
            .get("/admin/staff")
            .await
            .body
            .contains("Darbinieks sandra")
    );
    assert_eq!(
        admin.get(&format!("/admin/staff/{sandra}")).await.status,
        StatusCode::NOT_FOUND
    );
    let reset = admin
        .post(&format!("/admin/staff/{sandra}/reset-password"), &[])
        .await;
    assert_eq!(
        reset.status,
        StatusCode::NOT_FOUND,
        "no one-time password to take over VEN with"
    );
    let still: bool = sqlx::query_scalar("SELECT must_change_password FROM staff WHERE id = $1")
        .bind(sandra)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(!still, "the password was not reset");
}

#[tokio::test]
async fn duplicates_and_bad_fields_come_back_with_the_typed_values() {
    let (app, rix, _) = two_centres().await;
    let admin = app.signed_in("adm").await;

    let duplicate_centre = admin
        .post(
            "/admin/centres/new",
            &[
                ("code", "rix"),
                ("name", "Otrs Rīgas centrs"),
                ("municipality", "Rīga"),
                ("kind", "national"),
                ("retention_years", "7"),
            ],
        )
        .await;
    assert_eq!(duplicate_centre.status, StatusCode::OK);
    let body = &duplicate_centre.body;
    assert!(body.contains(r#"role="alert""#));
    assert!(
        body.contains(r##"<a href="#code">Centrs ar šādu kodu jau ir."##),
        "{body}"
    );
    assert!(
        body.contains(r#"aria-describedby="code-error code-hint""#),
        "{body}"
    );
    assert!(body.contains(r#"value="Otrs Rīgas centrs""#));
    assert!(body.contains(r#"value="7""#));
    assert!(body.contains(r#"<option value="national" selected>"#));

    let bad_retention = admin
        .post(
            &format!("/admin/centres/{rix}"),
            &[
                ("code", "RIX"),
                ("name", "Rīgas centrs"),
                ("kind", "local"),
                ("retention_years", "seši"),
            ],
        )
        .await;
    assert!(bad_retention.body.contains("Ievadiet veselu gadu skaitu"));
    assert!(bad_retention.body.contains(r#"value="seši""#));
    assert!(bad_retention.body.contains(r#"aria-invalid="true""#));

    let duplicate_user = admin
        .post(
            "/admin/staff/new",
            &[
                ("username", "ANNA"),
                ("full_name", "Anna Otrā"),
                ("role", "employee"),
                ("centre_id", &rix.to_string()),
            ],
        )
        .await;
    assert_eq!(duplicate_user.status, StatusCode::OK);
    assert!(
        duplicate_user
            .body
            .contains("Šis lietotājvārds jau ir aizņemts")
    );
    assert!(duplicate_user.body.contains(r#"value="ANNA""#));
    assert!(duplicate_user.body.contains(r#"value="Anna Otrā""#));
    assert!(!duplicate_user.body.contains("one-time-password"));
    let bad_user = admin
        .post(
            "/admin/staff/new",
            &[
                ("username", "a b"),
                ("full_name", "Jānis"),
                ("role", "chief"),
                ("centre_id", &rix.to_string()),
            ],
        )
        .await;
    assert!(bad_user.body.contains(Lang::Lv.texts().admin.role_invalid));
    assert!(bad_user.body.contains(r#"value="a b""#));

    let incomplete_eservice = admin
        .post(
            "/admin/eservices/new",
            &[
                ("code", "new-service"),
                ("name_lv", "Cits"),
                ("name_en", ""),
                ("institution", "Iestāde"),
                ("data_categories", "identity"),
                ("data_categories", "income"),
            ],
        )
        .await;
    let body = &incomplete_eservice.body;
    assert!(
        body.contains(r##"<a href="#name_en">Aizpildiet šo lauku."##),
        "{body}"
    );
    assert!(body.contains(r#"value="new-service""#));
    assert!(body.contains(r#"value="income" checked"#), "{body}");
    assert!(!body.contains(r#"value="health" checked"#));
    let duplicate_eservice = admin
        .post(
            "/admin/eservices/new",
            &[
                ("code", "example-residence"),
                ("name_lv", "Cits"),
                ("name_en", "Other"),
                ("institution", "Iestāde"),
            ],
        )
        .await;
    assert!(
        duplicate_eservice
            .body
            .contains(r##"<a href="#code">Ieraksts ar šādu kodu jau ir."##),
        "{}",
        duplicate_eservice.body
    );
    assert!(duplicate_eservice.body.contains(r#"value="Other""#));

    let duplicate_means = admin
        .post(
            "/admin/eid-means/new",
            &[
                ("code", "eid-card"),
                ("name_lv", "Dublikāts"),
                ("name_en", "Duplicate"),
            ],
        )
        .await;
    assert!(
        duplicate_means
            .body
            .contains("Ieraksts ar šādu kodu jau ir")
    );
    assert!(duplicate_means.body.contains(r#"value="Dublikāts""#));

    let bad_date = admin
        .post(
            "/admin/notices/new",
            &[("effective_from", "rīt"), ("controller_lv", "Pašvaldība")],
        )
        .await;
    assert!(bad_date.body.contains("Ievadiet derīgu datumu"));
    assert!(bad_date.body.contains(">Pašvaldība</textarea>"));
    assert!(bad_date.body.contains(r##"<a href="#purposes_en">"##));

    assert_eq!(count(&app.pool, "SELECT count(*) FROM centres").await, 2);
    assert_eq!(count(&app.pool, "SELECT count(*) FROM staff").await, 3);
    assert_eq!(count(&app.pool, "SELECT count(*) FROM eservices").await, 4);
    assert_eq!(
        count(&app.pool, "SELECT count(*) FROM data_notices").await,
        1
    );
}

#[tokio::test]
async fn a_shown_notice_version_cannot_be_edited_and_a_new_version_can_be_added() {
    let (app, _, _) = two_centres().await;
    let admin = app.signed_in("adm").await;
    let list = admin.get("/admin/notices").await;
    assert!(list.body.contains("vēl nav"), "version 1 not shown yet");

    sqlx::query("UPDATE data_notices SET first_shown_at = now() WHERE version = 1")
        .execute(&app.pool)
        .await
        .unwrap();
    let page = admin.get("/admin/notices/1").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Šo versiju vairs nevar labot"));
    assert!(!page.body.contains("<textarea"));
    assert!(page.body.contains(r#"href="/admin/notices/new""#));
    let edit = admin
        .post(
            "/admin/notices/1",
            &[("effective_from", "2026-02-01"), ("controller_lv", "Cits")],
        )
        .await;
    assert_eq!(edit.status, StatusCode::CONFLICT);
    assert!(edit.body.contains("Šo versiju vairs nevar labot"));
    let trigger = sqlx::query("UPDATE data_notices SET controller_lv = 'Cits' WHERE version = 1")
        .execute(&app.pool)
        .await
        .expect_err("the database refuses too");
    assert!(
        trigger.to_string().contains("cannot be edited"),
        "{trigger}"
    );

    let new = admin.get("/admin/notices/new").await;
    assert!(
        new.body.contains("Datu valsts inspekcijai (Elijas iela 17"),
        "prefilled"
    );
    let latest = sqlx::query_as::<_, (String, String, String, String, String, String, String, String, String, String, String, String)>(
        "SELECT controller_lv, controller_en, purposes_lv, purposes_en, recipients_lv, recipients_en,
                retention_lv, retention_en, rights_lv, rights_en, complaint_lv, complaint_en
         FROM data_notices WHERE version = 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let purposes = format!("{} Papildināts.", latest.2);
    let form = [
        ("effective_from", "2026-03-01"),
        ("controller_lv", latest.0.as_str()),
        ("controller_en", latest.1.as_str()),
        ("purposes_lv", purposes.as_str()),
        ("purposes_en", latest.3.as_str()),
        ("recipients_lv", latest.4.as_str()),
        ("recipients_en", latest.5.as_str()),
        ("retention_lv", latest.6.as_str()),
        ("retention_en", latest.7.as_str()),
        ("rights_lv", latest.8.as_str()),
        ("rights_en", latest.9.as_str()),
        ("complaint_lv", latest.10.as_str()),
        ("complaint_en", latest.11.as_str()),
    ];
    let added = admin.post("/admin/notices/new", &form).await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let id = id_in(added.location());
    let (version, purposes_lv, effective): (i32, String, String) = sqlx::query_as(
        "SELECT version, purposes_lv, effective_from::text FROM data_notices WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!((version, effective.as_str()), (2, "2026-03-01"));
    assert!(purposes_lv.ends_with("Papildināts."));

    // Not shown yet: it can still be corrected.
    let mut corrected = form;
    corrected[0] = ("effective_from", "2026-04-01");
    let saved = admin
        .post(&format!("/admin/notices/{id}"), &corrected)
        .await;
    assert_eq!(
        saved.location(),
        Some(format!("/admin/notices/{id}?done=saved").as_str())
    );
    let effective: String =
        sqlx::query_scalar("SELECT effective_from::text FROM data_notices WHERE id = $1")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(effective, "2026-04-01");
    let listed = admin.get("/admin/notices").await;
    assert!(listed.body.contains("01.04.2026"));
    assert!(listed.body.contains("Parādīta klientam kopš"));
    assert_eq!(
        count(&app.pool, "SELECT count(*) FROM audit_events WHERE action LIKE 'notice-version-%' AND chain = 'system'").await,
        2
    );
}

#[tokio::test]
async fn a_catalogue_edit_persists_capabilities_and_categories() {
    let (app, _, _) = two_centres().await;
    let admin = app.signed_in("adm").await;
    let list = admin.get("/admin/eservices").await;
    assert_eq!(
        list.body
            .matches(r#"<span class="badge">piemērs</span>"#)
            .count(),
        4
    );

    let page = admin.get("/admin/eservices/1").await;
    assert!(page.body.contains("demonstrācijas piemērs"));
    let saved = admin
        .post(
            "/admin/eservices/1",
            &[
                ("code", "example-residence"),
                ("name_lv", "Dzīvesvietas deklarēšana (piemērs)"),
                ("name_en", "Declaration of place of residence (example)"),
                ("institution", "PMLP"),
                ("gives_planned_time", "on"),
                ("data_categories", "health"),
                ("data_categories", "identity"),
                ("active", "on"),
            ],
        )
        .await;
    assert_eq!(saved.location(), Some("/admin/eservices/1?done=saved"));
    let row: (bool, bool, bool, Vec<String>, String, bool) = sqlx::query_as(
        "SELECT authorised_submission, gives_planned_time, gives_result, data_categories,
                institution, active FROM eservices WHERE id = 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        row,
        (
            false,
            true,
            false,
            vec!["identity".to_owned(), "health".to_owned()],
            "PMLP".to_owned(),
            true
        )
    );
    let page = admin.get("/admin/eservices/1").await;
    assert!(page.body.contains(r#"value="health" checked"#));
    assert!(!page.body.contains(r#"value="address" checked"#));

    let unknown = admin
        .post(
            "/admin/eservices/1",
            &[
                ("code", "example-residence"),
                ("name_lv", "X"),
                ("name_en", "X"),
                ("institution", "X"),
                ("data_categories", "shoe-size"),
            ],
        )
        .await;
    assert!(unknown.body.contains("Izvēlieties kategorijas no saraksta"));

    let added = admin
        .post(
            "/admin/eservices/new",
            &[
                ("code", "Pension-Application"),
                ("name_lv", "Pensijas pieprasīšana"),
                ("name_en", "Applying for a pension"),
                ("institution", "VSAA"),
                ("authorised_submission", "on"),
                ("gives_result", "on"),
                ("data_categories", "bank-account"),
                ("active", "on"),
            ],
        )
        .await;
    let id = id_in(added.location());
    let (code, example, categories): (String, bool, Vec<String>) =
        sqlx::query_as("SELECT code, is_example, data_categories FROM eservices WHERE id = $1")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!((code.as_str(), example), ("pension-application", false));
    assert_eq!(categories, ["bank-account"]);

    let means = admin
        .post(
            "/admin/eid-means/new",
            &[
                ("code", "smart-id"),
                ("name_lv", "Smart-ID"),
                ("name_en", "Smart-ID"),
            ],
        )
        .await;
    assert_eq!(means.location(), Some("/admin/eid-means?done=added"));
    let off = admin
        .post(
            "/admin/eid-means/smart-id",
            &[
                ("code", "hijack"),
                ("name_lv", "Smart-ID (nav kvalificēts)"),
                ("name_en", "Smart-ID (not qualified)"),
            ],
        )
        .await;
    assert_eq!(off.location(), Some("/admin/eid-means/smart-id?done=saved"));
    let (name, active): (String, bool) =
        sqlx::query_as("SELECT name_lv, active FROM eid_means WHERE code = 'smart-id'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        (name.as_str(), active),
        ("Smart-ID (nav kvalificēts)", false)
    );
    assert_eq!(
        count(
            &app.pool,
            "SELECT count(*) FROM eid_means WHERE code = 'hijack'"
        )
        .await,
        0,
        "the code never changes"
    );
    let audited: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_events WHERE chain = 'system' AND actor_id IS NOT NULL ORDER BY id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        audited,
        [
            "eservice-changed",
            "eservice-added",
            "eid-means-added",
            "eid-means-changed"
        ]
    );
}

#[tokio::test]
async fn two_administrators_adding_a_notice_version_at_once_both_succeed_in_turn() {
    let app = TestApp::new().await;
    let filled = "Teksts".to_owned();
    let text = pilnvara::store::catalogue::NoticeText {
        controller_lv: filled.clone(),
        controller_en: filled.clone(),
        purposes_lv: filled.clone(),
        purposes_en: filled.clone(),
        recipients_lv: filled.clone(),
        recipients_en: filled.clone(),
        retention_lv: filled.clone(),
        retention_en: filled.clone(),
        rights_lv: filled.clone(),
        rights_en: filled.clone(),
        complaint_lv: filled.clone(),
        complaint_en: filled,
    };
    let input = pilnvara::service::catalogue::NoticeInput {
        effective_from: "2027-01-01".into(),
        text,
    };
    let operator = pilnvara::service::Actor::Operator;
    let (first, second) = tokio::join!(
        pilnvara::service::catalogue::add_notice(&app.pool, app.clock.as_ref(), operator, &input),
        pilnvara::service::catalogue::add_notice(&app.pool, app.clock.as_ref(), operator, &input),
    );
    assert!(first.is_ok() && second.is_ok(), "{first:?} {second:?}");
    let versions: Vec<i32> =
        sqlx::query_scalar("SELECT version FROM data_notices ORDER BY version")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(versions, [1, 2, 3]);
}

#[tokio::test]
async fn an_administrator_ends_every_session_of_an_account_without_disabling_it() {
    let (app, _rix, _ven) = two_centres().await;
    let anna_id = staff_id(&app, "anna").await;
    let desk = app.signed_in("anna").await;
    let other_desk = app.signed_in("anna").await;
    let admin = app.signed_in("adm").await;
    let page = admin.get(&format!("/admin/staff/{anna_id}")).await;
    assert!(
        page.body
            .contains(&format!(r#"action="/admin/staff/{anna_id}/end-sessions""#))
    );
    let ended = admin
        .post(&format!("/admin/staff/{anna_id}/end-sessions"), &[])
        .await;
    assert_eq!(ended.status, StatusCode::SEE_OTHER, "{}", ended.body);
    for client in [&desk, &other_desk] {
        assert_eq!(
            client.get("/cases").await.location(),
            Some("/login?ended=session")
        );
    }
    let fresh = app.signed_in("anna").await;
    assert_eq!(
        fresh.get("/cases").await.status,
        StatusCode::OK,
        "the account still works"
    );
    let audited = count(
        &app.pool,
        "SELECT count(*) FROM audit_events WHERE action = 'staff-sessions-ended'",
    )
    .await;
    assert_eq!(audited, 1);
}

#[tokio::test]
async fn control_characters_in_admin_forms_get_a_message_beside_the_field() {
    let (app, rix, _) = two_centres().await;
    let admin = app.signed_in("adm").await;
    let staff_before = count(&app.pool, "SELECT count(*) FROM staff").await;
    let refused = admin
        .post(
            "/admin/staff/new",
            &[
                ("username", "liga.ozola"),
                ("full_name", "Līga\u{0} Ozola"),
                ("role", "employee"),
                ("centre_id", &rix.to_string()),
            ],
        )
        .await;
    assert!(!refused.status.is_server_error(), "{}", refused.status);
    assert!(refused.body.contains("bez neredzamām vadības rakstzīmēm"));
    assert!(
        refused.body.contains("liga.ozola"),
        "the form keeps the rest"
    );
    assert_eq!(
        count(&app.pool, "SELECT count(*) FROM staff").await,
        staff_before
    );

    let eservices_before = count(&app.pool, "SELECT count(*) FROM eservices").await;
    let refused = admin
        .post(
            "/admin/eservices/new",
            &[
                ("code", "test-nul"),
                ("name_lv", "Deklarēšana\u{0}"),
                ("name_en", "Declaration"),
                ("institution", "PMLP"),
                ("authorised_submission", "on"),
                ("data_categories", "identity"),
                ("active", "on"),
            ],
        )
        .await;
    assert!(!refused.status.is_server_error(), "{}", refused.status);
    assert!(
        refused.body.contains("neredzamas vadības rakstzīmes"),
        "{}",
        refused.body
    );
    assert_eq!(
        count(&app.pool, "SELECT count(*) FROM eservices").await,
        eservices_before
    );
}

/// A form with several mistakes says all of them at once, each beside its field, and keeps what
/// was typed.
#[tokio::test]
async fn admin_forms_report_every_mistake_at_once() {
    let (app, _rix, _ven) = two_centres().await;
    let admin = app.signed_in("adm").await;
    let long = "x".repeat(pilnvara::domain::staff::MUNICIPALITY_MAX_CHARS + 1);
    let centre = admin
        .post(
            "/admin/centres/new",
            &[
                ("code", "?"),
                ("name", ""),
                ("municipality", &long),
                ("kind", "local"),
                ("retention_years", "many"),
            ],
        )
        .await;
    assert_eq!(centre.status, StatusCode::OK);
    for field in ["code", "name", "municipality", "retention_years"] {
        assert!(
            centre.body.contains(&format!(r##"<a href="#{field}">"##)),
            "{field}: {}",
            centre.body
        );
        assert!(centre.body.contains(&format!(r#"id="{field}-error""#)));
    }
    assert!(centre.body.contains(&long), "what was typed is kept");

    let staff = admin
        .post(
            "/admin/staff/new",
            &[
                ("username", "a b"),
                ("full_name", ""),
                ("role", "chief"),
                ("centre_id", "1"),
            ],
        )
        .await;
    assert_eq!(staff.status, StatusCode::OK);
    for field in ["username", "full_name", "role"] {
        assert!(
            staff.body.contains(&format!(r#"id="{field}-error""#)),
            "{field}: {}",
            staff.body
        );
    }
    assert_eq!(count(&app.pool, "SELECT count(*) FROM centres").await, 2);
    assert_eq!(
        count(
            &app.pool,
            "SELECT count(*) FROM staff WHERE username = 'a b'"
        )
        .await,
        0
    );
}

#[tokio::test]
async fn a_centres_contact_details_are_kept_and_each_wrong_one_is_said_beside_its_field() {
    let (app, rix, _) = two_centres().await;
    let admin = app.signed_in("adm").await;
    let path = format!("/admin/centres/{rix}");
    let form = |phone: &'static str, email: &'static str, address: &'static str| {
        [
            ("code", "RIX"),
            ("name", "Centrs RIX"),
            ("municipality", "Ādažu novads"),
            ("kind", "local"),
            ("retention_years", "10"),
            ("active", "on"),
            ("place", "Ādaži"),
            ("address", address),
            ("phone", phone),
            ("email", email),
            ("opening_hours", "P.–Pk. 8.00–17.00"),
            ("data_protection_officer", "das@adazi.lv"),
        ]
    };

    let saved = admin
        .post(
            &path,
            &form("6712 3456", "vpvkac@adazi.lv", "Gaujas iela 33A"),
        )
        .await;
    let refused = admin
        .post(&path, &form("tālrunis", "vpvkac@", "Gaujas iela\u{0} 33A"))
        .await;

    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let shown = admin.get(&path).await;
    for kept in [
        r#"value="Ādaži""#,
        r#"value="Gaujas iela 33A""#,
        r#"value="67123456""#,
        r#"value="vpvkac@adazi.lv""#,
        r#"value="das@adazi.lv""#,
    ] {
        assert!(shown.body.contains(kept), "{kept}: {}", shown.body);
    }
    assert_eq!(refused.status, StatusCode::OK);
    let t = Lang::Lv.texts().admin;
    for message in [
        t.contact_phone_invalid,
        t.contact_email_invalid,
        t.contact_invalid,
    ] {
        assert!(refused.body.contains(message), "{message}");
    }
    assert!(
        refused.body.contains(r#"value="tālrunis""#),
        "typed values stay"
    );
    let stored: serde_json::Value = sqlx::query_scalar("SELECT contact FROM centres WHERE id = $1")
        .bind(rix)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(stored["phone"], "67123456", "nothing saved is lost");
}

#[tokio::test]
async fn an_administrator_gives_one_person_two_roles_who_still_does_not_review_their_own_case() {
    let (app, _, _) = two_centres().await;
    let admin = app.signed_in("adm").await;
    let t = Lang::Lv.texts();

    let created = admin
        .post(
            "/admin/staff/new",
            &[
                ("username", "maija"),
                ("full_name", "Maija Liepa"),
                ("role", "employee"),
                ("role", "supervisor"),
                ("centre_id", "1"),
                ("supervises", "1"),
            ],
        )
        .await;
    let none = admin
        .post(
            "/admin/staff/new",
            &[
                ("username", "janis"),
                ("full_name", "Jānis"),
                ("centre_id", "1"),
            ],
        )
        .await;

    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    let roles: String = sqlx::query_scalar(
        "SELECT array_to_string(roles, ',') FROM staff WHERE username = 'maija'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(roles, "employee,supervisor");
    let listed = admin.get("/admin/staff").await;
    assert!(
        listed.body.contains("Darbinieks, Vadītājs"),
        "{}",
        listed.body
    );
    assert!(none.body.contains(t.admin.role_invalid), "a role is needed");

    // One person of both roles works the desk and reviews, but never their own case.
    app.user_with_roles("ilze", &[Role::Employee, Role::Supervisor], "RIX", &["RIX"])
        .await;
    let ilze = app.signed_in("ilze").await;
    assert_eq!(ilze.get("/").await.location(), Some("/cases"));
    let cases = ilze.get("/cases").await;
    assert!(cases.body.contains(r#"href="/review""#), "both menus");
    assert!(cases.body.contains(r#"href="/cases/new""#));
    let id = crate::cases::open_case(&ilze, crate::cases::eservice(&app, true, true).await).await;
    let stopped = ilze
        .post(
            &format!("/cases/{id}/stop"),
            &[
                ("version", "1"),
                ("reason", "client-withdrew"),
                ("remark", "Klients pārdomāja"),
            ],
        )
        .await;
    assert_eq!(stopped.status, StatusCode::SEE_OTHER, "{}", stopped.body);
    let review = ilze.get(&format!("/review/{id}")).await;
    assert_eq!(review.status, StatusCode::OK);
    assert!(review.body.contains(t.review.error_own_case));
}

#[tokio::test]
async fn an_accounts_page_shows_whether_it_is_linked_to_a_person_but_never_the_identifier() {
    let (app, _rix, _ven) = two_centres().await;
    let anna = staff_id(&app, "anna").await;
    let admin = app.signed_in("adm").await;
    let t = Lang::Lv.texts().admin;
    let state = |body: &str, id: &str| -> String {
        body.split(&format!(r#"<dd id="{id}">"#))
            .nth(1)
            .and_then(|rest| rest.split('<').next())
            .unwrap_or_else(|| panic!("no {id} on the page: {body}"))
            .to_owned()
    };
    let page = admin.get(&format!("/admin/staff/{anna}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(state(&page.body, "eid-link"), t.person_not_linked);
    assert_eq!(
        state(&page.body, "sign-in-link-default"),
        t.person_not_linked
    );

    let code = "320000-00003";
    for (link, linked_id, other_id, other) in [
        (
            "eid",
            "eid-link",
            "sign-in-link-default",
            t.person_not_linked,
        ),
        (
            "sign-in",
            "sign-in-link-default",
            "eid-link",
            t.person_linked,
        ),
    ] {
        let linked = admin
            .post(
                &format!("/admin/staff/{anna}/link"),
                &[("person", code), ("for", link), ("action", "link")],
            )
            .await;
        assert_eq!(linked.status, StatusCode::SEE_OTHER, "{}", linked.body);
        let page = admin.get(&format!("/admin/staff/{anna}")).await;
        assert_eq!(state(&page.body, linked_id), t.person_linked, "{link}");
        assert_eq!(state(&page.body, other_id), other, "{link}");
        assert!(!page.body.contains(code), "the identifier is never shown");
        assert!(!page.body.contains("32000000003"), "nor without its hyphen");
    }

    let unlinked = admin
        .post(
            &format!("/admin/staff/{anna}/link"),
            &[("person", ""), ("for", "eid"), ("action", "unlink")],
        )
        .await;
    assert_eq!(unlinked.status, StatusCode::SEE_OTHER, "{}", unlinked.body);
    let page = admin.get(&format!("/admin/staff/{anna}")).await;
    assert_eq!(state(&page.body, "eid-link"), t.person_not_linked);
    assert_eq!(state(&page.body, "sign-in-link-default"), t.person_linked);
    let hmac: Vec<u8> = sqlx::query_scalar(
        "SELECT person_hmac FROM staff_sign_in_links WHERE staff_id = $1 AND provider = 'default'",
    )
    .bind(anna)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let hex: String = hmac.iter().map(|b| format!("{b:02x}")).collect();
    assert!(!page.body.contains(&hex), "nor its keyed hash");
}
