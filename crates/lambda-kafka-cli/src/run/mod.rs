//! `lambda-kafka run`: a local event source mapping. It reads a Kafka broker as a member
//! of a consumer group, batches records as Lambda's Kafka event source mapping does,
//! invokes the function (or prints each event), commits offsets after each success and
//! retries failures; see the guide, "Running your function against your Kafka".

mod consumer;
mod envelope;
mod failure;
mod formats;
mod json_format;
mod mapping;
mod response;
mod target;

use std::collections::{HashMap, HashSet};
use std::io::Write as _;
use std::sync::{Arc, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer};
use rdkafka::message::{Headers as _, Message as _, Timestamp};
use rdkafka::{Offset, TopicPartitionList};

use self::consumer::{Context, connect};
use self::envelope::{Fetched, Registry, Source, Stamp};
use self::failure::{Destination, LastAnswer};
use self::formats::Formats;
use self::json_format::Transcoded;
use self::mapping::{Discarded, Limits, Mapping, Outcome, name};
use self::target::{Sent, Target};
use kafka_core::Part;

use crate::args::{EventSourceKind, RunArgs};
use crate::filter::Filters;

/// An invocation's payload limit, as Lambda's for a synchronous invocation.
pub(crate) const PAYLOAD_LIMIT: usize = 6 * 1024 * 1024;
/// The longest one poll of the broker waits, so that timers are kept.
const POLL: Duration = Duration::from_millis(100);
/// The pause before an unreachable function is tried again.
const UNREACHABLE_PAUSE: Duration = Duration::from_secs(1);

/// Runs the mapping; `Err` is a usage problem (exit 64), `Ok` the exit status.
pub(crate) fn run(args: &RunArgs) -> Result<u8, String> {
    let filters = Filters::parse(&args.filter)?;
    let destination = Destination::new(args)?;
    let mut target = Target::new(args)?;
    let registry = match (&args.registry.schema_registry, args.registry.glue_registry) {
        (Some(_), _) => Some(Registry::Confluent),
        (None, true) => Some(Registry::Glue),
        (None, false) => None,
    };
    let mut formats = Formats::new(args, registry)?;
    let consumer = connect(args)?;
    let source = Source {
        event_source: match args.event_source {
            EventSourceKind::Msk => "aws:kafka",
            EventSourceKind::SelfManaged => "SelfManagedKafka",
        },
        arn: (args.event_source == EventSourceKind::Msk).then(|| args.event_source_arn.clone()),
        bootstrap_servers: args.bootstrap_servers.clone(),
    };
    let batch_size = usize::try_from(args.batch_size).unwrap_or(10_000);
    let limits = Limits {
        batch_size,
        max_bytes: PAYLOAD_LIMIT.saturating_sub(source.overhead()),
        max_retries: retries(args.max_retries, destination.exists()),
        max_age: u64::try_from(args.maximum_record_age)
            .ok()
            .map(Duration::from_secs),
        bisect: args.bisect_batch_on_function_error,
    };
    let mut runner = Runner {
        mapping: Mapping::new(limits),
        consumer,
        source,
        window: Duration::from_millis(args.batching_window_ms),
        pause_at: (2 * batch_size).max(100),
        paused: HashSet::new(),
        topics: HashMap::new(),
        filters,
        filtered: 0,
        destination,
        args,
        registry,
    };
    let idle_limit = args
        .exit_when_idle
        .map(|s| {
            Duration::try_from_secs_f64(s)
                .map_err(|_| "--exit-when-idle takes a number of seconds".to_owned())
        })
        .transpose()?;
    eprintln!(
        "lambda-kafka run: reading {} from {} as group {}",
        args.topic.join(", "),
        args.bootstrap_servers,
        args.consumer_group
    );
    match runner.go(&mut target, &mut formats, idle_limit) {
        Ok(()) => Ok(0),
        Err(fatal) => {
            let _ = std::io::stdout().flush();
            eprintln!("lambda-kafka run: {fatal}");
            Ok(1)
        }
    }
}

/// The retries after a first attempt: `None` for no limit. Lambda applies at most 10 when
/// the retries are infinite (-1) and the mapping has an on-failure destination.
fn retries(max_retries: i64, on_failure_destination: bool) -> Option<u32> {
    match u32::try_from(max_retries) {
        Ok(retries) => Some(retries),
        Err(_) if on_failure_destination => Some(10),
        Err(_) => None,
    }
}

