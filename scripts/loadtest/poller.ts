import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { EventHeap } from '../simulation/structures';
import type { OrdersApi } from './client';
import { LatencyHistogram } from './histogram';

/**
 * Polls each accepted order's status until it is processed or failed, or the deadline passes: the first poll
 * `intervalMs` after acceptance, then doubling up to `maxIntervalMs`, at most `concurrency` at once.
 * End-to-end latency is measured twice: from the status body (acceptedAt -> processedAt, the API's
 * clocks) and as the client saw it (POST sent -> processed seen, which includes the polling interval).
 */
export interface PollerOptions {
  readonly intervalMs: number;
  readonly maxIntervalMs: number;
  readonly concurrency: number;
  readonly onProcessed?: (processed: number) => void;
  readonly onError?: (orderId: string, reason: string) => void;
}

export interface PollOutcome {
  readonly processed: number;
  /** Orders whose status said `failed`, by who failed them, with the first reason. */
  readonly failed: { readonly total: number; readonly byFailedBy: Record<string, number>; readonly firstReason?: string };
  readonly notProcessed: ReadonlyArray<string>;
  readonly polls: number;
  readonly pollErrors: number;
  /** acceptedAt -> processedAt from the status body. */
  readonly serverMs: LatencyHistogram;
  /** POST sent -> first poll that saw the order processed. */
  readonly clientMs: LatencyHistogram;
}

interface Target {
  readonly orderId: string;
  readonly statusPath: string;
  readonly sentAt: number;
  waitMs: number;
}

export class StatusPoller {
  private readonly targets: Target[] = [];
  private readonly due = new EventHeap();
  private readonly done = new Set<number>();
  private readonly failedOrders = new Set<number>();
  private readonly failedBy: Record<string, number> = {};
  private firstFailure: string | undefined;
  private readonly serverMs = new LatencyHistogram();
  private readonly clientMs = new LatencyHistogram();
  private open = 0;
  private polls = 0;
  private pollErrors = 0;
  private stopped = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly api: OrdersApi,
    private readonly options: PollerOptions,
  ) {}

  /** Starts polling an accepted order (`sentAt`: performance.now() when its POST left). */
  add(orderId: string, statusPath: string, sentAt: number): void {
    const index = this.targets.push({ orderId, statusPath, sentAt, waitMs: this.options.intervalMs }) - 1;
    this.due.push(performance.now() + this.options.intervalMs, index);
    this.loop ??= this.run();
  }

  get accepted(): number {
    return this.targets.length;
  }

  get processed(): number {
    return this.done.size;
  }

  /** Waits until every order added so far is processed, or until `deadline` (performance.now() time). */
  async finish(deadline: number): Promise<PollOutcome> {
    while (this.done.size + this.failedOrders.size < this.targets.length && performance.now() < deadline)
      await sleep(Math.min(50, this.options.intervalMs));
    this.stopped = true;
    await this.loop;
    while (this.open > 0) await sleep(5);
    return {
      processed: this.done.size,
      failed: {
        total: this.failedOrders.size,
        byFailedBy: { ...this.failedBy },
        ...(this.firstFailure ? { firstReason: this.firstFailure } : {}),
      },
      notProcessed: this.targets.filter((_, i) => !this.done.has(i) && !this.failedOrders.has(i)).map((t) => t.orderId),
      polls: this.polls,
      pollErrors: this.pollErrors,
      serverMs: this.serverMs,
      clientMs: this.clientMs,
    };
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const now = performance.now();
      while (this.due.size > 0 && this.due.peekTime() <= now && this.open < this.options.concurrency) {
        const index = this.due.pop();
        this.open++;
        void this.poll(index).finally(() => this.open--);
      }
      const wait = this.due.size > 0 ? Math.max(1, Math.min(50, this.due.peekTime() - now)) : 20;
      await sleep(this.open >= this.options.concurrency ? 5 : wait);
    }
  }

  private async poll(index: number): Promise<void> {
    const target = this.targets[index];
    this.polls++;
    const result = await this.api.status(target.statusPath);
    if (result.outcome === 'processed') {
      this.done.add(index);
      this.clientMs.record(performance.now() - target.sentAt);
      const accepted = Date.parse(result.acceptedAt ?? '');
      const processed = Date.parse(result.processedAt ?? '');
      if (Number.isFinite(accepted) && Number.isFinite(processed)) this.serverMs.record(processed - accepted);
      this.options.onProcessed?.(this.done.size);
      return;
    }
    if (result.outcome === 'failed') {
      // The order will not be processed (until an operator replays it): stop polling it.
      this.failedOrders.add(index);
      this.failedBy[result.failedBy] = (this.failedBy[result.failedBy] ?? 0) + 1;
      this.firstFailure ??= `${target.orderId}: ${result.reason}`;
      this.options.onError?.(target.orderId, `failed (${result.failedBy}): ${result.reason}`);
      return;
    }
    if (result.outcome === 'error') {
      this.pollErrors++;
      this.options.onError?.(target.orderId, result.problem ? `${result.reason}: ${result.problem}` : result.reason);
    }
    target.waitMs = Math.min(this.options.maxIntervalMs, target.waitMs * 2);
    if (!this.stopped) this.due.push(performance.now() + target.waitMs, index);
  }
}
