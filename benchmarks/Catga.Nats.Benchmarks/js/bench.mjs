// The official NATS JavaScript client running the same scenarios as Catga.Nats (see Scenarios.cs).
// Usage: node bench.mjs <nats-url> <scenario> <count> <size>; prints one JSON result line.
import { connect } from "nats";

const [url, scenario, countText, sizeText] = process.argv.slice(2);
const count = Number(countText);
const size = Number(sizeText);
const data = new Uint8Array(size);
const now = () => process.hrtime.bigint();
const seconds = (start) => Number(now() - start) / 1e9;

async function publishOnly() {
  const nc = await connect({ servers: url });
  const start = now();
  for (let i = 0; i < count; i++) nc.publish("bench.pub", data);
  await nc.flush();
  const elapsed = seconds(start);
  await nc.close();
  return { elapsed };
}

async function publishSubscribe() {
  const sub = await connect({ servers: url });
  const pub = await connect({ servers: url });
  const subscription = sub.subscribe("bench.pubsub");
  let received = 0;
  const done = (async () => {
    for await (const _ of subscription) {
      if (++received === count) break;
    }
  })();
  await sub.flush();
  const start = now();
  for (let i = 0; i < count; i++) pub.publish("bench.pubsub", data);
  await pub.flush();
  await done;
  const elapsed = seconds(start);
  await pub.close();
  await sub.close();
  return { elapsed };
}

async function requestReply() {
  const responder = await connect({ servers: url });
  const requester = await connect({ servers: url });
  responder.subscribe("bench.rr", { callback: (_, m) => m.respond(m.data) });
  await responder.flush();
  for (let i = 0; i < 1000; i++) await requester.request("bench.rr", data, { timeout: 5000 });
  const latencies = [];
  const start = now();
  for (let i = 0; i < count; i++) {
    const t = now();
    await requester.request("bench.rr", data, { timeout: 5000 });
    latencies.push(Number(now() - t) / 1000);
  }
  const elapsed = seconds(start);
  latencies.sort((a, b) => a - b);
  await requester.close();
  await responder.close();
  return { elapsed, p50: latencies[Math.floor(count * 0.5)], p99: latencies[Math.floor(count * 0.99)] };
}

async function jetStream(batched) {
  const nc = await connect({ servers: url });
  const jsm = await nc.jetstreamManager();
  const name = batched ? "BENCH_JS_ASYNC" : "BENCH_JS_SYNC";
  await jsm.streams.add({ name, subjects: [`${name}.>`], storage: "file" });
  const js = nc.jetstream();
  const subject = `${name}.x`;
  const start = now();
  if (!batched) {
    for (let i = 0; i < count; i++) await js.publish(subject, data);
  } else {
    // A sliding window of 256 outstanding acks, the same bound Catga's async publisher uses.
    let outstanding = 0;
    let wake = null;
    const settle = () => {
      outstanding--;
      if (wake) { const w = wake; wake = null; w(); }
    };
    for (let i = 0; i < count; i++) {
      while (outstanding >= 256) await new Promise((r) => (wake = r));
      outstanding++;
      js.publish(subject, data).then(settle, settle);
    }
    while (outstanding > 0) await new Promise((r) => (wake = r));
  }
  const elapsed = seconds(start);
  await jsm.streams.delete(name);
  await nc.close();
  return { elapsed };
}

const scenarios = {
  "pub": publishOnly,
  "pubsub": publishSubscribe,
  "reqrep": requestReply,
  "js-sync": () => jetStream(false),
  "js-async": () => jetStream(true),
};
const result = await scenarios[scenario]();
console.log(JSON.stringify({ scenario, count, size, ...result }));
