//! Test support shared by the workspace's integration tests: fresh databases on both stores, and
//! a minimal aggregate for exercising the store without the case domain.

pub mod counter;
pub mod databases;
