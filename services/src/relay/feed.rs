//! What the relay publishes for one event (DESIGN §6): the event on
//! `shaobao.events.<street>.<EventType>` (events of community lists and member registrations on
//! `shaobao.community.<street>.<EventType>` instead), one notice per department it dispatches to
//! or summons on `shaobao.whistles.<department>`, and deadline alerts again on
//! `shaobao.alerts.<street>`, as is the repeat warning a `CaseOpened` may raise (`repeats.rs`).

use bytes::Bytes;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use shaobao_domain::case::{Unit, WhistleRole};
use shaobao_domain::sla::WhistleKind;
use shaobao_domain::CaseEvent;

use super::log_page::RelayEvent;
use super::RelayError;
use crate::store::LogPosition;

/// Stands for the street of an event that has none (an aggregate other than cases and visits).
const NO_STREET: &str = "~";

/// One message for JetStream, in log order.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub subject: String,
    /// `Nats-Msg-Id`: JetStream drops a repeat of it inside the duplicate window.
    pub msg_id: String,
    pub payload: Bytes,
}

/// What a department's system receives on `shaobao.whistles.<department>`: work the department
/// must take up, with its deadlines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DepartmentNotice {
    pub case_id: String,
    /// The event's sequence in the case's stream.
    pub sequence: i64,
    /// The event's log position token.
    pub position: LogPosition,
    /// The case's street, when known.
    pub street: Option<String>,
    pub department: String,
    /// When the case was dispatched or the whistle blown.
    pub at: DateTime<Utc>,
    #[serde(flatten)]
    pub work: NoticeWork,
}

/// Why the department is notified, named after the event that did it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event_type")]
pub enum NoticeWork {
    /// 派单: the case was dispatched to the department, as its handling unit or as a co-unit.
    CaseDispatched {
        role: DispatchRole,
        sign_by: DateTime<Utc>,
        contact_by: DateTime<Utc>,
        resolve_by: DateTime<Utc>,
        return_until: DateTime<Utc>,
    },
    /// 吹哨: whistle `whistle_no` summons the department; it must report in by `report_in_by`.
    WhistleBlown {
        whistle_no: u32,
        whistle_kind: WhistleKind,
        role: WhistleRole,
        report_in_by: DateTime<Utc>,
        note: Option<String>,
    },
}

/// The department's part in a dispatch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DispatchRole {
    HandlingUnit,
    CoUnit,
}

/// A code as one subject token: codes may contain '.', which would split the token, so it is
/// written '~' (which codes never contain).
pub fn subject_token(code: &str) -> String {
    code.replace('.', "~")
}

/// The case event in `event`, if it is one and it decodes.
pub(crate) fn case_event(event: &RelayEvent) -> Option<CaseEvent> {
    if event.aggregate_type != "case" {
        return None;
    }
    match serde_json::from_slice::<CaseEvent>(event.payload()) {
        Ok(decoded) => Some(decoded),
        Err(err) => {
            tracing::warn!(position = %event.position, %err, "case event does not decode");
            None
        }
    }
}

