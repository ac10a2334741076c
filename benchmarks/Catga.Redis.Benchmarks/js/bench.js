// The ioredis side of the Catga.Redis benchmark: the same scenarios as CatgaScenarios.cs, against the same server.
// Usage: node bench.js <port> <scenario: setget|latency|xadd|xreadgroup> <seconds> <concurrency> <count>
// Prints one JSON object.
'use strict';
const Redis = require('ioredis');

const [port, scenario, seconds, concurrency, count] = [Number(process.argv[2]), process.argv[3], ...process.argv.slice(4).map(Number)];
const value = 'x'.repeat(16);

async function throughput(body) {
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
  return ops / (Number(process.hrtime.bigint() - started) / 1e9);
}

async function main() {
  // Auto-pipelining is ioredis' fastest mode for many concurrent callers: the fair comparison.
  const redis = new Redis({ port, host: '127.0.0.1', enableAutoPipelining: true, lazyConnect: true });
  const plain = new Redis({ port, host: '127.0.0.1', lazyConnect: true });
  await redis.connect();
  await plain.connect();
  const result = {};

  if (scenario === 'setget') {
    result.opsPerSecond = await throughput(async (caller, i) => {
      const key = `js:${caller}:${i % 100}`;
      await redis.set(key, value);
      await redis.get(key);
      return 2;
    });
  } else if (scenario === 'latency') {
    await plain.set('js:latency', value);
    for (let i = 0; i < 1000; i++) await plain.get('js:latency');
    const samples = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      const start = process.hrtime.bigint();
      await plain.get('js:latency');
      samples[i] = Number(process.hrtime.bigint() - start) / 1000;
    }
    samples.sort();
    result.p50 = samples[Math.floor(count * 0.5)];
    result.p99 = samples[Math.floor(count * 0.99)];
  } else if (scenario === 'xadd') {
    await redis.del('js:stream');
    result.opsPerSecond = await throughput(async () => {
      await redis.xadd('js:stream', 'MAXLEN', '~', '100000', '*', 'body', value);
      return 1;
    });
  } else if (scenario === 'xreadgroup') {
    await plain.del('js:group-stream');
    for (let offset = 0; offset < count; offset += 1000) {
      const pipeline = plain.pipeline();
      for (let i = 0; i < 1000; i++) pipeline.xadd('js:group-stream', '*', 'body', value);
      await pipeline.exec();
    }
    await plain.xgroup('CREATE', 'js:group-stream', 'g', '0');
    const started = process.hrtime.bigint();
    let read = 0;
    while (read < count) {
      const reply = await plain.xreadgroup('GROUP', 'g', 'c', 'COUNT', 100, 'STREAMS', 'js:group-stream', '>');
      const entries = reply[0][1];
      await plain.xack('js:group-stream', 'g', ...entries.map(e => e[0]));
      read += entries.length;
    }
    result.opsPerSecond = read / (Number(process.hrtime.bigint() - started) / 1e9);
  } else {
    throw new Error(`unknown scenario ${scenario}`);
  }

  redis.disconnect();
  plain.disconnect();
  process.stdout.write(JSON.stringify(result) + '\n');
}

main().catch(error => {
  process.stderr.write(String(error && error.stack || error) + '\n');
  process.exit(1);
});
