/**
 * The main thread's side of the pipeline worker. The newest request wins: a run that a newer edit
 * supersedes is abandoned by terminating the worker (the pipeline is synchronous inside it, so no
 * message could interrupt it) and starting a fresh one, and any reply whose sequence number is not the
 * newest is discarded. Cancelling does the same without a follow-up run.
 */
import * as Comlink from 'comlink';
import type { WorkerApi } from '../worker/worker';
import type { GraphLayout, SearchResult } from '../worker/layout';
import type { ExportFile, ExportKind } from '../worker/protocol';
import type {
  AutoProgressDto, CompletionDto, HoverReply, ModuleInfo, NodeDetailsDto, ProgressUpdate, RunReply, TacticDoc, ZooEntryDto,
} from '../worker/protocol';

type ProgressFn = (stage: string, fraction: number, auto?: AutoProgressDto) => void;

/** How a request reaches the worker: a plain run by default; the compare client runs B against A. */
export type Invoke<R> = (api: Comlink.Remote<WorkerApi>, seq: number, payload: unknown, progress: ProgressFn) => Promise<R>;

const invokeRun: Invoke<RunReply> = (api, seq, config, progress) => api.run(seq, config, progress);

export interface ClientEvents<R = RunReply> {
  onStart(seq: number): void;
  onReply(reply: R): void;
  onProgress(p: ProgressUpdate): void;
  /** The worker died or could not start; the message says why. */
  onCrash(message: string): void;
  /**
   * A follow-up request (hover, completion, layout, export…) failed: the UI keeps working and shows this
   * as a non-blocking notice. The error is also logged to the console.
   */
  onNotice(message: string): void;
}

/** What the client needs of a worker: its lifecycle, and the comlink proxy to call it. */
export interface WorkerConnection {
  readonly worker: Pick<Worker, 'addEventListener' | 'terminate'>;
  readonly api: Comlink.Remote<WorkerApi>;
}

/** Starts the pipeline worker (tests pass a fake instead). */
export type Connect = (name: string) => WorkerConnection;

const connectWorker: Connect = (name) => {
  const worker = new Worker(new URL('../worker/worker.ts', import.meta.url), { type: 'module', name });
  return { worker, api: Comlink.wrap<WorkerApi>(worker) };
};

export class PipelineClient<R extends { seq: number } = RunReply> {
  private worker!: WorkerConnection['worker'];
  private api!: Comlink.Remote<WorkerApi>;
  private seq = 0;
  private inFlight: number | null = null;
  private pending: { seq: number; config: unknown } | null = null;
  /** Bumped on every restart so that replies from a terminated worker are ignored. */
  private generation = 0;

  private readonly invoke: Invoke<R>;

  constructor(
    private readonly events: ClientEvents<R>, invoke?: Invoke<R>, private readonly name = 'partir-pipeline',
    private readonly connect: Connect = connectWorker,
  ) {
    this.invoke = invoke ?? (invokeRun as unknown as Invoke<R>);
    this.start();
  }

  private start(): void {
    this.generation++;
    const gen = this.generation;
    const { worker, api } = this.connect(this.name);
    this.worker = worker;
    this.worker.addEventListener('error', (e) => {
      if (gen !== this.generation) return;
      e.preventDefault();
      this.events.onCrash(`the pipeline worker failed: ${e.message || 'it could not be loaded'}`);
      this.restart();
    });
    this.api = api;
  }

  private restart(): void {
    // Terminating frees the worker's side of every proxy; nothing to release by message.
    this.worker.terminate();
    this.inFlight = null;
    this.start();
  }

  /** Queues a run of `config`; returns its sequence number. */
  run(config: unknown): number {
    const seq = ++this.seq;
    this.pending = { seq, config };
    // Finishing a stale run would only delay the one the user is waiting for.
    if (this.inFlight !== null) this.restart();
    this.pump();
    return seq;
  }

