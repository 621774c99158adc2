import { performance } from 'node:perf_hooks';
import type { OrdersApi } from './client';
import { LatencyHistogram, type Percentiles } from './histogram';
import { runOpenModel } from './open-model';
import { orderRequest, type OrderTemplate } from './orders';
import { StatusPoller } from './poller';

/** A load run: POST orders on the open model, poll each accepted one until processed or the deadline. */

export interface LoadSettings {
  readonly rate: number;
  readonly durationS: number;
  readonly maxInFlight: number;
  readonly pollIntervalMs: number;
  readonly pollMaxIntervalMs: number;
  readonly pollConcurrency: number;
  readonly pollDeadlineMs: number;
}

export interface LoadObserver {
  /** After each scheduling step: orders due so far of the total. */
  readonly sending?: (due: number, total: number) => void;
  /** Sending is over: `accepted` orders are being polled. */
  readonly sendingDone?: (accepted: number) => void;
  readonly polling?: (processed: number, accepted: number) => void;
  /** Each failed or rejected POST and each status error (for --verbose). */
  readonly problem?: (text: string) => void;
}

export interface LoadResult {
  readonly url: string;
  readonly settings: LoadSettings;
  readonly offered: number;
  readonly sent: number;
  readonly notSent: number;
  readonly sendingS: number;
  readonly achievedRate: number;
  readonly peakInFlight: number;
  readonly sendLagMs: Percentiles;
  readonly accepted: number;
  readonly rejected: { readonly total: number; readonly byStatus: Record<string, number>; readonly firstProblem?: string };
  readonly failed: { readonly total: number; readonly byReason: Record<string, number>; readonly firstProblem?: string };
  /** POST round trips that got an HTTP answer, any status. */
  readonly postLatencyMs: Percentiles;
  readonly processed: number;
  /** Accepted orders whose status said `failed` (dead-lettered or rejected by the processor). */
  readonly failedOrders: { readonly total: number; readonly byFailedBy: Record<string, number>; readonly firstReason?: string };
  readonly notProcessed: number;
  readonly polls: number;
  readonly pollErrors: number;
  readonly endToEndServerMs: Percentiles;
  readonly endToEndClientMs: Percentiles;
}

export async function runLoad(
  api: OrdersApi,
  template: OrderTemplate,
  settings: LoadSettings,
  observer: LoadObserver = {},
): Promise<LoadResult> {
  const postLatency = new LatencyHistogram();
  const rejected: Record<string, number> = {};
  const failed: Record<string, number> = {};
  let firstRejection: string | undefined;
  let firstFailure: string | undefined;
  let accepted = 0;
  const poller = new StatusPoller(api, {
    intervalMs: settings.pollIntervalMs,
    maxIntervalMs: settings.pollMaxIntervalMs,
    concurrency: settings.pollConcurrency,
    onProcessed: (processed) => observer.polling?.(processed, poller.accepted),
    onError: (orderId, reason) => observer.problem?.(`status of ${orderId}: ${reason}`),
  });

  const sending = await runOpenModel({
    rate: settings.rate,
    durationS: settings.durationS,
    maxInFlight: settings.maxInFlight,
    onProgress: observer.sending,
    send: async (index) => {
      const sentAt = performance.now();
      const result = await api.submit(orderRequest(template, index));
      if (result.outcome !== 'failed' || result.status !== undefined) postLatency.record(result.latencyMs);
      if (result.outcome === 'accepted') {
        accepted++;
        poller.add(result.orderId, result.statusPath, sentAt);
      } else if (result.outcome === 'rejected') {
        rejected[result.status] = (rejected[result.status] ?? 0) + 1;
        firstRejection ??= `${result.status}: ${result.problem}`;
        observer.problem?.(`order ${index}: rejected ${result.status}: ${result.problem}`);
      } else {
        failed[result.reason] = (failed[result.reason] ?? 0) + 1;
        const text = `${result.reason}${result.retryAfter ? ` (Retry-After ${result.retryAfter})` : ''}${result.problem ? `: ${result.problem}` : ''}`;
        firstFailure ??= text;
        observer.problem?.(`order ${index}: failed ${text}`);
      }
    },
  });

  observer.sendingDone?.(accepted);
  // Orders processed while sending was still going on: the polling bar starts from them, not from 0.
  observer.polling?.(poller.processed, accepted);
  const polled = await poller.finish(performance.now() + settings.pollDeadlineMs);
  const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
  return {
    url: api.ordersUrl,
    settings,
    offered: sending.offered,
    sent: sending.sent,
    notSent: sending.notSent,
    sendingS: sending.sendingS,
    achievedRate: sending.sendingS > 0 ? (sending.sent - 1) / sending.sendingS : sending.sent,
    peakInFlight: sending.peakInFlight,
    sendLagMs: sending.lagMs.summary(),
    accepted,
    rejected: { total: sum(rejected), byStatus: rejected, ...(firstRejection ? { firstProblem: firstRejection } : {}) },
    failed: { total: sum(failed), byReason: failed, ...(firstFailure ? { firstProblem: firstFailure } : {}) },
    postLatencyMs: postLatency.summary(),
    processed: polled.processed,
    failedOrders: polled.failed,
    notProcessed: polled.notProcessed.length,
    polls: polled.polls,
    pollErrors: polled.pollErrors,
    endToEndServerMs: polled.serverMs.summary(),
    endToEndClientMs: polled.clientMs.summary(),
  };
}
