//! A month's figures per grouping, each read once per page: the table, the rankings (this month
//! and the one before, streets and departments) and a unit's trend ask for the same ones, and
//! each read decodes a row per case of the month.

use shaobao_projections::models::statistics::{self, GroupBy, StatsRow};

use crate::console::error::ConsoleError;
use crate::console::months;
use crate::server::AppState;

/// A grouping and a month (year, month).
type Question = (GroupBy, (i32, u32));

pub struct Figures<'a> {
    state: &'a AppState,
    read: Vec<(Question, Vec<StatsRow>)>,
}

impl<'a> Figures<'a> {
    pub fn new(state: &'a AppState) -> Self {
        Figures {
            state,
            read: Vec::new(),
        }
    }

    /// The month's rows grouped by `group_by`, ordered by group key.
    pub async fn rows(
        &mut self,
        group_by: GroupBy,
        month: (i32, u32),
    ) -> Result<&[StatsRow], ConsoleError> {
        let key = (group_by, month);
        let index = match self.read.iter().position(|(k, _)| *k == key) {
            Some(index) => index,
            None => {
                let rows = statistics::statistics(
                    &self.state.store,
                    group_by,
                    &months::format(month),
                    self.state.clock.now(),
                    &self.state.org.weights,
                )
                .await
                .map_err(|e| ConsoleError::Unavailable(e.to_string()))?;
                self.read.push((key, rows));
                self.read.len() - 1
            }
        };
        Ok(&self.read[index].1)
    }

    /// What a ranking needs of the month: the composite per street or department. Streets' come
    /// from one aggregate query; departments' (whistle summons included) from their full rows.
    pub async fn composites(
        &mut self,
        unit: GroupBy,
        month: (i32, u32),
    ) -> Result<Vec<StatsRow>, ConsoleError> {
        if unit != GroupBy::Street {
            return Ok(self.rows(unit, month).await?.to_vec());
        }
        let (now, weights) = (self.state.clock.now(), &self.state.org.weights);
        statistics::street_headlines(&self.state.store, &months::format(month), now, weights)
            .await
            .map_err(|e| ConsoleError::Unavailable(e.to_string()))
    }
}
