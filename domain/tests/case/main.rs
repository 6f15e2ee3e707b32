//! Given-when-then tests for the case and visit aggregates, one module per phase.

mod support;

mod authorisation;
mod available;
mod closure;
mod deadlines;
mod handling;
mod intake;
mod lifecycle;
mod privacy;
mod returns;
mod serialization;
mod tasks;
mod visit;
mod whistles;
