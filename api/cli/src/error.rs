//! Everything that can stop `shaobao`: the server library's errors (configuration, stores, the
//! administration commands), the department agent's and the simulator's, each as one readable
//! line with an exit code.

use shaobao_api::error::{one_line, EXIT_RUNTIME};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    App(#[from] shaobao_api::Error),
    /// `shaobao agent` stopped.
    #[error("agent: {0}")]
    Agent(#[from] crate::agent::AgentError),
    /// `shaobao simulate`, `bench` or the demo simulation failed.
    #[error(transparent)]
    Simulation(#[from] shaobao_sim::SimError),
}

impl Error {
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::App(err) => err.exit_code(),
            Error::Agent(_) => EXIT_RUNTIME,
            Error::Simulation(err) => err.exit_code(),
        }
    }

    /// The message as one line (line breaks from underlying libraries folded into spaces).
    pub fn one_line(&self) -> String {
        match self {
            Error::App(err) => err.one_line(),
            other => one_line(&other.to_string()),
        }
    }
}