/// The messages for `event`, whose case or visit is in `street`: the event first, then its alert
/// (a deadline alert, or the repeat warning `repeat` it raised) and its department notices.
pub(crate) fn messages_for(
    event: RelayEvent,
    street: Option<&str>,
    repeat: Option<Vec<u8>>,
) -> Result<Vec<Outgoing>, RelayError> {
    let street_token = street.map_or_else(|| NO_STREET.to_string(), subject_token);
    let event_id = format!("{}:{}", event.aggregate_id, event.sequence);
    let decoded = match event.event_type.as_str() {
        "CaseDispatched" | "WhistleBlown" | "DeadlineApproaching" | "DeadlineBreached" => {
            case_event(&event)
        }
        _ => None,
    };
    let envelope = Bytes::from(event.envelope);
    let family = match event.aggregate_type.as_str() {
        "community" | "member" => "community",
        _ => "events",
    };
    let mut messages = vec![Outgoing {
        subject: format!(
            "shaobao.{family}.{street_token}.{}",
            subject_token(&event.event_type)
        ),
        msg_id: event_id.clone(),
        payload: envelope.clone(),
    }];
    if let Some(warning) = repeat {
        messages.push(Outgoing {
            subject: format!("shaobao.alerts.{street_token}"),
            msg_id: format!("{event_id}:repeat"),
            payload: Bytes::from(warning),
        });
    }
    let Some(decoded) = decoded else {
        return Ok(messages);
    };
    if matches!(
        decoded,
        CaseEvent::DeadlineApproaching { .. } | CaseEvent::DeadlineBreached { .. }
    ) {
        messages.push(Outgoing {
            subject: format!("shaobao.alerts.{street_token}"),
            msg_id: format!("{event_id}:alert"),
            payload: envelope,
        });
    }
    let at = decoded.at();
    for (department, work) in department_work(decoded) {
        let notice = DepartmentNotice {
            case_id: event.aggregate_id.clone(),
            sequence: event.sequence,
            position: event.position,
            street: street.map(str::to_string),
            department,
            at,
            work,
        };
        messages.push(Outgoing {
            subject: format!("shaobao.whistles.{}", subject_token(&notice.department)),
            msg_id: format!("{event_id}:{}", notice.department),
            payload: encode(event.position, &notice)?,
        });
    }
    Ok(messages)
}

fn encode(position: LogPosition, value: &impl Serialize) -> Result<Bytes, RelayError> {
    serde_json::to_vec(value)
        .map(Bytes::from)
        .map_err(|source| RelayError::Encode { position, source })
}

/// The departments a dispatch or whistle gives work to, with that work.
fn department_work(event: CaseEvent) -> Vec<(String, NoticeWork)> {
    match event {
        CaseEvent::CaseDispatched {
            unit,
            co_units,
            sign_by,
            contact_by,
            resolve_by,
            return_until,
            ..
        } => {
            let roles = std::iter::once((unit, DispatchRole::HandlingUnit))
                .chain(co_units.into_iter().map(|u| (u, DispatchRole::CoUnit)));
            roles
                .filter_map(|(unit, role)| match unit {
                    Unit::Department(department) => Some((department, role)),
                    Unit::Street(_) => None,
                })
                .map(|(department, role)| {
                    let work = NoticeWork::CaseDispatched {
                        role,
                        sign_by,
                        contact_by,
                        resolve_by,
                        return_until,
                    };
                    (department, work)
                })
                .collect()
        }
        CaseEvent::WhistleBlown {
            no,
            kind,
            departments,
            note,
            ..
        } => departments
            .into_iter()
            .map(|summoned| {
                let work = NoticeWork::WhistleBlown {
                    whistle_no: no,
                    whistle_kind: kind,
                    role: summoned.role,
                    report_in_by: summoned.report_in_by,
                    note: note.clone(),
                };
                (summoned.department, work)
            })
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::store::LoggedEvent;

    fn logged(aggregate_type: &str, aggregate_id: &str, event_type: &str) -> LoggedEvent {
        LoggedEvent {
            position: LogPosition {
                transaction: 0,
                position: 12,
            },
            aggregate_type: aggregate_type.into(),
            aggregate_id: aggregate_id.into(),
            sequence: 3,
            event_type: event_type.into(),
            event_version: "1".into(),
            payload: json!({event_type: {"street": "jingshan", "community": "jingshan-huangcheng"}}),
            metadata: json!({}),
            hash: "h".into(),
        }
    }

    #[test]
    fn community_events_go_to_the_community_subjects_with_their_street() {
        let streets = super::super::streets::Streets::default();
        for (kind, id, event_type) in [
            (
                "community",
                "community/jingshan-huangcheng",
                "NeedConfirmed",
            ),
            ("member", "member/m-1", "MemberRegistered"),
        ] {
            let event = RelayEvent::from_logged(&logged(kind, id, event_type)).unwrap();
            let street = streets.street_of(&event);
            assert_eq!(street.as_deref(), Some("jingshan"));
            let messages = messages_for(event, street.as_deref(), None).unwrap();
            assert_eq!(messages.len(), 1);
            assert_eq!(
                messages[0].subject,
                format!("shaobao.community.jingshan.{event_type}")
            );
            assert_eq!(messages[0].msg_id, format!("{id}:3"));
        }
    }
}
