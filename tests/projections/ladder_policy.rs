//! The breach ladder of a running deadline is fixed when the deadline is set (DESIGN §2): a live
//! run on the compressed SLA of `deadlines.rs` (scale 0.001, deadline service on), then `verify`
//! and a rebuild (`replay`) under the unscaled sample policy and under a changed policy file
//! (other durations and ladder) give the same read models as the live run.

use chrono::{DateTime, Utc};

use shaobao_domain::case::{Note, Park, ParkReason};
use shaobao_domain::org::Organisation;
use shaobao_domain::CaseAction;
use shaobao_projections::models::deadlines::cases_due;
use shaobao_projections::{rebuild, verify, ProjectionName};
use shaobao_services::clock::Clock;
use shaobao_services::org_file::{load_org, SAMPLE_DISTRICT_TOML};
use shaobao_tests::databases::TestStore;

use crate::deadlines::{handling, settle, until_ladder, with_deadlines, SCALE};
use crate::support::*;

/// The sample district's policy file edited: other resolve durations, approaching at half the
/// window, supervision 3 and 10 working days after the breach.
fn changed_policy() -> Organisation {
    let edits = [
        ("approaching_fraction = 0.8", "approaching_fraction = 0.5"),
        (
            "district_supervision = \"1wd\"",
            "district_supervision = \"3wd\"",
        ),
        ("city_supervision = \"5wd\"", "city_supervision = \"10wd\""),
        ("resolve = \"7d\"", "resolve = \"10d\""),
    ];
    let mut toml = SAMPLE_DISTRICT_TOML.to_string();
    for (from, to) in edits {
        assert!(toml.contains(from), "the sample district has {from}");
        toml = toml.replace(from, to);
    }
    Organisation::from_toml_str(&toml).expect("changed policy")
}

fn seconds(n: i64) -> chrono::Duration {
    chrono::Duration::seconds(n)
}

/// The cases with a ladder step due by `at`.
async fn due_by(w: &World, at: DateTime<Utc>) -> Vec<String> {
    let mut due = cases_due(w.store(), at, 100)
        .await
        .expect("pending deadlines");
    due.sort();
    due
}

pub async fn verify_and_replay_under_another_policy_give_the_live_read_models(t: TestStore) {
    let mut w = World::new(t, SCALE);
    let projections = w.start(with_deadlines());
    let start = w.clock.now();
    let breached = handling(&mut w).await;
    let unparked = handling(&mut w).await;
    w.clock.advance(start + seconds(100) - w.clock.now());
    let park = Park {
        reason: ParkReason::Funding,
        review_at: start + chrono::Duration::days(30),
    };
    w.act(&unparked, &hotline(), CaseAction::Park(park)).await;
    w.clock.advance(start + seconds(200) - w.clock.now());
    w.act(
        &unparked,
        &hotline(),
        CaseAction::Unpark(Note { note: None }),
    )
    .await;
    // Both warnings fire live before either deadline is due.
    w.clock.advance(start + seconds(600) - w.clock.now());
    until_ladder(&w, &breached, 1).await;
    until_ladder(&w, &unparked, 1).await;
    let fresh = handling(&mut w).await;

    // Then the breach and reminder of `breached`.
    w.clock.advance(start + seconds(650) - w.clock.now());
    until_ladder(&w, &breached, 3).await;
    settle().await;
    projections.shutdown().await;
    for id in [&breached, &unparked, &fresh] {
        let history = w.store().history("case", id).await.unwrap();
        w.last = w.last.max(history.last().unwrap().position);
    }
    let live = w.org.clone();
    assert!(verify(w.store(), &live).await.unwrap().is_clean());

    // What the live policy fixed: district supervision of `breached` 86 s after its breach at
    // 605 s (a working day under the sample policy, three under the changed one); `unparked`
    // dispatched at 2 s and paused 100 s, breaching at 707 s; `fresh`, dispatched at 600 s,
    // approaching at 80 % of 605 s (half under the changed policy).
    let mut steps = vec![
        (690, vec![]),
        (691, vec![breached.clone()]),
        (706, vec![breached.clone()]),
        (707, vec![breached.clone(), unparked.clone()]),
        (1083, vec![breached.clone(), unparked.clone()]),
        (
            1084,
            vec![breached.clone(), unparked.clone(), fresh.clone()],
        ),
    ];
    for (_, ids) in &mut steps {
        ids.sort();
    }
    let check = |policy: &'static str| {
        let (w, steps) = (&w, &steps);
        async move {
            for (at, ids) in steps {
                let due = due_by(w, start + seconds(*at)).await;
                assert_eq!(&due, ids, "{policy}: due by {at} s");
            }
        }
    };
    check("live").await;

    let unscaled = load_org(None, 1.0).expect("sample district");
    for (policy, other) in [("unscaled", unscaled), ("changed", changed_policy())] {
        let report = verify(w.store(), &other).await.unwrap();
        assert!(
            report.is_clean(),
            "verify under the {policy} policy: {report:#?}"
        );
        rebuild(w.store(), &other, &ProjectionName::ALL, |_| {})
            .await
            .unwrap();
        check(policy).await;
        let report = verify(w.store(), &live).await.unwrap();
        assert!(
            report.is_clean(),
            "replayed under the {policy} policy: {report:#?}"
        );
    }
}
