//! Scripted case histories: short names for the commands and the people who issue them, and
//! [`Desk`], whatever runs them on a clock of its own — the case service straight (projection
//! tests) or the real server's HTTP API ([`ApiDesk`], console tests). One script, such as the
//! statistics month in [`crate::month`], then plays the same on either.
//!
//! ```ignore
//! let mut desk = ApiDesk::new(&app);
//! let id = desk.open_case(complaint("jingshan", "noise", "夜间施工")).await;
//! desk.act(&id, &hotline(), dispatch(to_department("urban_management"))).await;
//! desk.advance(hours(2));
//! ```

use std::collections::HashMap;
use std::future::Future;

use serde_json::{json, Value};
use shaobao_domain::case::*;
use shaobao_domain::{Actor, CaseAction, Role};

use crate::app::TestApp;

/// Runs case commands and moves its clock.
pub trait Desk {
    /// Opens a case as the hotline and returns its id.
    fn open_case(&mut self, open: OpenCase) -> impl Future<Output = String> + Send;
    /// Runs `action` on a case as `actor`; panics when it is refused.
    fn act(
        &mut self,
        case_id: &str,
        actor: &Actor,
        action: CaseAction,
    ) -> impl Future<Output = ()> + Send;
    /// Moves the clock forward.
    fn advance(&self, by: chrono::Duration);
}

/// A hotline complaint located only by its street (no requester, the category's urgency).
pub fn complaint(street: &str, category: &str, description: &str) -> OpenCase {
    OpenCase {
        related_cases: vec![],
        channel: Channel::Hotline,
        kind: CaseKind::Complaint,
        category: category.into(),
        urgency: None,
        description: description.into(),
        location: Location::street(street),
        requester: None,
        source: None,
    }
}

/// [`Desk`] over the server's HTTP API, with a token per role (made on first use) and the
/// server's manual clock.
pub struct ApiDesk<'a> {
    pub app: &'a TestApp,
    tokens: HashMap<Role, String>,
    /// The `position` of the last command answered: reads given it as `min_position` include
    /// everything this desk did.
    pub last_position: Option<String>,
}

impl<'a> ApiDesk<'a> {
    pub fn new(app: &'a TestApp) -> Self {
        ApiDesk {
            app,
            tokens: HashMap::new(),
            last_position: None,
        }
    }

    /// A token for `role`, the same one every time.
    pub async fn token(&mut self, role: &Role) -> String {
        if let Some(token) = self.tokens.get(role) {
            return token.clone();
        }
        let token = self.app.token(role.clone()).await;
        self.tokens.insert(role.clone(), token.clone());
        token
    }

    /// `?min_position=…` (or `&…` when `path` has a query already) for the last command, so a
    /// read waits until the read models include everything this desk did.
    pub fn after_last(&self, path: &str) -> String {
        match &self.last_position {
            Some(position) => {
                let joint = if path.contains('?') { '&' } else { '?' };
                format!("{path}{joint}min_position={position}")
            }
            None => path.to_string(),
        }
    }

    async fn post(&mut self, role: &Role, path: &str, body: &Value, what: &str) -> Value {
        let token = self.token(role).await;
        let answer = self.app.post(path, &token, body).await;
        assert!(
            answer.status == 200 || answer.status == 201,
            "{what}: POST {path} {body} as {}: {answer}",
            role.name()
        );
        if let Some(position) = answer.body["position"].as_str() {
            self.last_position = Some(position.to_string());
        }
        answer.body
    }
}

impl Desk for ApiDesk<'_> {
    async fn open_case(&mut self, open: OpenCase) -> String {
        let body = serde_json::to_value(&open).expect("an open body");
        let answer = self
            .post(&Role::Hotline, "/api/v1/cases", &body, "open")
            .await;
        answer["case_id"].as_str().expect("case_id").to_string()
    }

    async fn act(&mut self, case_id: &str, actor: &Actor, action: CaseAction) {
        let (route, body) = route(&action);
        let path = format!("/api/v1/cases/{case_id}/{route}");
        self.post(&actor.role, &path, &body, action.name()).await;
    }

    fn advance(&self, by: chrono::Duration) {
        self.app.clock.advance(by);
    }
}

