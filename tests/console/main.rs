//! The web console (DESIGN §6 "Console") in headless Chromium: people sign in with staff
//! accounts in browsers of their own and work cases through the pages' forms, found by their
//! automation hooks (`form[data-action]`, `[data-case-id]`, `[data-case-state]`, ...). On SQLite:
//! the HTTP suites cover PostgreSQL. Each test saves a screenshot of the screen it ends on under
//! `target/screenshots/`.

mod errors;
mod harness;
mod security;
mod support;
mod workflow;
