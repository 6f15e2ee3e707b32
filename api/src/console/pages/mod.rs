//! One module per screen.

pub mod alerts;
pub mod board;
pub mod case;
pub mod home;
pub mod inbox;
pub mod intake;
pub mod login;
pub mod queue;
pub mod search;