/// The HTTP route (after `/cases/{id}/`) and JSON body of an action: the body is the action's
/// own payload, as the API's command routes read it (DESIGN §6).
pub fn route(action: &CaseAction) -> (String, Value) {
    match action {
        CaseAction::Sign => ("sign".into(), json!({})),
        CaseAction::Whistle { no, action } => {
            let (name, body) = match action {
                WhistleAction::ReportIn { mode } => ("report-in", json!({ "mode": mode })),
                WhistleAction::Decline { reason } => ("decline", json!({ "reason": reason })),
                WhistleAction::Act { summary, evidence } => (
                    "action",
                    json!({ "summary": summary, "evidence": evidence }),
                ),
                WhistleAction::Close { ratings, note } => {
                    ("close", json!({ "ratings": ratings, "note": note }))
                }
            };
            (format!("whistles/{no}/{name}"), body)
        }
        CaseAction::Task { no, action } => {
            let (name, body) = match action {
                TaskAction::Claim => ("claim", json!({})),
                TaskAction::Complete { summary } => ("complete", json!({ "summary": summary })),
                TaskAction::Confirm { points } => ("confirm", json!({ "points": points })),
            };
            (format!("tasks/{no}/{name}"), body)
        }
        CaseAction::Open(_) | CaseAction::RecordDeadline(_) => {
            panic!("{} has no command route on a case", action.name())
        }
        other => {
            // Externally tagged: `{"dispatch": {…}}`; the inner object is the request body.
            let tagged = serde_json::to_value(other).expect("actions serialize");
            let body = match tagged {
                Value::Object(map) if map.len() == 1 => map.into_iter().next().expect("one").1,
                other => panic!("unexpected action shape {other}"),
            };
            (other.name().to_string(), body)
        }
    }
}

pub fn hotline() -> Actor {
    Actor::hotline("op-1")
}

pub fn department(code: &str) -> Actor {
    Actor::department(code, format!("{code}-desk"))
}

pub fn dispatcher(street: &str) -> Actor {
    Actor::dispatcher(street, format!("{street}-center"))
}

pub fn dispatch(unit: Unit) -> CaseAction {
    CaseAction::Dispatch(Dispatch {
        unit,
        co_units: vec![],
    })
}

pub fn to_department(code: &str) -> Unit {
    Unit::Department(code.into())
}

pub fn contact() -> CaseAction {
    CaseAction::Contact(Contact {
        channel: ContactChannel::Phone,
        note: None,
    })
}

pub fn resolve() -> CaseAction {
    CaseAction::Resolution(SubmitResolution {
        outcome: Outcome::Resolved,
        summary: "处理完毕".into(),
        evidence: vec![],
    })
}

pub fn accept() -> CaseAction {
    CaseAction::Verification(Verify {
        accepted: true,
        note: None,
    })
}

/// A callback that reached the requester.
pub fn reached(resolved: bool, satisfaction: Satisfaction) -> CaseAction {
    CaseAction::Callback(Callback {
        reached: true,
        resolved: Some(resolved),
        satisfaction: Some(satisfaction),
        comment: None,
    })
}

pub fn unreached() -> CaseAction {
    CaseAction::Callback(Callback {
        reached: false,
        resolved: None,
        satisfaction: None,
        comment: None,
    })
}

pub fn close() -> CaseAction {
    CaseAction::Close(Note { note: None })
}

pub fn reason(text: &str) -> Reason {
    Reason {
        reason: text.into(),
    }
}

pub fn minutes(n: i64) -> chrono::Duration {
    chrono::Duration::minutes(n)
}

pub fn hours(n: i64) -> chrono::Duration {
    chrono::Duration::hours(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_become_the_api_routes_and_bodies() {
        assert_eq!(route(&CaseAction::Sign), ("sign".into(), json!({})));
        let (path, body) = route(&dispatch(to_department("housing")));
        assert_eq!(path, "dispatch");
        assert_eq!(body["unit"], json!({"department": "housing"}));
        let (path, body) = route(&CaseAction::Exclusion(reason("重复诉求")));
        assert_eq!(
            (path.as_str(), &body),
            ("exclusion", &json!({"reason": "重复诉求"}))
        );
        let report_in = CaseAction::Whistle {
            no: 2,
            action: WhistleAction::ReportIn { mode: None },
        };
        assert_eq!(route(&report_in).0, "whistles/2/report-in");
    }
}
