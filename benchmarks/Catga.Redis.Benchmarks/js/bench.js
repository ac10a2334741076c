// The ioredis side of the Catga.Redis benchmark: the same scenarios as Program.cs, against the same server,
// printed as one JSON object. Usage: node bench.js <port> <seconds> <concurrency> <latencyOps> <streamEntries>
'use strict';
const Redis = require('ioredis');

const [port, seconds, concurrency, latencyOps, streamEntries] = process.argv.slice(2).map(Number);
const value = 'x'.repeat(16);

async function throughput(redis, body) {
  const deadline = Date.now() + seconds * 1000;
  let ops = 0;
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: concurrency }, async (_, caller) => {
    let i = 0;
    while (Date.now() < deadline) {
      // Not `ops += await ...`: that would read ops before the await and lose the other callers' counts.
      const done = await body(caller, i++);
      ops += done;
    }
  }));
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  return ops / elapsed;
}

async function main() {
  // Auto-pipelining is ioredis' fastest mode for many concurrent callers: the fair comparison.
  const redis = new Redis({ port, host: '127.0.0.1', enableAutoPipelining: true, lazyConnect: true });
  await redis.connect();
  const result = {};

  result.setGetOpsPerSecond = await throughput(redis, async (caller, i) => {
    const key = `js:${caller}:${i % 100}`;
    await redis.set(key, value);
    await redis.get(key);
    return 2;
  });

  const plain = new Redis({ port, host: '127.0.0.1', lazyConnect: true });
  await plain.connect();
  await plain.set('js:latency', value);
  for (let i = 0; i < 1000; i++) await plain.get('js:latency');
  const samples = new Float64Array(latencyOps);
  for (let i = 0; i < latencyOps; i++) {
    const start = process.hrtime.bigint();
    await plain.get('js:latency');
    samples[i] = Number(process.hrtime.bigint() - start) / 1000;
  }
  samples.sort();
  result.latencyP50Micros = samples[Math.floor(latencyOps * 0.5)];
  result.latencyP99Micros = samples[Math.floor(latencyOps * 0.99)];

  await redis.del('js:stream');
  result.xaddOpsPerSecond = await throughput(redis, async () => {
    await redis.xadd('js:stream', 'MAXLEN', '~', '100000', '*', 'body', value);
    return 1;
  });

  await redis.del('js:group-stream');
  for (let offset = 0; offset < streamEntries; offset += 1000) {
    const pipeline = plain.pipeline();
    for (let i = 0; i < 1000; i++) pipeline.xadd('js:group-stream', '*', 'body', value);
    await pipeline.exec();
  }
  await plain.xgroup('CREATE', 'js:group-stream', 'g', '0');
  const started = process.hrtime.bigint();
  let read = 0;
  while (read < streamEntries) {
    const reply = await plain.xreadgroup('GROUP', 'g', 'c', 'COUNT', 100, 'STREAMS', 'js:group-stream', '>');
    const entries = reply[0][1];
    await plain.xack('js:group-stream', 'g', ...entries.map(e => e[0]));
    read += entries.length;
  }
  result.xreadgroupEntriesPerSecond = read / (Number(process.hrtime.bigint() - started) / 1e9);

  redis.disconnect();
  plain.disconnect();
  process.stdout.write(JSON.stringify(result) + '\n');
}

main().catch(error => {
  process.stderr.write(String(error && error.stack || error) + '\n');
  process.exit(1);
});
