//! Staff accounts and sessions on both stores: validation, sign-in, lockout, disabling, timeouts
//! and password resets, with time passed in (no sleeping).

use std::sync::Arc;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use shaobao_domain::Role;
use shaobao_services::accounts::{
    AccountError, Accounts, NewUser, SessionPolicy, SignInError, SignedIn,
};
use shaobao_services::org_file::load_org;
use shaobao_services::store::Store;
use shaobao_tests::databases::TestStore;

const PASSWORD: &str = "correct horse battery";

fn accounts(t: &TestStore) -> Accounts {
    let org = Arc::new(load_org(None, 1.0).expect("sample district"));
    Accounts::new(t.store.clone(), org)
}

/// Monday 2 March 2026, 10:00 in Beijing, plus `minutes`.
fn at(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 2, 0, 0).unwrap() + TimeDelta::minutes(minutes)
}

fn dispatcher(login: &str) -> NewUser {
    NewUser {
        login: login.into(),
        display_name: "王丽".into(),
        role: Role::Dispatcher {
            street: "jingshan".into(),
        },
    }
}

async fn create(accounts: &Accounts, login: &str) {
    accounts
        .create(dispatcher(login), PASSWORD, at(0))
        .await
        .unwrap_or_else(|e| panic!("create {login}: {e}"));
}

async fn sign_in(accounts: &Accounts, login: &str, minutes: i64) -> SignedIn {
    accounts
        .sign_in(login, PASSWORD, at(minutes))
        .await
        .unwrap_or_else(|e| panic!("sign in {login}: {e}"))
}

async fn is_live(accounts: &Accounts, session: &SignedIn, minutes: i64) -> bool {
    accounts
        .session(&session.session, at(minutes))
        .await
        .expect("look the session up")
        .is_some()
}

