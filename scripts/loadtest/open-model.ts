import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { LatencyHistogram } from './histogram';

/**
 * An open-model load generator: order i is due at start + i / rate, whether or not earlier requests
 * have answered, so a slow API does not lower the offered rate (a closed loop would, and would hide
 * the overload). The number in flight is bounded; an order that is due while the bound is reached is
 * counted as not sent, never queued for later.
 */
export interface OpenModelOptions {
  readonly rate: number;
  readonly durationS: number;
  readonly maxInFlight: number;
  /** Sends order `index`; resolves when its response has been handled. Must not reject. */
  readonly send: (index: number) => Promise<void>;
  readonly onProgress?: (due: number, total: number) => void;
}

export interface OpenModelResult {
  readonly offered: number;
  readonly sent: number;
  /** Due while `maxInFlight` requests were open. */
  readonly notSent: number;
  /** How late each send left after its scheduled time. */
  readonly lagMs: LatencyHistogram;
  /** Seconds from the first scheduled send to the last send. */
  readonly sendingS: number;
  readonly peakInFlight: number;
}

export async function runOpenModel(options: OpenModelOptions): Promise<OpenModelResult> {
  const total = Math.max(1, Math.round(options.rate * options.durationS));
  const intervalMs = 1000 / options.rate;
  const lagMs = new LatencyHistogram();
  const open = new Set<Promise<void>>();
  let next = 0;
  let sent = 0;
  let notSent = 0;
  let peakInFlight = 0;
  let lastSendAt = 0;
  const start = performance.now();

  while (next < total) {
    const now = performance.now();
    // Every order due by now leaves now (catching up after a late timer), none waits for a response.
    while (next < total && start + next * intervalMs <= now) {
      if (open.size >= options.maxInFlight) {
        notSent++;
      } else {
        lagMs.record(now - (start + next * intervalMs));
        const request = options.send(next).finally(() => open.delete(request));
        open.add(request);
        sent++;
        lastSendAt = now;
        if (open.size > peakInFlight) peakInFlight = open.size;
      }
      next++;
    }
    options.onProgress?.(next, total);
    if (next < total) await sleep(Math.max(0, start + next * intervalMs - performance.now()));
  }
  await Promise.all(open);
  return { offered: total, sent, notSent, lagMs, sendingS: Math.max(0, lastSendAt - start) / 1000, peakInFlight };
}