  get latest(): number {
    return this.seq;
  }

  get busy(): boolean {
    return this.inFlight !== null;
  }

  private pump(): void {
    if (this.inFlight !== null || !this.pending) return;
    const { seq, config } = this.pending;
    this.pending = null;
    this.inFlight = seq;
    const gen = this.generation;
    this.events.onStart(seq);
    const progress = Comlink.proxy((stage: string, fraction: number, auto?: AutoProgressDto) => {
      if (gen === this.generation && seq === this.seq) this.events.onProgress(auto ? { seq, stage, fraction, auto } : { seq, stage, fraction });
    });
    this.invoke(this.api, seq, config, progress)
      .then((reply) => {
        if (gen !== this.generation) return;
        this.inFlight = null;
        if (reply.seq === this.seq) this.events.onReply(reply);
        this.pump();
      })
      .catch((e: unknown) => {
        if (gen !== this.generation) return;
        this.events.onCrash(`the pipeline worker failed: ${e instanceof Error ? e.message : String(e)}`);
        this.restart();
        this.pump();
      });
  }

  /** Stops the run in flight (and any queued one). The last good result stays where the UI keeps it. */
  cancel(): void {
    this.pending = null;
    this.seq++;
    if (this.inFlight !== null) this.restart();
  }

  /**
   * Follow-up requests answer from the worker's cached result. A failure leaves the UI working with
   * `fallback` ("nothing to show"), but is logged and shown as a notice, unless the worker was restarted
   * meanwhile (a newer run superseded it), which rejects its pending calls by design.
   */
  private async safe<T>(request: string, f: () => Promise<T>, fallback: T): Promise<T> {
    const gen = this.generation;
    try {
      return await f();
    } catch (e: unknown) {
      if (gen !== this.generation) return fallback;
      const message = `${request} failed: ${e instanceof Error ? e.message : String(e)}`;
      console.error(`[pipeline worker] ${message}`, e);
      this.events.onNotice(message);
      return fallback;
    }
  }

  hoverAt(text: string, line: number, column: number): Promise<HoverReply | null> {
    return this.safe('hover', () => this.api.hoverAt(text, line, column), null);
  }

  complete(text: string, line: number, column: number, axes: string[]): Promise<CompletionDto[]> {
    return this.safe('completion', () => this.api.complete(text, line, column, axes), []);
  }

  nodeDetails(id: string): Promise<NodeDetailsDto | null> {
    return this.safe('node details', () => this.api.nodeDetails(id), null);
  }

  opName(opId: number): Promise<string | null> {
    return this.safe('op name', () => this.api.opName(opId), null);
  }

  findOp(label: string): Promise<{ opId: number; nodeId: string; reveal: string[] } | null> {
    return this.safe('find op', () => this.api.findOp(label), null);
  }

  search(query: string, limit?: number): Promise<SearchResult> {
    return this.safe<SearchResult>('search', () => this.api.search(query, limit), { hits: [], total: 0 });
  }

  exportFile(kind: ExportKind): Promise<ExportFile | { error: string }> {
    return this.safe<ExportFile | { error: string }>('export', () => this.api.exportFile(kind), { error: 'the worker did not answer' });
  }

  zoo(): Promise<ZooEntryDto[]> {
    return this.safe('model zoo', () => this.api.zoo(), []);
  }

  tactics(): Promise<TacticDoc[]> {
    return this.safe('tactic docs', () => this.api.tactics(), []);
  }

  layout(expanded: string[], stage: number | null, highlightValues?: number[]): Promise<GraphLayout | null> {
    return this.safe('graph layout', () => this.api.layout(expanded, stage, highlightValues), null);
  }

  moduleInfo(text: string): Promise<ModuleInfo> {
    return this.safe<ModuleInfo>('module info', () => this.api.moduleInfo(text), { ops: 0, warnings: 0, error: { code: 'worker', message: 'the worker did not answer' } });
  }
}