fn now_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

struct Runner<'a> {
    mapping: Mapping,
    consumer: BaseConsumer<Context>,
    source: Source,
    window: Duration,
    /// A partition with this many records waiting is paused until half are settled.
    pause_at: usize,
    paused: HashSet<(Arc<str>, i32)>,
    topics: HashMap<String, Arc<str>>,
    /// The `--filter` patterns, and how many records they kept from the function.
    filters: Filters,
    filtered: u64,
    /// Where discarded records go.
    destination: Destination,
    args: &'a RunArgs,
    registry: Option<Registry>,
}

impl Runner<'_> {
    fn go(
        &mut self,
        target: &mut Target,
        formats: &mut Formats,
        idle_limit: Option<Duration>,
    ) -> Result<(), String> {
        let mut window_opened: Option<Instant> = None;
        let mut last_activity = Instant::now();
        loop {
            self.forget_revoked();
            let now = Instant::now();
            for discarded in self.mapping.discard_unsendable(now, now_millis()) {
                self.keep(&discarded, &LastAnswer::default())?;
                self.commit();
            }
            let (ready, _) = self.mapping.ready(now);
            let wait = if ready > 0 {
                let opened = *window_opened.get_or_insert(now);
                if self.mapping.full(now) || now >= opened + self.window {
                    window_opened = None;
                    self.invoke(target)?;
                    last_activity = Instant::now();
                    continue;
                }
                (opened + self.window - now).min(POLL)
            } else {
                window_opened = None;
                // Idle only counts once the group has given this member partitions (a
                // restarted member may wait for the group to let the old one go).
                let assigned = self
                    .consumer
                    .assignment()
                    .is_ok_and(|list| list.count() > 0);
                if !assigned {
                    last_activity = now;
                }
                if let Some(limit) = idle_limit
                    && self.mapping.is_idle()
                    && now.duration_since(last_activity) >= limit
                {
                    self.commit();
                    if !self.filters.is_empty() {
                        eprintln!(
                            "lambda-kafka run: {} records passed no filter and were not sent",
                            self.filtered
                        );
                    }
                    eprintln!("lambda-kafka run: idle for {limit:?}, stopping");
                    return Ok(());
                }
                self.mapping
                    .next_retry()
                    .map_or(POLL, |at| at.saturating_duration_since(now))
                    .min(POLL)
            };
            if self.fetch(wait, formats)? {
                last_activity = Instant::now();
            }
        }
    }

    /// Polls the broker once (waiting up to `wait`), then takes what is already there;
    /// whether a record arrived.
    fn fetch(&mut self, wait: Duration, formats: &mut Formats) -> Result<bool, String> {
        let mut arrived = false;
        let mut unusable = Vec::new();
        let mut wait = wait;
        while let Some(polled) = self.consumer.poll(wait) {
            wait = Duration::ZERO;
            let message = match polled {
                Ok(message) => message,
                Err(e) => {
                    eprintln!("lambda-kafka run: the consumer reports: {e}");
                    break;
                }
            };
            let topic = match self.topics.get(message.topic()) {
                Some(topic) => Arc::clone(topic),
                None => {
                    let topic: Arc<str> = message.topic().into();
                    self.topics
                        .insert(message.topic().to_owned(), Arc::clone(&topic));
                    topic
                }
            };
            arrived = true;
            let headers = message
                .headers()
                .map(|headers| headers.iter().map(|h| (h.key, h.value)).collect())
                .unwrap_or_default();
            let mut fetched = Fetched {
                partition: message.partition(),
                offset: message.offset(),
                timestamp: match message.timestamp() {
                    Timestamp::CreateTime(t) => Stamp::Create(t),
                    Timestamp::LogAppendTime(t) => Stamp::LogAppend(t),
                    Timestamp::NotAvailable => Stamp::None,
                },
                key: message.key(),
                value: message.payload(),
                headers,
                json: [None, None],
            };
            if formats.is_json()
                && let Some(failed) = self.to_json(&mut fetched, &topic, formats)?
            {
                // Kept once the poll is done; its offset is committed after that.
                unusable.push(failed);
                self.mapping
                    .skip(&topic, message.partition(), message.offset());
                continue;
            }
            // Filters see the value as the function would: in the JSON record format,
            // the JSON text.
            let value = fetched.json[1]
                .as_ref()
                .map_or(fetched.value, |(text, _, _)| Some(text.as_slice()));
            if !self.filters.check(value).0 {
                self.mapping
                    .skip(&topic, message.partition(), message.offset());
                self.filtered += 1;
                continue;
            }
            let stored =
                envelope::store(&fetched, &topic, self.registry, &mut |id| formats.of(id))?;
            let partition = stored.partition;
            self.mapping.push(stored);
            arrived = true;
            if self.mapping.waiting(&topic, partition) >= self.pause_at
                && self.paused.insert((Arc::clone(&topic), partition))
            {
                self.pause(&topic, partition, true);
            }
            if self.mapping.full(Instant::now()) {
                break;
            }
        }
        for discarded in &unusable {
            self.keep(discarded, &LastAnswer::default())?;
        }
        Ok(arrived)
    }

    /// Puts each side of `fetched` in the JSON record format; a side that cannot be had
    /// as JSON gives the record, as SOURCE writes it, to the on-failure destination.
    fn to_json(
        &self,
        fetched: &mut Fetched<'_>,
        topic: &Arc<str>,
        formats: &mut Formats,
    ) -> Result<Option<Discarded>, String> {
        for (index, part) in [Part::Key, Part::Value].into_iter().enumerate() {
            match formats.transcode(fetched, topic, part) {
                Transcoded::Json { text, id, format } => {
                    fetched.json[index] = Some((text, id, format));
                }
                Transcoded::AsIs => {}
                Transcoded::Failed { condition, reason } => {
                    eprintln!(
                        "lambda-kafka run: {} offset {}: the {} cannot be had as JSON: {reason}",
                        name(topic, fetched.partition),
                        fetched.offset,
                        part.as_str()
                    );
                    fetched.json = [None, None];
                    let stored =
                        envelope::store(fetched, topic, self.registry, &mut |id| formats.of(id))?;
                    return Ok(Some(Discarded {
                        condition,
                        records: vec![stored],
                    }));
                }
            }
        }
        Ok(None)
    }

    fn pause(&self, topic: &str, partition: i32, pause: bool) {
        let mut list = TopicPartitionList::new();
        list.add_partition(topic, partition);
        let done = if pause {
            self.consumer.pause(&list)
        } else {
            self.consumer.resume(&list)
        };
        if let Err(e) = done {
            eprintln!(
                "lambda-kafka run: cannot pause or resume {}: {e}",
                name(topic, partition)
            );
        }
    }

    fn forget_revoked(&mut self) {
        let revoked: Vec<(String, i32)> = std::mem::take(
            &mut *self
                .consumer
                .context()
                .revoked
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
        );
        for (topic, partition) in revoked {
            self.mapping.revoke(&topic, partition);
            self.paused
                .retain(|(t, p)| !(**t == *topic && *p == partition));
        }
    }

    /// Sends the next batch and settles it.
    fn invoke(&mut self, target: &mut Target) -> Result<(), String> {
        let batch = self.mapping.next_batch(Instant::now());
        if batch.is_empty() {
            return Ok(());
        }
        let event = self.source.event(&batch.records);
        let ranges = ranges(&batch.records);
        let attempt = batch.records.iter().map(|r| r.attempts).max().unwrap_or(1);
        let answer = match target.send(&event) {
            Sent::Answer(answer) => answer,
            Sent::Unreachable(why) => {
                // Not an attempt: the records wait, unchanged, for the function to be up.
                eprintln!(
                    "lambda-kafka run: the function cannot be reached ({why}); trying again in {UNREACHABLE_PAUSE:?}"
                );
                drop(batch);
                std::thread::sleep(UNREACHABLE_PAUSE);
                return Ok(());
            }
        };
        let reading = response::read(
            answer.status,
            answer.function_error.as_deref(),
            &answer.body,
            &batch,
        );
        let said = match &reading.outcome {
            Outcome::Success => "processed".to_owned(),
            Outcome::Partial(failed) => format!("{} failed", failed.len()),
            Outcome::Failed => "the batch failed".to_owned(),
        };
        let note = reading
            .note
            .as_deref()
            .map_or(String::new(), |n| format!(": {n}"));
        eprintln!(
            "lambda-kafka run: invocation of {} record(s) [{ranges}] (attempt {attempt}): {said}{note}",
            batch.records.len()
        );
        let last = LastAnswer {
            request_id: answer.request_id,
            status: answer.status,
            function_error: match reading.outcome {
                Outcome::Failed => Some(
                    answer
                        .function_error
                        .unwrap_or_else(|| "Unhandled".to_owned()),
                ),
                _ => None,
            },
        };
        for discarded in self.mapping.settle(batch, &reading.outcome, Instant::now()) {
            self.keep(&discarded, &last)?;
        }
        self.commit();
        self.resume_drained();
        Ok(())
    }

    fn resume_drained(&mut self) {
        let drained: Vec<(Arc<str>, i32)> = self
            .paused
            .iter()
            .filter(|(t, p)| self.mapping.waiting(t, *p) < self.pause_at / 2)
            .cloned()
            .collect();
        for (topic, partition) in drained {
            self.pause(&topic, partition, false);
            self.paused.remove(&(topic, partition));
        }
    }

    /// Hands discarded records to the on-failure destination, or reports them dropped.
    fn keep(&mut self, discarded: &Discarded, last: &LastAnswer) -> Result<(), String> {
        let ranges = ranges(&discarded.records);
        let condition = discarded.condition.as_str();
        let arn = &self.args.function_arn;
        match &mut self.destination {
            Destination::None => eprintln!(
                "lambda-kafka run: discarded [{ranges}] ({condition}); no on-failure destination keeps them"
            ),
            Destination::Folder { dir, with_payload } => {
                let record = failure::record(
                    discarded,
                    &self.source,
                    arn,
                    last,
                    now_millis(),
                    *with_payload,
                );
                let path = failure::write(dir, &record)?;
                eprintln!(
                    "lambda-kafka run: discarded [{ranges}] ({condition}), kept in {}",
                    path.display()
                );
            }
            Destination::Topic(topic) => {
                topic.write(discarded, &self.source, arn, last, now_millis())?;
                eprintln!(
                    "lambda-kafka run: discarded [{ranges}] ({condition}), written to --on-failure-topic {}",
                    self.args.on_failure_topic.as_deref().unwrap_or_default()
                );
            }
        }
        Ok(())
    }

    /// Commits each partition's offset that moved; a failed commit is tried again after
    /// the next batch.
    fn commit(&mut self) {
        let offsets = self.mapping.to_commit();
        if offsets.is_empty() {
            return;
        }
        let mut list = TopicPartitionList::new();
        for (topic, partition, offset) in &offsets {
            if let Err(e) = list.add_partition_offset(topic, *partition, Offset::Offset(*offset)) {
                eprintln!(
                    "lambda-kafka run: cannot commit {}: {e}",
                    name(topic, *partition)
                );
                return;
            }
        }
        match self.consumer.commit(&list, CommitMode::Sync) {
            Ok(()) => self.mapping.committed(&offsets),
            Err(e) => eprintln!("lambda-kafka run: the commit failed, to be tried again: {e}"),
        }
    }
}

/// `orders-0 5..9, orders-1 3`, for log lines.
fn ranges(records: &[mapping::Stored]) -> String {
    let mut out: Vec<(String, i64, i64)> = Vec::new();
    for r in records {
        let here = name(&r.topic, r.partition);
        match out.last_mut() {
            Some((p, _, last)) if *p == here => *last = r.offset,
            _ => out.push((here, r.offset, r.offset)),
        }
    }
    out.iter()
        .map(|(p, first, last)| {
            if first == last {
                format!("{p} {first}")
            } else {
                format!("{p} {first}..{last}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod retries_tests {
    #[test]
    fn infinite_retries_with_a_destination_become_ten() {
        assert_eq!(super::retries(-1, false), None);
        assert_eq!(super::retries(-1, true), Some(10));
        assert_eq!(super::retries(3, true), Some(3));
        assert_eq!(super::retries(0, false), Some(0));
    }
}
