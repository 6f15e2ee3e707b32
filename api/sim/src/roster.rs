//! The simulated people's tokens: the hotline, each street's dispatcher and two grid workers,
//! each department, and an auditor who reads the results. Issued through the server's own token
//! store, as `shaobao token create` would.

use std::collections::HashMap;

use chrono::Utc;
use shaobao_domain::org::Organisation;
use shaobao_domain::Role;
use shaobao_services::tokens::{TokenError, TokenStore};

use super::plan::{grid_worker, Who};

#[derive(Debug, Clone)]
pub struct Roster {
    pub hotline: String,
    pub auditor: String,
    dispatchers: HashMap<String, String>,
    departments: HashMap<String, String>,
    volunteers: HashMap<String, String>,
}

impl Roster {
    pub async fn issue(tokens: &TokenStore, org: &Organisation) -> Result<Roster, TokenError> {
        let issue = |role: Role| async move {
            Ok::<_, TokenError>(tokens.create(role, org, Utc::now()).await?.token)
        };
        let mut roster = Roster {
            hotline: issue(Role::Hotline).await?,
            auditor: issue(Role::Auditor).await?,
            dispatchers: HashMap::new(),
            departments: HashMap::new(),
            volunteers: HashMap::new(),
        };
        for street in &org.streets {
            let street = street.code.clone();
            let token = issue(Role::Dispatcher {
                street: street.clone(),
            })
            .await?;
            roster.dispatchers.insert(street.clone(), token);
            for k in [1, 2] {
                let member = grid_worker(&street, k);
                let token = issue(Role::Volunteer {
                    member: member.clone(),
                })
                .await?;
                roster.volunteers.insert(member, token);
            }
        }
        for department in &org.departments {
            let code = department.code.clone();
            let token = issue(Role::Department {
                department: code.clone(),
            })
            .await?;
            roster.departments.insert(code, token);
        }
        Ok(roster)
    }

    /// The token `who` acts with (`None` for someone outside the organisation).
    pub fn token(&self, who: &Who) -> Option<&str> {
        match who {
            Who::Hotline => Some(&self.hotline),
            Who::Dispatcher(street) => self.dispatchers.get(street).map(String::as_str),
            Who::Department(code) => self.departments.get(code).map(String::as_str),
            Who::Volunteer(member) => self.volunteers.get(member).map(String::as_str),
        }
    }
}
