//! The operator's command line, run as the real binary against a test database.

use std::io::Write as _;
use std::process::{Command, Output, Stdio};

use crate::harness::{database_url, fresh_named_database};

/// Runs `pilnvara ARGS` on database `name`, with `stdin` as standard input.
fn pilnvara(name: &str, args: &[&str], stdin: &str) -> Output {
    pilnvara_with(name, args, stdin, &[])
}

/// [`pilnvara`] with the settings `env` besides.
fn pilnvara_with(name: &str, args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pilnvara"))
        .args(args)
        .envs(env.iter().copied())
        .env("DATABASE_URL", database_url(name))
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting pilnvara");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[tokio::test]
async fn the_operator_adds_centres_and_users_and_manages_them() {
    let (pool, name) = fresh_named_database().await;
    let centre = pilnvara(
        &name,
        &[
            "centre",
            "add",
            "--code",
            "rix",
            "--name",
            "Rīgas centrs",
            "--kind",
            "national",
            "--municipality",
            "Rīga",
        ],
        "",
    );
    assert!(centre.status.success(), "{}", stderr(&centre));
    assert_eq!(stdout(&centre).trim(), "centre RIX added");
    pilnvara(
        &name,
        &["centre", "add", "--code", "ogr", "--name", "Ogres centrs"],
        "",
    );

    let employee = pilnvara(
        &name,
        &[
            "user",
            "add",
            "--username",
            "Anna",
            "--full-name",
            "Anna Bērziņa",
            "--role",
            "employee",
            "--centre",
            "RIX",
        ],
        "",
    );
    assert!(employee.status.success(), "{}", stderr(&employee));
    let printed = stdout(&employee);
    assert!(
        printed.starts_with("user anna added; one-time password"),
        "{printed}"
    );
    let password = printed.trim().rsplit(' ').next().unwrap();
    assert_eq!(password.len(), 19, "a generated password: {password}");

    let supervisor = pilnvara(
        &name,
        &[
            "user",
            "add",
            "--username",
            "vad",
            "--full-name",
            "Vita Vadītāja",
            "--role",
            "supervisor",
            "--centre",
            "RIX",
            "--supervises",
            "RIX,OGR",
            "--password-stdin",
        ],
        "garā parole vadītājai\n",
    );
    assert!(supervisor.status.success(), "{}", stderr(&supervisor));
    assert_eq!(stdout(&supervisor).trim(), "user vad added");
    let (must_change, supervised): (bool, i64) = sqlx::query_as(
        "SELECT must_change_password, (SELECT count(*) FROM supervised_centres WHERE staff_id = s.id)
         FROM staff s WHERE username = 'vad'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(
        !must_change,
        "a password given on standard input is the user's own"
    );
    assert_eq!(supervised, 2);

    let reset = pilnvara(&name, &["user", "reset-password", "--username", "anna"], "");
    assert!(reset.status.success(), "{}", stderr(&reset));
    assert!(stdout(&reset).contains("new one-time password for anna"));
    for (command, expected) in [
        ("disable", "user anna disabled"),
        ("unlock", "user anna unlocked"),
    ] {
        let output = pilnvara(&name, &["user", command, "--username", "anna"], "");
        assert!(output.status.success(), "{}", stderr(&output));
        assert_eq!(stdout(&output).trim(), expected);
    }
    let active: bool = sqlx::query_scalar("SELECT active FROM staff WHERE username = 'anna'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(!active);
    let audited: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_events WHERE details->>'via' = 'command-line'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(audited, 7, "every change is audited");
}

#[tokio::test]
async fn bad_input_exits_non_zero_with_a_clear_message() {
    let (_pool, name) = fresh_named_database().await;
    pilnvara(
        &name,
        &["centre", "add", "--code", "RIX", "--name", "Rīgas centrs"],
        "",
    );
    pilnvara(
        &name,
        &[
            "user",
            "add",
            "--username",
            "anna",
            "--full-name",
            "Anna",
            "--role",
            "employee",
            "--centre",
            "RIX",
        ],
        "",
    );
    let cases: [(&[&str], &str, &str); 7] = [
        (
            &["centre", "add", "--code", "RIX", "--name", "Cits"],
            "",
            "already exists",
        ),
        (
            &["centre", "add", "--code", "X", "--name", "Cits"],
            "",
            "centre code must be",
        ),
        (
            &[
                "user",
                "add",
                "--username",
                "juris",
                "--full-name",
                "Juris",
                "--role",
                "employee",
                "--centre",
                "NOPE",
            ],
            "",
            "unknown centre NOPE",
        ),
        (
            &[
                "user",
                "add",
                "--username",
                "ANNA",
                "--full-name",
                "Anna",
                "--role",
                "employee",
                "--centre",
                "RIX",
            ],
            "",
            "username is taken",
        ),
        (
            &[
                "user",
                "add",
                "--username",
                "juris",
                "--full-name",
                "Juris",
                "--role",
                "employee",
                "--centre",
                "RIX",
                "--password-stdin",
            ],
            "short\n",
            "at least 12 characters",
        ),
        (
            &[
                "user",
                "add",
                "--username",
                "juris",
                "--full-name",
                "Juris",
                "--role",
                "boss",
                "--centre",
                "RIX",
            ],
            "",
            "invalid value 'boss'",
        ),
        (
            &["user", "disable", "--username", "nobody"],
            "",
            "no such user",
        ),
    ];
    for (args, stdin, message) in cases {
        let output = pilnvara(&name, args, stdin);
        assert!(!output.status.success(), "{args:?} should fail");
        assert!(
            stderr(&output).contains(message),
            "{args:?}: {}",
            stderr(&output)
        );
    }
}

/// `pilnvara demo` on a fresh database: the first administrator, an employee and a supervisor
/// (one account a line, passwords shown once), cases in every state made through the desk's
/// services, so the trail verifies; run again, it refuses and changes nothing.
#[tokio::test]
async fn the_demo_fills_a_fresh_database_once_and_refuses_after() {
    let (pool, name) = fresh_named_database().await;
    let data = tempfile::tempdir().unwrap();
    let run = || crate::evidence::pilnvara(&name, data.path(), &["demo"]);
    let first = run();
    assert!(first.status.success(), "{}", stderr(&first));
    let out = stdout(&first);
    let accounts: Vec<&str> = out.lines().filter(|line| line.contains('\t')).collect();
    assert_eq!(accounts.len(), 3, "admin, employee, supervisor: {out}");
    for username in ["admin", "darbinieks", "vaditajs"] {
        assert!(
            accounts
                .iter()
                .any(|line| line.starts_with(&format!("{username}\t"))),
            "{username}: {out}"
        );
    }
    let states: Vec<(String, Option<String>)> =
        sqlx::query_as("SELECT status::text, next_step FROM cases ORDER BY id")
            .fetch_all(&pool)
            .await
            .unwrap();
    let has = |status: &str| states.iter().any(|(s, _)| s == status);
    assert!(has("open") && has("closed") && has("stopped"), "{states:?}");
    let waiting = states
        .iter()
        .filter(|(status, _)| status == "open")
        .filter_map(|(_, next)| next.clone())
        .collect::<Vec<_>>();
    assert!(
        waiting.len() >= 3,
        "open cases at several duties: {waiting:?}"
    );
    let verify = crate::evidence::pilnvara(&name, data.path(), &["audit", "verify"]);
    assert!(verify.status.success(), "{}", stdout(&verify));

    let cases_before: i64 = sqlx::query_scalar("SELECT count(*) FROM cases")
        .fetch_one(&pool)
        .await
        .unwrap();
    let again = run();
    assert!(!again.status.success(), "a second demo is refused");
    assert!(
        stderr(&again).contains("changed nothing"),
        "{}",
        stderr(&again)
    );
    let cases_after: i64 = sqlx::query_scalar("SELECT count(*) FROM cases")
        .fetch_one(&pool)
        .await
        .unwrap();
    let staff: i64 = sqlx::query_scalar("SELECT count(*) FROM staff")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!((cases_after, staff), (cases_before, 3));
}

#[tokio::test]
async fn the_figures_check_finds_a_roll_up_that_differs_from_the_cases_and_rebuild_mends_it() {
    let (pool, name) = fresh_named_database().await;
    let data = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| crate::evidence::pilnvara(&name, data.path(), args);
    // Cases in every state, made by the desk's own services: the trigger counted each change.
    let demo = run(&["demo"]);
    assert!(demo.status.success(), "{}", stderr(&demo));

    let sound = run(&["figures", "check"]);
    sqlx::query("UPDATE figures_months SET closed = closed + 1 WHERE closed > 0")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("DELETE FROM figures_awaiting")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO figures_messages SELECT id, DATE '2020-01-01', 1, 1, 0, 0 FROM centres LIMIT 1",
    )
    .execute(&pool)
    .await
    .unwrap();
    let changed = run(&["figures", "check"]);
    let rebuilt = run(&["figures", "rebuild"]);
    let after = run(&["figures", "check"]);

    assert!(sound.status.success(), "{}", stderr(&sound));
    assert!(stdout(&sound).contains("equal a recount"));
    assert!(!changed.status.success());
    let said = stderr(&changed);
    assert!(
        said.contains("1 month rows")
            && said.contains("1 awaiting rows")
            && said.contains("1 message rows"),
        "{said}"
    );
    assert!(rebuilt.status.success(), "{}", stderr(&rebuilt));
    assert!(after.status.success(), "{}", stderr(&after));
}

#[tokio::test]
async fn the_operator_links_an_account_for_one_sign_in_provider_and_is_told_of_an_unknown_one() {
    let (pool, name) = fresh_named_database().await;
    let app = crate::harness::TestApp::on(pool.clone());
    app.centre("RIX").await;
    app.user("anna", pilnvara::domain::staff::Role::Employee, "RIX", &[])
        .await;
    let data = tempfile::tempdir().unwrap();
    // A desk with one listed provider, `riga` (never contacted by this command).
    let env = [
        ("PILNVARA_DATA_DIR", data.path().to_str().unwrap()),
        ("PILNVARA_PUBLIC_URL", "https://desk.example.lv"),
        ("PILNVARA_OIDC_PROVIDERS", "riga"),
        ("PILNVARA_OIDC_RIGA_ISSUER", "https://id.riga.example.lv"),
        ("PILNVARA_OIDC_RIGA_CLIENT_ID", "pilnvara"),
        ("PILNVARA_OIDC_RIGA_CLIENT_SECRET", "s3cret"),
    ];
    let link = |provider: &'static str, unlink: bool| {
        let mut args = vec![
            "user",
            "link-person",
            "--username",
            "anna",
            "--for",
            "sign-in",
            "--provider",
            provider,
        ];
        if unlink {
            args.push("--unlink");
        }
        pilnvara_with(&name, &args, "subject-at-riga\n", &env)
    };
    let links = || async {
        sqlx::query_scalar::<_, String>("SELECT provider FROM staff_sign_in_links ORDER BY 1")
            .fetch_all(&pool)
            .await
            .unwrap()
    };

    let linked = link("riga", false);
    assert!(linked.status.success(), "{}", stderr(&linked));
    assert_eq!(
        stdout(&linked).trim(),
        "user anna linked to a person (sign-in, riga)"
    );
    assert!(!stdout(&linked).contains("subject-at-riga"));
    assert_eq!(links().await, ["riga"]);

    let unknown = link("ogre", false);
    assert!(!unknown.status.success());
    assert!(
        stderr(&unknown).contains("--provider ogre"),
        "{}",
        stderr(&unknown)
    );
    assert_eq!(
        links().await,
        ["riga"],
        "nothing linked for an unknown provider"
    );

    let unlinked = link("riga", true);
    assert!(unlinked.status.success(), "{}", stderr(&unlinked));
    assert!(links().await.is_empty());
}
