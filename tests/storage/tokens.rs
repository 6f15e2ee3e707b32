//! Tokens with a life cycle (DESIGN §1): created with an optional expiry, listed, revoked; a
//! revoked or expired token is refused, on every node within a second of its revocation.

use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use shaobao_domain::Role;
use shaobao_services::org_file::load_org;
use shaobao_services::store::Store;
use shaobao_services::tokens::{TokenError, TokenStore, LOOKUP_TTL};
use shaobao_tests::databases::TestStore;

fn at(minutes: i64) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 2, 0, 0).unwrap() + chrono::Duration::minutes(minutes)
}

fn department() -> Role {
    Role::Department {
        department: "urban_management".into(),
    }
}

pub async fn tokens_are_listed_with_their_life_cycle(t: TestStore) {
    let org = load_org(None, 1.0).unwrap();
    let tokens = TokenStore::new(t.store.clone());
    // Given a token for ever and one for 90 days
    let forever = tokens.create(Role::Auditor, &org, at(0)).await.unwrap();
    let expiring = tokens
        .create_until(department(), &org, at(1), Some(at(1 + 90 * 24 * 60)))
        .await
        .unwrap();
    // When one is used and the other revoked (twice)
    tokens.authenticate(&forever.token, at(5)).await.unwrap();
    let revoked = tokens.revoke(&expiring.actor.id, at(10)).await.unwrap();
    let again = tokens.revoke(&expiring.actor.id, at(20)).await.unwrap();
    // Then the list shows each one's life cycle, the first revocation's time kept
    assert_eq!(revoked.revoked_at, Some(at(10)));
    assert_eq!(again, revoked);
    let listed = tokens.list().await.unwrap();
    let ids: Vec<&str> = listed.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, [forever.actor.id.as_str(), expiring.actor.id.as_str()]);
    let (first, second) = (&listed[0], &listed[1]);
    assert_eq!((first.role.clone(), first.scope()), (Role::Auditor, None));
    assert_eq!(
        (
            first.created_at,
            first.expires_at,
            first.last_used_at,
            first.revoked_at
        ),
        (at(0), None, Some(at(5)), None)
    );
    assert_eq!(second.scope(), Some("urban_management"));
    assert_eq!(
        (second.expires_at, second.last_used_at, second.revoked_at),
        (Some(at(1 + 90 * 24 * 60)), None, Some(at(10)))
    );
    // And an unknown id is named
    let unknown = tokens.revoke("tok-nope", at(30)).await;
    assert!(matches!(unknown, Err(TokenError::UnknownToken(ref id)) if id == "tok-nope"));
}

pub async fn an_expired_token_is_refused(t: TestStore) {
    let org = load_org(None, 1.0).unwrap();
    let tokens = TokenStore::new(t.store.clone());
    let issued = tokens
        .create_until(department(), &org, at(0), Some(at(60)))
        .await
        .unwrap();
    for (minute, accepted) in [(0, true), (59, true), (60, false), (61, false)] {
        let actor = tokens
            .authenticate(&issued.token, at(minute))
            .await
            .unwrap();
        assert_eq!(actor.is_some(), accepted, "at minute {minute}");
    }
}

/// Another server on the same database: its own pool and its own look-up cache.
async fn another_node(t: &TestStore) -> TokenStore {
    TokenStore::new(Store::connect(&t.url).await.unwrap())
}

pub async fn a_revoked_token_is_refused_on_every_node_within_a_second(t: TestStore) {
    let org = load_org(None, 1.0).unwrap();
    let (here, there) = (TokenStore::new(t.store.clone()), another_node(&t).await);
    let issued = here.create(department(), &org, at(0)).await.unwrap();
    // Given both nodes have just accepted the token
    let looked_up = Instant::now();
    assert!(here
        .authenticate(&issued.token, at(1))
        .await
        .unwrap()
        .is_some());
    assert!(there
        .authenticate(&issued.token, at(1))
        .await
        .unwrap()
        .is_some());
    // When one node revokes it
    here.revoke(&issued.actor.id, at(2)).await.unwrap();
    // Then that node refuses it at once; the other may still trust its look-up for a moment
    assert!(here
        .authenticate(&issued.token, at(3))
        .await
        .unwrap()
        .is_none());
    let cached = there.authenticate(&issued.token, at(3)).await.unwrap();
    if looked_up.elapsed() < LOOKUP_TTL - Duration::from_millis(200) {
        assert!(
            cached.is_some(),
            "a look-up is remembered, not repeated per request"
        );
    }
    // And within a second the other refuses it too
    tokio::time::sleep(LOOKUP_TTL + Duration::from_millis(50)).await;
    assert!(there
        .authenticate(&issued.token, at(4))
        .await
        .unwrap()
        .is_none());
    assert!(LOOKUP_TTL <= Duration::from_secs(1));
}

pub async fn last_use_is_written_at_most_once_a_minute(t: TestStore) {
    let org = load_org(None, 1.0).unwrap();
    let (here, there) = (TokenStore::new(t.store.clone()), another_node(&t).await);
    let issued = here.create(Role::Hotline, &org, at(0)).await.unwrap();
    let last_used = async || here.list().await.unwrap()[0].last_used_at;
    let seconds = |s: i64| at(10) + chrono::Duration::seconds(s);
    here.authenticate(&issued.token, seconds(0)).await.unwrap();
    assert_eq!(last_used().await, Some(seconds(0)));
    // Used again on both nodes within the minute: not written again
    there
        .authenticate(&issued.token, seconds(30))
        .await
        .unwrap();
    tokio::time::sleep(LOOKUP_TTL).await;
    here.authenticate(&issued.token, seconds(59)).await.unwrap();
    assert_eq!(last_used().await, Some(seconds(0)));
    // A minute later: written
    there
        .authenticate(&issued.token, seconds(61))
        .await
        .unwrap();
    assert_eq!(last_used().await, Some(seconds(61)));
}
