//! Given-when-then tests for community mobilisation: the community list (needs and resources),
//! member registration, and the scoring rules.

mod support;

mod members;
mod needs;
mod resources;
mod scoring;