async fn text_column(store: &Store, sql: &str) -> Vec<String> {
    match store {
        Store::Postgres(pool) => sqlx::query_scalar(sql).fetch_all(pool).await,
        Store::Sqlite(pool) => sqlx::query_scalar(sql).fetch_all(pool).await,
    }
    .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

pub async fn accounts_are_created_listed_and_validated(t: TestStore) {
    let accounts = accounts(&t);
    let created = accounts
        .create(dispatcher("wang.li"), PASSWORD, at(0))
        .await
        .unwrap();
    assert_eq!(
        (created.login.as_str(), created.display_name.as_str()),
        ("wang.li", "王丽")
    );
    assert_eq!(created.scope(), Some("jingshan"));
    assert!(!created.disabled);
    assert_eq!(created.actor().id, "user:wang.li");
    assert_eq!(created.actor().name.as_deref(), Some("王丽"));
    assert_eq!(created.actor().role, created.role);
    let auditor = NewUser {
        login: "audit-1".into(),
        display_name: "  Zhao  ".into(),
        role: Role::Auditor,
    };
    accounts.create(auditor, PASSWORD, at(1)).await.unwrap();

    let listed = accounts.list().await.unwrap();
    let logins: Vec<&str> = listed.iter().map(|u| u.login.as_str()).collect();
    assert_eq!(logins, ["audit-1", "wang.li"]);
    assert_eq!(listed[0].display_name, "Zhao");
    assert_eq!(listed[1], created);

    let duplicate = accounts
        .create(dispatcher("wang.li"), PASSWORD, at(2))
        .await;
    assert!(
        matches!(&duplicate, Err(AccountError::LoginTaken(l)) if l == "wang.li"),
        "{duplicate:?}"
    );
    let mut unknown_street = dispatcher("li.na");
    unknown_street.role = Role::Dispatcher {
        street: "atlantis".into(),
    };
    let refused = accounts.create(unknown_street, PASSWORD, at(2)).await;
    let Err(err @ AccountError::Role(_)) = refused else {
        panic!("unknown street accepted: {refused:?}");
    };
    assert_eq!(
        err.to_string(),
        "--street \"atlantis\" is not in the organisation"
    );
    let refusals = [
        (dispatcher("Li Na"), PASSWORD),
        (dispatcher(""), PASSWORD),
        (
            NewUser {
                display_name: " ".into(),
                ..dispatcher("li.na")
            },
            PASSWORD,
        ),
        (dispatcher("li.na"), "short"),
        (
            NewUser {
                role: Role::System,
                ..dispatcher("li.na")
            },
            PASSWORD,
        ),
    ];
    for (new, password) in refusals {
        let refused = accounts.create(new.clone(), password, at(2)).await;
        assert!(
            matches!(
                refused,
                Err(AccountError::InvalidLogin(_)
                    | AccountError::InvalidDisplayName
                    | AccountError::WeakPassword
                    | AccountError::Role(_))
            ),
            "{new:?}: {refused:?}"
        );
    }
    assert_eq!(
        accounts.list().await.unwrap().len(),
        2,
        "nothing else stored"
    );
}

pub async fn sign_in_takes_the_right_password_only(t: TestStore) {
    let accounts = accounts(&t);
    create(&accounts, "wang.li").await;
    let wrong = accounts.sign_in("wang.li", "not the password", at(1)).await;
    assert!(
        matches!(wrong, Err(SignInError::WrongCredentials)),
        "{wrong:?}"
    );
    let unknown = accounts.sign_in("nobody", PASSWORD, at(1)).await;
    assert!(
        matches!(unknown, Err(SignInError::WrongCredentials)),
        "{unknown:?}"
    );

    let signed_in = sign_in(&accounts, " Wang.Li ", 2).await;
    assert_eq!(signed_in.user.login, "wang.li");
    assert_eq!(signed_in.session.len(), 64);
    assert_eq!(signed_in.csrf_token.len(), 64);
    let session = accounts
        .session(&signed_in.session, at(3))
        .await
        .unwrap()
        .expect("live session");
    assert_eq!(session.user, signed_in.user);
    assert_eq!(session.csrf_token, signed_in.csrf_token);
    let other = sign_in(&accounts, "wang.li", 3).await;
    assert_ne!(other.session, signed_in.session);
    assert_ne!(other.csrf_token, signed_in.csrf_token);

    for forged in [
        "",
        "abc",
        &"0".repeat(64),
        &signed_in.session.to_uppercase(),
    ] {
        assert!(
            accounts.session(forged, at(3)).await.unwrap().is_none(),
            "{forged}"
        );
    }
    accounts.sign_out(&signed_in.session, at(4)).await.unwrap();
    assert!(!is_live(&accounts, &signed_in, 4).await, "signed out");
    assert!(
        is_live(&accounts, &other, 4).await,
        "the other session lives on"
    );
}

pub async fn five_failures_lock_a_login_for_fifteen_minutes(t: TestStore) {
    let accounts = accounts(&t);
    create(&accounts, "wang.li").await;
    // Four failures, a success (clears nothing), then the fifth failure at minute 10.
    for minute in 0..4 {
        let refused = accounts
            .sign_in("wang.li", "wrong password", at(minute))
            .await;
        assert!(matches!(refused, Err(SignInError::WrongCredentials)));
    }
    sign_in(&accounts, "wang.li", 5).await;
    let fifth = accounts.sign_in("wang.li", "wrong password", at(10)).await;
    assert!(
        matches!(fifth, Err(SignInError::WrongCredentials)),
        "{fifth:?}"
    );

    for minute in [10, 24] {
        let locked = accounts.sign_in("wang.li", PASSWORD, at(minute)).await;
        match locked {
            Err(SignInError::LockedOut { until }) => assert_eq!(until, at(25)),
            other => panic!("minute {minute}: not locked out: {other:?}"),
        }
    }
    // A second accounts handle (another node) sees the same lockout.
    let other_node = self::accounts(&t);
    let locked = other_node.sign_in("wang.li", PASSWORD, at(20)).await;
    assert!(
        matches!(locked, Err(SignInError::LockedOut { .. })),
        "{locked:?}"
    );
    // Released 15 minutes after the fifth failure.
    let released = sign_in(&accounts, "wang.li", 25).await;
    assert_eq!(released.user.login, "wang.li");

    // Unknown logins are counted the same way (no enumeration).
    for second in 0..5 {
        let refused = accounts
            .sign_in("nobody", PASSWORD, at(30) + TimeDelta::seconds(second))
            .await;
        assert!(matches!(refused, Err(SignInError::WrongCredentials)));
    }
    let locked = accounts.sign_in("nobody", PASSWORD, at(31)).await;
    assert!(
        matches!(locked, Err(SignInError::LockedOut { .. })),
        "{locked:?}"
    );
    // Other logins are not affected.
    sign_in(&accounts, "wang.li", 31).await;
}

pub async fn a_disabled_account_is_refused_at_the_next_lookup(t: TestStore) {
    let accounts = accounts(&t);
    create(&accounts, "wang.li").await;
    create(&accounts, "zhang.san").await;
    let session = sign_in(&accounts, "wang.li", 1).await;
    let bystander = sign_in(&accounts, "zhang.san", 1).await;
    // Another node disables the account; this node's next lookup refuses the session.
    let disabled = self::accounts(&t).disable("wang.li", at(2)).await.unwrap();
    assert!(disabled.disabled);
    assert!(!is_live(&accounts, &session, 2).await);
    assert!(is_live(&accounts, &bystander, 2).await);
    let again = accounts.sign_in("wang.li", PASSWORD, at(3)).await;
    assert!(matches!(again, Err(SignInError::Disabled)), "{again:?}");
    let wrong = accounts.sign_in("wang.li", "wrong password", at(3)).await;
    assert!(
        matches!(wrong, Err(SignInError::WrongCredentials)),
        "{wrong:?}"
    );
    assert!(accounts.list().await.unwrap()[0].disabled);
    // Disabling twice is fine; an unknown login is an error.
    accounts.disable("wang.li", at(4)).await.unwrap();
    let unknown = accounts.disable("nobody", at(4)).await;
    assert!(
        matches!(unknown, Err(AccountError::UnknownLogin(_))),
        "{unknown:?}"
    );
}

pub async fn sessions_end_when_idle_or_too_old(t: TestStore) {
    let policy = SessionPolicy {
        idle: TimeDelta::minutes(30),
        absolute: TimeDelta::hours(2),
    };
    let accounts = accounts(&t).with_policy(policy);
    create(&accounts, "wang.li").await;

    // Idle: used at minute 20, then nothing until 51 (31 minutes later).
    let idle = sign_in(&accounts, "wang.li", 0).await;
    assert!(is_live(&accounts, &idle, 20).await);
    assert!(
        is_live(&accounts, &idle, 50).await,
        "seen at 20, 30 minutes ago"
    );
    assert!(!is_live(&accounts, &idle, 81).await, "idle 31 minutes");
    assert!(!is_live(&accounts, &idle, 82).await, "ended stays ended");

    // Absolute: busy every 10 minutes, still ended 2 hours after sign-in.
    let busy = sign_in(&accounts, "wang.li", 100).await;
    for minute in (110..=220).step_by(10) {
        assert!(is_live(&accounts, &busy, minute).await, "minute {minute}");
    }
    assert!(!is_live(&accounts, &busy, 221).await, "older than 2 hours");

    // Lookups within a minute do not write `last_seen_at`.
    let quiet = sign_in(&accounts, "wang.li", 300).await;
    let seen = |s: &SignedIn| {
        let sql = format!(
            "SELECT CAST(last_seen_at AS text) FROM staff_sessions WHERE csrf_token = '{}'",
            s.csrf_token
        );
        let store = t.store.clone();
        async move { text_column(&store, &sql).await }
    };
    let before = seen(&quiet).await;
    assert!(accounts
        .session(&quiet.session, at(300) + TimeDelta::seconds(59))
        .await
        .unwrap()
        .is_some());
    assert_eq!(seen(&quiet).await, before);
    assert!(is_live(&accounts, &quiet, 301).await);
    assert_ne!(seen(&quiet).await, before);
}

pub async fn a_password_reset_ends_sessions(t: TestStore) {
    let accounts = accounts(&t);
    create(&accounts, "wang.li").await;
    let first = sign_in(&accounts, "wang.li", 1).await;
    let second = sign_in(&accounts, "wang.li", 2).await;
    let weak = accounts.reset_password("wang.li", "short", at(3)).await;
    assert!(matches!(weak, Err(AccountError::WeakPassword)), "{weak:?}");
    assert!(
        is_live(&accounts, &first, 3).await,
        "a refused reset changes nothing"
    );

    accounts
        .reset_password("wang.li", "a new long password", at(4))
        .await
        .unwrap();
    assert!(!is_live(&accounts, &first, 4).await);
    assert!(!is_live(&accounts, &second, 4).await);
    let old = accounts.sign_in("wang.li", PASSWORD, at(5)).await;
    assert!(matches!(old, Err(SignInError::WrongCredentials)), "{old:?}");
    accounts
        .sign_in("wang.li", "a new long password", at(5))
        .await
        .unwrap();
    let unknown = accounts
        .reset_password("nobody", "a new long password", at(5))
        .await;
    assert!(
        matches!(unknown, Err(AccountError::UnknownLogin(_))),
        "{unknown:?}"
    );
}

pub async fn session_ids_and_passwords_are_stored_only_hashed(t: TestStore) {
    let accounts = accounts(&t);
    create(&accounts, "wang.li").await;
    let signed_in = sign_in(&accounts, "wang.li", 1).await;
    let stored = text_column(&t.store, "SELECT id_hash FROM staff_sessions").await;
    assert_eq!(stored.len(), 1);
    assert_ne!(stored[0], signed_in.session);
    assert_eq!(stored[0].len(), 64);
    let all_sessions = text_column(
        &t.store,
        "SELECT id_hash || user_id || csrf_token FROM staff_sessions",
    )
    .await;
    assert!(!all_sessions[0].contains(&signed_in.session));
    let hashes = text_column(&t.store, "SELECT password_hash FROM staff_users").await;
    assert!(hashes[0].starts_with("$argon2id$"), "{}", hashes[0]);
    assert!(!hashes[0].contains(PASSWORD));
}
