//! Given-when-then tests for the case and visit aggregates, one module per phase.

mod support;

mod authorisation;
mod available;
mod closure;
mod deadlines;
mod duplicates;
mod handling;
mod intake;
mod ladders;
mod lifecycle;
mod privacy;
mod proactive;
mod returns;
mod serialization;
mod tags;
mod tasks;
mod visit;
mod whistles;
