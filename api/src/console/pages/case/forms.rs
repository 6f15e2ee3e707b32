//! One form per action the domain allows this person now (`Case::available_actions`). Fields carry
//! the JSON body's names; each form carries the CSRF token, the version the page showed (so a stale
//! page is caught, not acted on) and a fresh idempotency key (a double click acts once).

use maud::{html, Markup};
use shaobao_domain::case::{AvailableAction, DepartmentStatus, Unit};
use shaobao_domain::Case;

use super::Failure;
use crate::console::form::fresh_idempotency_key;
use crate::console::i18n::{serialized_name, Lang};
use crate::console::names;
use shaobao_domain::org::Organisation;

pub struct FormContext<'a> {
    pub lang: Lang,
    pub org: &'a Organisation,
    pub case_id: &'a str,
    pub case: &'a Case,
    pub version: i64,
    pub csrf_token: &'a str,
    /// The form that was refused, to show its message and keep what the person typed.
    pub failure: Option<&'a Failure>,
}

/// The hook name of an action's form (DESIGN §6 `data-action`): the command's route name, except
/// `close-whistle`, which would otherwise read like closing the case.
pub fn hook_name(action: &AvailableAction) -> &'static str {
    match action {
        AvailableAction::WhistleClose { .. } => "close-whistle",
        other => other.route_name(),
    }
}

/// The URL an action posts to, mirroring the API's paths.
pub fn post_url(case_id: &str, action: &AvailableAction) -> String {
    let route = action.route_name();
    match (action.whistle_no(), action.task_no()) {
        (Some(no), _) => format!("/cases/{case_id}/whistles/{no}/{route}"),
        (_, Some(no)) => format!("/cases/{case_id}/tasks/{no}/{route}"),
        _ => format!("/cases/{case_id}/{route}"),
    }
}

pub fn action_form(cx: &FormContext, action: &AvailableAction) -> Markup {
    let hook = hook_name(action);
    let failure = cx.failure.filter(|f| f.url == post_url(cx.case_id, action));
    let f = Fields { cx, failure };
    let key = fresh_idempotency_key();
    let label = match (action.whistle_no(), action.task_no()) {
        (Some(no), _) | (_, Some(no)) => format!("{} #{no}", cx.lang.t(&format!("action.{hook}"))),
        _ => cx.lang.t(&format!("action.{hook}")),
    };
    html! {
        form.action-form method="post" action=(post_url(cx.case_id, action)) data-action=(hook)
            data-whistle-no=[action.whistle_no()] data-task-no=[action.task_no()] {
            input type="hidden" name="csrf_token" value=(cx.csrf_token);
            input type="hidden" name="expected_version" value=(cx.version);
            input type="hidden" name="idempotency_key" value=(key);
            h3 { (label) }
            @if let Some(failure) = failure { @if failure.field.is_none() {
                p.form-error role="alert" { (failure.message) }
            } }
            (fields(&f, action))
            button.primary type="submit" { (label) }
        }
    }
}

struct Fields<'a> {
    cx: &'a FormContext<'a>,
    failure: Option<&'a Failure>,
}

impl Fields<'_> {
    fn lang(&self) -> Lang {
        self.cx.lang
    }

    fn kept(&self, name: &str) -> Option<&str> {
        self.failure.and_then(|f| f.form.get(name))
    }

    fn error(&self, name: &str) -> Markup {
        html! { @if let Some(f) = self.failure { @if f.field.as_deref() == Some(name) {
            span.field-error data-field=(name) role="alert" { (self.lang().field_message(&f.message)) }
        } } }
    }

    fn label(&self, name: &str) -> String {
        self.lang().t(&format!("field.{name}"))
    }

    fn text(&self, name: &str, required: bool) -> Markup {
        html! { label { span { (self.label(name)) }
        input type="text" name=(name) value=[self.kept(name)] required[required];
        (self.error(name)) } }
    }

    fn area(&self, name: &str, required: bool) -> Markup {
        html! { label.wide { span { (self.label(name)) }
        textarea name=(name) rows="3" required[required] { (self.kept(name).unwrap_or_default()) }
        (self.error(name)) } }
    }

    fn when(&self, name: &str) -> Markup {
        html! { label { span { (self.label(name)) }
        input type="datetime-local" name=(name) value=[self.kept(name)] required;
        (self.error(name)) } }
    }

    /// A choice among domain values labelled from `group`; optional ones start empty. Its label
    /// is the group's (`field.task_kind`) where the field's name is shared (`kind`).
    fn choice(&self, name: &str, group: &str, values: &[&str], required: bool) -> Markup {
        let options: Vec<(String, String)> = values
            .iter()
            .map(|v| (v.to_string(), self.lang().t(&format!("{group}.{v}"))))
            .collect();
        let group_label = format!("field.{group}");
        let label = if self.lang().has(&group_label) {
            self.lang().t(&group_label)
        } else {
            self.label(name)
        };
        self.labelled_select(name, &label, &options, required)
    }

    fn select(&self, name: &str, options: &[(String, String)], required: bool) -> Markup {
        self.labelled_select(name, &self.label(name), options, required)
    }

    fn labelled_select(
        &self,
        name: &str,
        label: &str,
        options: &[(String, String)],
        required: bool,
    ) -> Markup {
        let kept = self.kept(name);
        html! { label { span { (label) }
        select name=(name) required[required] {
            @if !required || kept.is_none() { option value="" { (self.lang().t("field.choose")) } }
            @for (value, text) in options { option value=(value) selected[kept == Some(value.as_str())] { (text) } }
        }
        (self.error(name)) } }
    }

    fn yes_no(&self, name: &str, required: bool) -> Markup {
        let options = [
            ("true".to_string(), self.lang().t("yes")),
            ("false".to_string(), self.lang().t("no")),
        ];
        self.select(name, &options, required)
    }

    /// Every department, then every street: the units a case may go to.
    fn units(&self) -> Vec<(String, String)> {
        let org = self.cx.org;
        org.departments
            .iter()
            .map(|d| Unit::Department(d.code.clone()))
            .chain(org.streets.iter().map(|s| Unit::Street(s.code.clone())))
            .map(|u| (names::unit_value(&u), names::unit(org, &u)))
            .collect()
    }
}

