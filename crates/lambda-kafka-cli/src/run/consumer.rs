//! The Kafka consumer of `lambda-kafka run`: a member of the consumer group, committing
//! only what the mapping says, starting where the starting position says when the group
//! has no committed offset (`at-timestamp`: the first record at or after the timestamp).

use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use rdkafka::config::ClientConfig;
use rdkafka::consumer::{BaseConsumer, Consumer, ConsumerContext, Rebalance, RebalanceProtocol};
use rdkafka::error::KafkaResult;
use rdkafka::types::RDKafkaRespErr;
use rdkafka::{ClientContext, Offset, TopicPartitionList};

use super::mapping::name;
use crate::args::{RunArgs, StartingPosition};

/// The longest the broker is asked for committed offsets or offsets by time.
const ASK: Duration = Duration::from_secs(10);

/// Keeps the partitions the group takes away, for the loop to forget, and places newly
/// assigned partitions without a committed offset at the starting timestamp.
#[derive(Default)]
pub(crate) struct Context {
    pub(crate) revoked: Mutex<Vec<(String, i32)>>,
    /// `at-timestamp`: epoch milliseconds.
    start_at: Option<i64>,
}

impl Context {
    /// Sets each partition of `assigned` that the group has no offset for to the first
    /// record at or after the starting timestamp (the end, when there is none).
    fn place(
        &self,
        consumer: &BaseConsumer<Self>,
        assigned: &mut TopicPartitionList,
    ) -> KafkaResult<()> {
        let Some(millis) = self.start_at else {
            return Ok(());
        };
        let committed = consumer.committed_offsets(assigned.clone(), ASK)?;
        let mut wanted = TopicPartitionList::new();
        for element in committed.elements() {
            if !matches!(element.offset(), Offset::Offset(_)) {
                wanted.add_partition_offset(
                    element.topic(),
                    element.partition(),
                    Offset::Offset(millis),
                )?;
            }
        }
        if wanted.count() == 0 {
            return Ok(());
        }
        for element in consumer.offsets_for_times(wanted, ASK)?.elements() {
            // A partition whose records are all older starts at its end.
            let offset = match element.offset() {
                Offset::Offset(offset) => Offset::Offset(offset),
                _ => Offset::End,
            };
            assigned.set_partition_offset(element.topic(), element.partition(), offset)?;
        }
        Ok(())
    }
}

impl ClientContext for Context {}

impl ConsumerContext for Context {
    /// The default rebalance, with the assigned partitions placed first.
    fn rebalance(
        &self,
        consumer: &BaseConsumer<Self>,
        err: RDKafkaRespErr,
        tpl: &mut TopicPartitionList,
    ) {
        let assigning = err == RDKafkaRespErr::RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS;
        if assigning && let Err(e) = self.place(consumer, tpl) {
            eprintln!("lambda-kafka run: cannot find the records at the starting timestamp: {e}");
        }
        let rebalance = if assigning {
            Rebalance::Assign(tpl)
        } else {
            Rebalance::Revoke(tpl)
        };
        self.pre_rebalance(consumer, &rebalance);
        let cooperative = matches!(
            consumer.rebalance_protocol(),
            RebalanceProtocol::Cooperative
        );
        let done = match (assigning, cooperative) {
            (true, true) => consumer.incremental_assign(tpl),
            (true, false) => consumer.assign(tpl),
            (false, true) => consumer.incremental_unassign(tpl),
            (false, false) => consumer.unassign(),
        };
        if let Err(e) = done {
            eprintln!("lambda-kafka run: the group's rebalance failed: {e}");
        }
        self.post_rebalance(consumer, &rebalance);
    }

    fn pre_rebalance(&self, _consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        if let Rebalance::Revoke(list) = rebalance {
            let mut revoked = self.revoked.lock().unwrap_or_else(PoisonError::into_inner);
            for element in list.elements() {
                revoked.push((element.topic().to_owned(), element.partition()));
            }
        }
    }

    fn post_rebalance(&self, _consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        if let Rebalance::Assign(list) = rebalance {
            let names: Vec<String> = list
                .elements()
                .iter()
                .map(|e| name(e.topic(), e.partition()))
                .collect();
            eprintln!("lambda-kafka run: assigned {}", names.join(", "));
        }
    }
}

pub(crate) fn connect(args: &RunArgs) -> Result<BaseConsumer<Context>, String> {
    let mut config = ClientConfig::new();
    config
        .set("bootstrap.servers", &args.bootstrap_servers)
        .set("group.id", &args.consumer_group)
        .set("enable.auto.commit", "false")
        .set("enable.partition.eof", "false")
        .set(
            "auto.offset.reset",
            match args.starting_position {
                StartingPosition::TrimHorizon => "earliest",
                // A partition with no record at or after the timestamp starts at its end.
                StartingPosition::Latest | StartingPosition::AtTimestamp => "latest",
            },
        );
    for setting in &args.kafka_config {
        let Some((key, value)) = setting.split_once('=') else {
            return Err(format!("--kafka-config takes KEY=VALUE, not {setting:?}"));
        };
        config.set(key.trim(), value.trim());
    }
    let consumer: BaseConsumer<Context> = config
        .create_with_context(Context {
            revoked: Mutex::default(),
            start_at: start_at(args)?,
        })
        .map_err(|e| format!("cannot create the Kafka consumer: {e}"))?;
    let topics: Vec<&str> = args.topic.iter().map(String::as_str).collect();
    consumer
        .subscribe(&topics)
        .map_err(|e| format!("cannot subscribe to {}: {e}", topics.join(", ")))?;
    Ok(consumer)
}

/// The `at-timestamp` starting point in epoch milliseconds, from
/// `--starting-position-timestamp` (Unix seconds), which only it takes.
fn start_at(args: &RunArgs) -> Result<Option<i64>, String> {
    match (args.starting_position, args.starting_position_timestamp) {
        (StartingPosition::AtTimestamp, Some(seconds)) => Ok(Some(seconds.saturating_mul(1000))),
        (StartingPosition::AtTimestamp, None) => Err(
            "--starting-position at-timestamp needs --starting-position-timestamp SECONDS"
                .to_owned(),
        ),
        (_, Some(_)) => Err(
            "--starting-position-timestamp applies to --starting-position at-timestamp only"
                .to_owned(),
        ),
        (_, None) => Ok(None),
    }
}
