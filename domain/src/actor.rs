//! Who issues a command (DESIGN §1). The role carries its scope (street, department, member),
//! so the aggregates can decide authorisation that depends on the case without asking anyone.
//!
//! Serialized flat, e.g. `{"role": "dispatcher", "street": "jingshan", "id": "u-17"}`, plus
//! `"name": "王芳"` for a person signed in to the console: it goes into event metadata and into
//! task claims. Without a name nothing changes, so older events and their hashes stay as they were.

use serde::{Deserialize, Serialize};

/// A person or system acting under one role.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Actor {
    #[serde(flatten)]
    pub role: Role,
    /// The user or token id behind the role (for volunteers, usually the member id).
    pub id: String,
    /// The display name of a person signed in with a staff account (e.g. "王芳"); `None` for
    /// tokens (machines). Recorded, never used to decide anything: who may act depends on the
    /// role and its scope only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// A role and its scope.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "role", rename_all = "snake_case")]
pub enum Role {
    /// 12345 center or district center 区分中心: any case.
    Hotline,
    /// Street command center 街道指挥中心: cases located in its street.
    Dispatcher { street: String },
    /// Functional department 委办局 or utility: cases dispatched to it, whistles summoning it.
    Department { department: String },
    /// Grid worker 网格员, in-service party member 在职党员, alley steward.
    Volunteer { member: String },
    /// Audit / discipline inspection: reads everything, writes nothing.
    Auditor,
    /// Resident-facing apps (Open311): open cases only.
    Intake,
    /// Operator: tokens, organisation data, replays.
    Admin,
    /// The deadline service: records deadline events only.
    System,
}

impl Role {
    /// The role's token scope name, as in DESIGN §1.
    pub fn name(&self) -> &'static str {
        match self {
            Role::Hotline => "hotline",
            Role::Dispatcher { .. } => "dispatcher",
            Role::Department { .. } => "department",
            Role::Volunteer { .. } => "volunteer",
            Role::Auditor => "auditor",
            Role::Intake => "intake",
            Role::Admin => "admin",
            Role::System => "system",
        }
    }
}

impl Actor {
    pub fn new(role: Role, id: impl Into<String>) -> Self {
        Actor {
            role,
            id: id.into(),
            name: None,
        }
    }

    /// The same actor with a person's display name.
    pub fn with_name(self, name: impl Into<String>) -> Self {
        Actor {
            name: Some(name.into()),
            ..self
        }
    }

    pub fn hotline(id: impl Into<String>) -> Self {
        Self::new(Role::Hotline, id)
    }

    pub fn dispatcher(street: impl Into<String>, id: impl Into<String>) -> Self {
        Self::new(
            Role::Dispatcher {
                street: street.into(),
            },
            id,
        )
    }

    pub fn department(department: impl Into<String>, id: impl Into<String>) -> Self {
        Self::new(
            Role::Department {
                department: department.into(),
            },
            id,
        )
    }

    /// A volunteer; the member id doubles as the actor id.
    pub fn volunteer(member: impl Into<String>) -> Self {
        let member = member.into();
        Self::new(
            Role::Volunteer {
                member: member.clone(),
            },
            member,
        )
    }

    pub fn auditor(id: impl Into<String>) -> Self {
        Self::new(Role::Auditor, id)
    }

    pub fn intake(id: impl Into<String>) -> Self {
        Self::new(Role::Intake, id)
    }

    pub fn admin(id: impl Into<String>) -> Self {
        Self::new(Role::Admin, id)
    }

    /// The deadline service.
    pub fn system() -> Self {
        Self::new(Role::System, "deadline-service")
    }

    pub fn is_hotline(&self) -> bool {
        self.role == Role::Hotline
    }

    /// The street of a dispatcher.
    pub fn street(&self) -> Option<&str> {
        match &self.role {
            Role::Dispatcher { street } => Some(street),
            _ => None,
        }
    }

    /// The department of a department user.
    pub fn department_code(&self) -> Option<&str> {
        match &self.role {
            Role::Department { department } => Some(department),
            _ => None,
        }
    }

    /// Whether `other` acts for the same party: the same role and scope (the same street,
    /// department or member). Ids and display names are ignored, so any clerk of a department
    /// completes the task its department claimed.
    pub fn is_same_party(&self, other: &Actor) -> bool {
        self.role == other.role
    }

    /// True for roles that never change an existing case: auditor, admin, intake.
    pub fn is_read_only_on_cases(&self) -> bool {
        matches!(self.role, Role::Auditor | Role::Admin | Role::Intake)
    }
}
