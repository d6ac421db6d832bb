// Cold start of the TypeScript Powertools Kafka consumer: from node's start, the import of
// the peer (through the peer harness's `node/peer_deps.mjs`, given as the first argument),
// the JSON event read and parsed, and every key and value of the batch decoded once.
// Prints `decoded N` when done; `cargo xtask bench-peers` times the process from its
// spawn to that line.
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';

const [deps, eventPath] = process.argv.slice(2);
const { kafkaConsumer } = await import(pathToFileURL(deps).href);
const handler = kafkaConsumer(async (event) => {
  let count = 0;
  for (const record of event.records) {
    void record.key;
    if (record.value !== undefined && record.value !== null) count += 1;
  }
  return count;
}, { value: { type: 'json' } });
const batch = JSON.parse(fs.readFileSync(eventPath, 'utf8'));
console.log(`decoded ${await handler(batch, {})}`);
