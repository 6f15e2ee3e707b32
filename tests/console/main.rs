//! The web console (DESIGN §6 "Console") in headless Chromium: people sign in with staff
//! accounts in browsers of their own and work cases through the pages' forms, found by their
//! automation hooks (`form[data-action]`, `[data-case-id]`, `[data-case-state]`, ...). On SQLite:
//! the HTTP suites cover PostgreSQL. Each test saves a screenshot of the screen it ends on under
//! `target/screenshots/`. Issue 12's screens: statistics (`stats`), map (`map`), wall screen
//! (`wall`) and the auditor's case view (`audit`); issue 16's community lists on the board (`board`,
//! on both stores).

mod audit;
mod board;
mod duplicates;
mod errors;
mod harness;
mod intake_similar;
mod map;
mod postgres;
mod security;
mod stats;
mod support;
mod wall;
mod workflow;
