import type * as Comlink from 'comlink';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { WorkerApi } from '../worker/worker';
import type { RunReply } from '../worker/protocol';
import { PipelineClient, type ClientEvents, type Connect } from './workerClient';

/** A call the test settles by hand. */
interface Pending<T> { resolve(v: T): void; reject(e: unknown): void }

/** A fake worker per start: records the runs it was asked for, and whether it was terminated. */
class FakeWorker {
  terminated = false;
  readonly runs: { seq: number; config: unknown; reply: Pending<RunReply> }[] = [];
  readonly layouts: Pending<null>[] = [];
  addEventListener(): void {}
  terminate(): void {
    this.terminated = true;
    // A terminated worker never answers: comlink's pending calls simply hang (or reject); both must be ignored.
    for (const r of this.runs) r.reply.reject(new Error('terminated'));
    for (const l of this.layouts) l.reject(new Error('terminated'));
  }
  readonly api = {
    run: (seq: number, config: unknown) => new Promise<RunReply>((resolve, reject) => this.runs.push({ seq, config, reply: { resolve, reject } })),
    layout: () => new Promise<null>((resolve, reject) => this.layouts.push({ resolve, reject })),
    zoo: () => Promise.reject(new Error('zoo table missing')),
  };
}

function harness() {
  const workers: FakeWorker[] = [];
  const connect: Connect = () => {
    const w = new FakeWorker();
    workers.push(w);
    return { worker: w, api: w.api as unknown as Comlink.Remote<WorkerApi> };
  };
  const events = {
    onStart: vi.fn<ClientEvents['onStart']>(),
    onReply: vi.fn<ClientEvents['onReply']>(),
    onProgress: vi.fn<ClientEvents['onProgress']>(),
    onCrash: vi.fn<ClientEvents['onCrash']>(),
    onNotice: vi.fn<ClientEvents['onNotice']>(),
  };
  const client = new PipelineClient(events, undefined, 'test', connect);
  return { client, events, workers, current: () => workers[workers.length - 1] };
}

const reply = (seq: number) => ({ seq, ok: true }) as unknown as RunReply;
const settle = () => new Promise((r) => setTimeout(r, 0));

afterEach(() => vi.restoreAllMocks());

describe('PipelineClient: the newest request wins', () => {
  it('a run superseded while in flight restarts the worker and its late reply is dropped', async () => {
    const { client, events, workers, current } = harness();
    const a = client.run({ doc: 'A' });
    expect(current().runs.map((r) => r.seq)).toEqual([a]);
    const first = current();
    const b = client.run({ doc: 'B' });
    expect(first.terminated).toBe(true);
    expect(workers).toHaveLength(2);
    expect(current().runs.map((r) => [r.seq, r.config])).toEqual([[b, { doc: 'B' }]]);
    first.runs[0].reply.resolve(reply(a)); // too late: from a terminated worker
    current().runs[0].reply.resolve(reply(b));
    await settle();
    expect(events.onReply.mock.calls.map(([r]) => r.seq)).toEqual([b]);
    expect(events.onStart.mock.calls.map(([s]) => s)).toEqual([a, b]);
    expect(events.onCrash).not.toHaveBeenCalled();
    expect(client.busy).toBe(false);
  });

  it('cancel drops the run in flight and delivers nothing; the next run starts afresh', async () => {
    const { client, events, current } = harness();
    const a = client.run({ doc: 'A' });
    const first = current();
    client.cancel();
    expect(first.terminated).toBe(true);
    first.runs[0].reply.resolve(reply(a));
    await settle();
    expect(events.onReply).not.toHaveBeenCalled();
    const c = client.run({ doc: 'C' });
    expect(c).toBeGreaterThan(a);
    current().runs[0].reply.resolve(reply(c));
    await settle();
    expect(events.onReply.mock.calls.map(([r]) => r.seq)).toEqual([c]);
  });

  it('a reply whose sequence number is not the newest is not delivered', async () => {
    const { client, events, current } = harness();
    const a = client.run({ doc: 'A' });
    current().runs[0].reply.resolve(reply(a - 1)); // a worker echoing an older request
    await settle();
    expect(events.onReply).not.toHaveBeenCalled();
    expect(client.busy).toBe(false);
  });
});

describe('PipelineClient: follow-up requests', () => {
  it('a failing follow-up returns its fallback, is logged, and raises a non-blocking notice', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { client, events } = harness();
    await expect(client.zoo()).resolves.toEqual([]);
    expect(events.onNotice).toHaveBeenCalledTimes(1);
    expect(events.onNotice.mock.calls[0][0]).toMatch(/model zoo failed: zoo table missing/);
    expect(log).toHaveBeenCalled();
    expect(events.onCrash).not.toHaveBeenCalled();
  });

  it('a follow-up cut off by a newer run (worker restarted) is dropped silently', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { client, events } = harness();
    client.run({ doc: 'A' });
    const layout = client.layout([], null);
    client.run({ doc: 'B' }); // restarts the worker, rejecting the pending layout call
    await expect(layout).resolves.toBeNull();
    expect(events.onNotice).not.toHaveBeenCalled();
    expect(log).not.toHaveBeenCalled();
  });
});