fn fields(f: &Fields, action: &AvailableAction) -> Markup {
    use AvailableAction as A;
    let lang = f.lang();
    match action {
        A::Answer | A::Close | A::Unpark => f.area("note", false),
        A::Dispatch => {
            let kept: Vec<&str> = f
                .failure
                .map(|x| x.form.all("co_units"))
                .unwrap_or_default();
            html! {
                (f.select("unit", &f.units(), true))
                label { span { (f.label("co_units")) }
                    select name="co_units" multiple size="4" {
                        @for (value, text) in f.units() { option value=(value) selected[kept.contains(&value.as_str())] { (text) } }
                    } (f.error("co_units")) }
            }
        }
        A::Sign | A::TaskClaim { .. } => html! {},
        A::Contact => {
            html! { (f.choice("channel", "contact", &["phone", "sms", "visit"], true)) (f.area("note", false)) }
        }
        A::Return => html! {
            (f.choice("reason", "return_reason", &["wrong_jurisdiction", "unclear_ownership", "not_our_function", "other"], true))
            (f.area("note", true))
        },
        A::ReturnDecision => html! {
            @let verdicts: Vec<String> = f.cx.case.return_verdicts().iter().map(serialized_name).collect();
            (f.choice("decision", "verdict", &verdicts.iter().map(String::as_str).collect::<Vec<_>>(), true))
            (f.select("redispatch_to", &f.units(), false))
            (f.select("responsible", &f.units(), false))
            (f.area("note", false))
        },
        A::BlowWhistle => html! {
            (f.choice("kind", "whistle_kind", &["routine", "crucial", "emergency"], true))
            fieldset.departments { legend { (f.label("departments")) }
                @for d in &f.cx.org.departments {
                    @let name = format!("departments.{}", d.code);
                    label.compact { span { (d.name) }
                        select name=(name) {
                            option value="" { (lang.t("field.none")) }
                            option value="lead" selected[f.kept(&name) == Some("lead")] { (lang.t("whistle_role.lead")) }
                            option value="assist" selected[f.kept(&name) == Some("assist")] { (lang.t("whistle_role.assist")) }
                        } }
                }
                (f.error("departments"))
            }
            (f.area("note", false))
        },
        A::WhistleReportIn { .. } => {
            f.choice("mode", "mode", &["on_site", "meeting", "remote"], false)
        }
        A::WhistleDecline { .. } => f.area("reason", true),
        A::WhistleAct { .. } => html! { (f.area("summary", true)) (f.area("evidence", false)) },
        A::WhistleClose { no } => {
            let whistle = f.cx.case.whistles().iter().find(|w| w.no == *no);
            let rated: Vec<&str> = whistle
                .map(|w| {
                    w.departments
                        .iter()
                        .filter(|d| {
                            matches!(
                                d.status,
                                DepartmentStatus::ReportedIn | DepartmentStatus::Acted
                            )
                        })
                        .map(|d| d.department.as_str())
                        .collect()
                })
                .unwrap_or_default();
            html! {
                fieldset.ratings { legend { (f.label("ratings")) }
                    @for code in rated {
                        @let name = format!("ratings.{code}");
                        label.compact { span { (names::department(f.cx.org, code)) }
                            select name=(name) required {
                                @for r in ["good", "fair", "poor"] {
                                    option value=(r) selected[f.kept(&name) == Some(r)] { (lang.t(&format!("rating.{r}"))) }
                                }
                            } }
                    }
                    (f.error("ratings"))
                }
                (f.area("note", false))
            }
        }
        A::PublishTask => html! {
            (f.text("title", true))
            (f.choice("kind", "task_kind", &["practical", "mediation", "policy_talk", "volunteering"], true))
            (f.text("points", true))
        },
        A::TaskComplete { .. } => f.area("summary", true),
        A::TaskConfirm { .. } => f.text("points", false),
        A::Progress => html! { (f.area("note", true)) (f.area("evidence", false)) },
        A::Extension => html! { (f.when("until")) (f.area("reason", true)) },
        A::ExtensionDecision => html! { (f.yes_no("approve", true)) (f.area("note", false)) },
        A::Resolution => html! {
            (f.choice("outcome", "outcome", &["resolved", "partly_resolved", "unresolvable"], true))
            (f.area("summary", true)) (f.area("evidence", false))
        },
        A::Verification => html! { (f.yes_no("accepted", true)) (f.area("note", false)) },
        A::Callback => html! {
            (f.yes_no("reached", true)) (f.yes_no("resolved", false))
            (f.choice("satisfaction", "satisfaction", &["satisfied", "basically_satisfied", "dissatisfied"], false))
            (f.area("comment", false))
        },
        A::Reopen | A::Exclusion => f.area("reason", true),
        A::Park => {
            html! { (f.choice("reason", "park_reason", &["policy", "funding", "planning"], true)) (f.when("review_at")) }
        }
    }
}
