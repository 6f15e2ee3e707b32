//! 类案标签 tags from the organisation's vocabulary.

use shaobao_domain::case::*;

use crate::support::*;

fn tags(add: &[&str], remove: &[&str]) -> CaseAction {
    CaseAction::Tags(Tags {
        add: add.iter().map(|s| s.to_string()).collect(),
        remove: remove.iter().map(|s| s.to_string()).collect(),
    })
}

fn tagged(added: &[&str], removed: &[&str], at: i64) -> CaseEvent {
    CaseEvent::CaseTagged {
        added: added.iter().map(|s| s.to_string()).collect(),
        removed: removed.iter().map(|s| s.to_string()).collect(),
        at: t(at),
    }
}

#[test]
fn the_hotline_tags_a_case() {
    given(vec![opened()])
        .when(cmd(hotline(), t(H), tags(&["hutong", "elderly"], &[])))
        .then_expect_events(vec![tagged(&["elderly", "hutong"], &[], H)]);
    let case = replay(&[opened(), tagged(&["elderly", "hutong"], &[], H)]);
    assert_eq!(case.tags().collect::<Vec<_>>(), ["elderly", "hutong"]);
}

#[test]
fn the_handling_unit_tags_and_untags() {
    let events = and(handling_by_department(), [tagged(&["elderly"], &[], 4 * H)]);
    given(events.clone())
        .when(cmd(urban(), t(5 * H), tags(&["hutong"], &["elderly"])))
        .then_expect_events(vec![tagged(&["hutong"], &["elderly"], 5 * H)]);
    let case = replay(&and(events, [tagged(&["hutong"], &["elderly"], 5 * H)]));
    assert_eq!(case.tags().collect::<Vec<_>>(), ["hutong"]);
}

#[test]
fn only_what_changes_is_recorded() {
    given(vec![opened(), tagged(&["elderly"], &[], H)])
        .when(cmd(jingshan(), t(2 * H), tags(&["elderly", "hutong"], &[])))
        .then_expect_events(vec![tagged(&["hutong"], &[], 2 * H)]);
    given(vec![opened(), tagged(&["elderly"], &[], H)])
        .when(cmd(jingshan(), t(2 * H), tags(&["elderly"], &["hutong"])))
        .then_expect_error(CaseError::TagsUnchanged);
}

#[test]
fn unknown_tags_are_refused_naming_the_field() {
    let refusal = replay(&[opened()])
        .decide(cmd(hotline(), t(H), tags(&["elderly"], &["vip"])), &org())
        .unwrap_err();
    assert_eq!(refusal.kind(), ErrorKind::UnknownReference);
    assert_eq!(refusal.field(), Some("remove[0]"));
}

#[test]
fn a_tag_is_not_added_and_removed_at_once() {
    given(vec![opened()])
        .when(cmd(hotline(), t(H), tags(&["elderly"], &["elderly"])))
        .then_expect_error(CaseError::TagAddedAndRemoved {
            tag: "elderly".into(),
        });
}

#[test]
fn an_empty_request_names_the_field() {
    let refusal = replay(&[opened()])
        .decide(cmd(hotline(), t(H), tags(&[], &[])), &org())
        .unwrap_err();
    assert_eq!(refusal, CaseError::NoTags);
    assert_eq!(refusal.field(), Some("add"));
}

#[test]
fn others_may_not_tag() {
    for actor in [donghuamen(), water(), volunteer()] {
        given(at_department())
            .when(cmd(actor, t(H), tags(&["elderly"], &[])))
            .then_expect_error(CaseError::MayNotTag);
    }
}

#[test]
fn the_vocabulary_and_hot_spot_settings_are_checked_when_loading() {
    use shaobao_domain::org::Organisation;
    let twice = format!("{ORG_TOML}\n[[tags]]\ncode = \"elderly\"\nname = \"老人\"\n");
    let error = Organisation::from_toml_str(&twice).unwrap_err().to_string();
    assert!(error.contains("tags[2].code"), "{error}");
    let threshold = format!("{ORG_TOML}\n[hotspots]\nrepeat_threshold = 1\n");
    let error = Organisation::from_toml_str(&threshold)
        .unwrap_err()
        .to_string();
    assert!(error.contains("hotspots.repeat_threshold"), "{error}");
    let defaults = org().hotspots;
    assert_eq!(
        (
            defaults.radius_m,
            defaults.window_days,
            defaults.repeat_threshold
        ),
        (100.0, 30, 3)
    );
}
