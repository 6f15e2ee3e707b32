//! A posted action form → the domain's action, through the same body types the JSON API reads.

use shaobao_domain::case::{TaskAction, WhistleAction};
use shaobao_domain::CaseAction;

use crate::bodies::{
    CloseWhistle, CompleteTask, ConfirmTask, Decline, ReportIn, WhistleActionReport,
};
use crate::console::form::{FieldError, FormFields};

/// Which thing on the case an action addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Case,
    Whistle(u32),
    Task(u32),
}

/// The action `route` (its DESIGN §6 name) on `target`, with the form's fields as its body.
/// `None` when no such action exists there.
pub fn action(
    route: &str,
    target: Target,
    form: &FormFields,
) -> Option<Result<CaseAction, FieldError>> {
    Some(match target {
        Target::Case => case_action(route, form)?,
        Target::Whistle(no) => {
            whistle_action(route, form)?.map(|action| CaseAction::Whistle { no, action })
        }
        Target::Task(no) => task_action(route, form)?.map(|action| CaseAction::Task { no, action }),
    })
}

fn case_action(route: &str, form: &FormFields) -> Option<Result<CaseAction, FieldError>> {
    Some(match route {
        "answer" => form.parse().map(CaseAction::Answer),
        "dispatch" => form.parse().map(CaseAction::Dispatch),
        "sign" => Ok(CaseAction::Sign),
        "contact" => form.parse().map(CaseAction::Contact),
        "return" => form.parse().map(CaseAction::Return),
        "return-decision" => form.parse().map(CaseAction::ReturnDecision),
        "whistles" => form.parse().map(CaseAction::BlowWhistle),
        "tasks" => form.parse().map(CaseAction::PublishTask),
        "progress" => form.parse().map(CaseAction::Progress),
        "extension" => form.parse().map(CaseAction::Extension),
        "extension-decision" => form.parse().map(CaseAction::ExtensionDecision),
        "resolution" => form.parse().map(CaseAction::Resolution),
        "verification" => form.parse().map(CaseAction::Verification),
        "callback" => form.parse().map(CaseAction::Callback),
        "close" => form.parse().map(CaseAction::Close),
        "reopen" => form.parse().map(CaseAction::Reopen),
        "park" => form.parse().map(CaseAction::Park),
        "unpark" => form.parse().map(CaseAction::Unpark),
        "exclusion" => form.parse().map(CaseAction::Exclusion),
        "tags" => form.parse().map(CaseAction::Tags),
        "merge" => form.parse().map(CaseAction::merge),
        "unmerge" => form.parse().map(CaseAction::unmerge),
        _ => return None,
    })
}

fn whistle_action(route: &str, form: &FormFields) -> Option<Result<WhistleAction, FieldError>> {
    Some(match route {
        "report-in" => form
            .parse()
            .map(|b: ReportIn| WhistleAction::ReportIn { mode: b.mode }),
        "decline" => form
            .parse()
            .map(|b: Decline| WhistleAction::Decline { reason: b.reason }),
        "action" => form
            .parse()
            .map(|b: WhistleActionReport| WhistleAction::Act {
                summary: b.summary,
                evidence: b.evidence,
            }),
        "close" => form.parse().map(|b: CloseWhistle| WhistleAction::Close {
            ratings: b.ratings,
            note: b.note,
        }),
        _ => return None,
    })
}

fn task_action(route: &str, form: &FormFields) -> Option<Result<TaskAction, FieldError>> {
    Some(match route {
        "claim" => Ok(TaskAction::Claim),
        "complete" => form
            .parse()
            .map(|b: CompleteTask| TaskAction::Complete { summary: b.summary }),
        "confirm" => form
            .parse()
            .map(|b: ConfirmTask| TaskAction::Confirm { points: b.points }),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use shaobao_domain::case::Unit;

    fn form(pairs: &[(&str, &str)]) -> FormFields {
        FormFields(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn a_dispatch_form_becomes_the_dispatch_action() {
        let parsed = action(
            "dispatch",
            Target::Case,
            &form(&[("csrf_token", "t"), ("unit", "department:housing")]),
        );
        match parsed {
            Some(Ok(CaseAction::Dispatch(d))) => {
                assert_eq!(d.unit, Unit::Department("housing".into()))
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_missing_field_is_named_and_unknown_routes_are_none() {
        let err = action("return", Target::Case, &form(&[("note", "x")]))
            .unwrap()
            .unwrap_err();
        assert_eq!(err.field, "reason");
        assert!(action("sign", Target::Whistle(1), &form(&[])).is_none());
        assert!(action("destroy", Target::Case, &form(&[])).is_none());
    }
}
