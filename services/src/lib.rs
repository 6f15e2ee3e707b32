//! Shaobao's services: the event log on PostgreSQL or SQLite, the command path on top of it, and
//! the case service the outside interfaces call.

pub mod access_log;
pub mod accounts;
pub mod cases;
pub mod clock;
pub mod command;
pub mod community;
pub mod duplicates;
pub mod history;
pub mod leader;
pub mod org_file;
pub mod relay;
pub mod store;
pub mod tokens;
