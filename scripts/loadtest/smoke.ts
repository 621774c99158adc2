import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { formatSeconds } from '../simulation/durations';
import type { OrdersApi, StatusResult, SubmitResult } from './client';
import { KEY_ENV } from './options';
import { orderRequest, type OrderTemplate } from './orders';

/**
 * The smoke test after `cdktf deploy`: one order (the sample with a unique idempotency key), then its
 * status until it is processed or the timeout passes; a POST that fails with 5xx or a timeout is retried
 * within the same timeout. Pending keeps polling; `failed` ends it at once with the order's reason; a
 * pending order whose stage is `unconfirmed` is resubmitted with the same key, as the status says to.
 * Every failure says what failed and what to check.
 */
export interface SmokeSettings {
  readonly key: string | undefined;
  readonly timeoutMs: number;
  readonly pollIntervalMs: number;
  readonly pollMaxIntervalMs: number;
}

export interface SmokeOutcome {
  readonly ok: boolean;
  readonly message: string;
  readonly orderId?: string;
}

const KEY_ADVICE = `set ${KEY_ENV} to a function key of this app, e.g. \`az functionapp keys list -g <resource-group> -n <app> --query functionKeys.default -o tsv\``;

export async function runSmoke(
  api: OrdersApi,
  template: OrderTemplate,
  settings: SmokeSettings,
  progress?: (text: string) => void,
): Promise<SmokeOutcome> {
  if (!settings.key) return { ok: false, message: `${KEY_ENV} is not set: ${KEY_ADVICE}` };

  const started = performance.now();
  const deadline = started + settings.timeoutMs;
  // Right after a deploy the host may still be restarting and a new role assignment may not have
  // reached Service Bus yet: the API answers 5xx (503 + Retry-After) or not in time. With the same
  // Idempotency-Key a retry is the same order (functions/http/submit-order.ts), even after a 503 whose
  // outcome is unknown, so retry with the same key until the timeout; never with a new one.
  const order = orderRequest(template, 'smoke');
  let submitted = await api.submit(order);
  let attempts = 1;
  let wait = settings.pollIntervalMs;
  while (submitted.outcome === 'failed' && ((submitted.status ?? 0) >= 500 || submitted.reason === 'timeout')) {
    const retryAfterMs = Number(submitted.retryAfter) * 1000;
    const pause = retryAfterMs > 0 ? retryAfterMs : wait;
    if (performance.now() + pause >= deadline) break;
    progress?.(
      `POST ${submitted.status !== undefined ? `answered ${submitted.status}` : 'timed out'}; retrying in ${formatSeconds(pause / 1000)}`,
    );
    await sleep(pause);
    submitted = await api.submit(order);
    attempts++;
    wait = Math.min(settings.pollMaxIntervalMs, wait * 2);
  }
  if (submitted.outcome !== 'accepted') {
    const tries = attempts > 1 ? ` (${attempts} attempts over ${formatSeconds((performance.now() - started) / 1000)})` : '';
    return { ok: false, message: `${explainSubmit(api.ordersUrl, submitted)}${tries}` };
  }
  progress?.(`order ${submitted.orderId} accepted in ${Math.round(submitted.latencyMs)} ms; waiting until it is processed`);

  wait = settings.pollIntervalMs;
  let last: StatusResult = { outcome: 'pending' };
  while (performance.now() < deadline) {
    await sleep(Math.min(wait, Math.max(0, deadline - performance.now())));
    last = await api.status(submitted.statusPath);
    if (last.outcome === 'processed') {
      const seenS = (performance.now() - started) / 1000;
      const accepted = Date.parse(last.acceptedAt ?? '');
      const processed = Date.parse(last.processedAt ?? '');
      const apiSide =
        Number.isFinite(accepted) && Number.isFinite(processed)
          ? `; acceptedAt -> processedAt ${formatSeconds((processed - accepted) / 1000)}`
          : '';
      return {
        ok: true,
        orderId: submitted.orderId,
        message: `smoke passed: order ${submitted.orderId} accepted in ${Math.round(submitted.latencyMs)} ms and seen processed after ${formatSeconds(seenS)}${apiSide}`,
      };
    }
    if (last.outcome === 'failed') {
      return {
        ok: false,
        orderId: submitted.orderId,
        message: `order ${submitted.orderId} was accepted and then failed (${last.failedBy}${last.failedAt ? ` at ${last.failedAt}` : ''}): ${last.reason}; see npm run dlq and the processor's logs (Application Insights)`,
      };
    }
    if (last.outcome === 'error' && (last.status === 401 || last.status === 403)) {
      return {
        ok: false,
        orderId: submitted.orderId,
        message: `GET ${submitted.statusPath} answered ${last.status}: the function key was rejected by the status endpoint; ${KEY_ADVICE}`,
      };
    }
    if (last.outcome === 'error' && last.status === 404) {
      return {
        ok: false,
        orderId: submitted.orderId,
        message: `GET ${submitted.statusPath} answered 404 for an order the API accepted: its accept record is gone; check the acceptedorders table and the app's Storage Table Data roles`,
      };
    }
    if (last.outcome === 'pending' && last.stage === 'unconfirmed') {
      // The status endpoint's own advice: the same request with the same key is the only safe retry.
      progress?.(`order ${submitted.orderId} is unconfirmed; resubmitting it with the same Idempotency-Key`);
      await api.submit(order);
    }
    wait = Math.min(settings.pollMaxIntervalMs, wait * 2);
  }
  const lastSeen =
    last.outcome === 'error'
      ? ` (last status request: ${last.reason}${last.problem ? `, ${last.problem}` : ''})`
      : last.outcome === 'pending'
        ? ` (still pending${last.stage ? `: stage ${last.stage}` : ''})`
        : '';
  return {
    ok: false,
    orderId: submitted.orderId,
    message:
      `order ${submitted.orderId} was accepted but not processed within ${formatSeconds(settings.timeoutMs / 1000)}${lastSeen}: ` +
      "check that the consumer (processOrder) runs (Application Insights, Always On), the queue's active and dead-letter counts (npm run dlq), and the app's Service Bus receiver and Table roles",
  };
}

function explainSubmit(url: string, r: Exclude<SubmitResult, { outcome: 'accepted' }>): string {
  if (r.outcome === 'rejected') {
    if (r.status === 401 || r.status === 403) return `POST ${url} answered ${r.status}: the function key was rejected; ${KEY_ADVICE}`;
    if (r.status === 404)
      return `POST ${url} answered 404: no such route; check that --base-url is the API's base URL ending in /api and that the app is deployed`;
    return `POST ${url} rejected the sample order with ${r.status}: ${r.problem}`;
  }
  if (r.status === 503) {
    return `POST ${url} answered 503${r.retryAfter ? ` (Retry-After ${r.retryAfter} s)` : ''}: order intake is unavailable (${r.problem ?? 'no detail'}); check /api/health (settings), the Service Bus namespace, and the app's roles: Azure Service Bus Data Sender on the queue, Storage Table Data Contributor on the acceptedorders table`;
  }
  if (r.status !== undefined) return `POST ${url} answered ${r.status}${r.problem ? `: ${r.problem}` : ''}`;
  if (r.reason === 'timeout') return `POST ${url} did not answer in time (timeout): is the app running (cold start, Always On)?`;
  return `cannot reach ${url} (${r.reason}): check --base-url and that the app is running`;
}
