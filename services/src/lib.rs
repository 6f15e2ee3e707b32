//! Shaobao's services: the event log on PostgreSQL or SQLite, and the command path on top of it.

pub mod clock;
pub mod command;
pub mod org_file;
pub mod store;
