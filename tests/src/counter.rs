//! A deliberately small aggregate for storage tests: commands that append one or two events.

use cqrs_es::event_sink::EventSink;
use cqrs_es::{Aggregate, DomainEvent};
use serde::{Deserialize, Serialize};

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Counter {
    pub value: i64,
    pub events: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum CounterCommand {
    /// One `Added` event.
    Add(i64),
    /// Two events from one command: `Added`, then `Doubled`.
    AddThenDouble(i64),
    /// Refused by the aggregate.
    Fail,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum CounterEvent {
    Added(i64),
    Doubled,
}

impl DomainEvent for CounterEvent {
    fn event_type(&self) -> String {
        match self {
            CounterEvent::Added(_) => "Added".into(),
            CounterEvent::Doubled => "Doubled".into(),
        }
    }

    fn event_version(&self) -> String {
        "1".into()
    }
}

#[derive(Debug, thiserror::Error, PartialEq)]
#[error("counter refused the command")]
pub struct CounterRefused;

impl Aggregate for Counter {
    const TYPE: &'static str = "counter";
    type Command = CounterCommand;
    type Event = CounterEvent;
    type Error = CounterRefused;
    type Services = ();

    async fn handle(
        &mut self,
        command: CounterCommand,
        _: &(),
        sink: &EventSink<Self>,
    ) -> Result<(), CounterRefused> {
        let events = match command {
            CounterCommand::Add(n) => vec![CounterEvent::Added(n)],
            CounterCommand::AddThenDouble(n) => vec![CounterEvent::Added(n), CounterEvent::Doubled],
            CounterCommand::Fail => return Err(CounterRefused),
        };
        for event in events {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: CounterEvent) {
        self.events += 1;
        match event {
            CounterEvent::Added(n) => self.value += n,
            CounterEvent::Doubled => self.value *= 2,
        }
    }
}
