//! One module per screen.

pub mod alerts;
pub mod audit;
pub mod board;
pub mod case;
pub mod home;
pub mod inbox;
pub mod intake;
pub mod login;
pub mod map;
pub mod queue;
pub mod search;
pub mod stats;
pub mod wall;
