import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { parseDuration } from '../simulation/durations';

/** The load test's settings, from flags and environment variables. */

export const KEY_ENV = 'ORDERS_FUNCTION_KEY';
export const BASE_URL_ENV = 'ORDERS_BASE_URL';

export const USAGE = `Usage: npm run loadtest -- --base-url https://<app>.azurewebsites.net/api [--rate 50 --duration 60s] [--smoke]

The function key is read from ${KEY_ENV} (never printed); the base URL may come from ${BASE_URL_ENV}.

Load (open model: POSTs leave on schedule whether or not earlier ones have answered):
  --rate N              orders per second (10; at most 2000)
  --duration D          how long to send (30s; at most 1h; rate x duration at most 500,000)
  --max-in-flight N     requests open at once; scheduled orders beyond it are counted as not sent (256);
                        each has its own keep-alive connection, so none waits on the client side
  --request-timeout D   per request (30s)
  --poll-interval D     first wait before polling an order's status, doubling up to 10s (1s)
  --poll-deadline D     how long to keep polling after the last POST (5m)
  --poll-concurrency N  status requests open at once (32)
  --body FILE           order template (functions/samples/order.json); each order gets a unique Idempotency-Key header
Smoke (after cdktf deploy): one order, wait until it is processed:
  --smoke               exit 0 when processed, 1 with the reason otherwise
  --smoke-timeout D     how long to wait for acceptance (a 5xx or timed-out POST is retried) and processing (3m)
Output: --json, --no-progress, --verbose (each failure; never the key)
Durations: 90s, 15m, 250ms, 1h.`;

export interface LoadTestOptions {
  readonly mode: 'load' | 'smoke';
  /** Normalized to end with '/'. */
  readonly baseUrl: URL;
  readonly key: string | undefined;
  readonly rate: number;
  readonly durationS: number;
  readonly maxInFlight: number;
  readonly requestTimeoutMs: number;
  readonly pollIntervalMs: number;
  readonly pollMaxIntervalMs: number;
  readonly pollDeadlineMs: number;
  readonly pollConcurrency: number;
  readonly smokeTimeoutMs: number;
  readonly bodyFile: string;
  readonly json: boolean;
  readonly progress: boolean;
  readonly verbose: boolean;
}

const LIMITS = { rate: 2000, durationS: 3600, orders: 500_000, maxInFlight: 10_000, pollDeadlineS: 3600 };

export class UsageError extends Error {}

export function parseLoadTestArgs(
  argv: string[],
  env: NodeJS.ProcessEnv,
  projectRoot: string,
  cwd = process.cwd(),
): LoadTestOptions & { help: boolean } {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        'base-url': { type: 'string' },
        rate: { type: 'string' },
        duration: { type: 'string' },
        'max-in-flight': { type: 'string' },
        'request-timeout': { type: 'string' },
        'poll-interval': { type: 'string' },
        'poll-deadline': { type: 'string' },
        'poll-concurrency': { type: 'string' },
        body: { type: 'string' },
        smoke: { type: 'boolean' },
        'smoke-timeout': { type: 'string' },
        json: { type: 'boolean' },
        'no-progress': { type: 'boolean' },
        verbose: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const help = values.help ?? false;
  const rawBase = values['base-url'] ?? env[BASE_URL_ENV];
  if (!rawBase && !help) throw new UsageError(`--base-url (or ${BASE_URL_ENV}) is required, e.g. https://<app>.azurewebsites.net/api`);
  const baseUrl = help ? new URL('http://127.0.0.1/api/') : checkedBaseUrl(rawBase ?? '');

  const number = (flag: string, text: string | undefined, fallback: number, min: number, max: number, integer = false) => {
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
      throw new UsageError(`--${flag}: '${text}' must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}`);
    }
    return n;
  };
  const seconds = (flag: string, text: string | undefined, fallback: number, max: number) => {
    if (text === undefined) return fallback;
    let s: number;
    try {
      s = parseDuration(text, `--${flag}`);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    if (!(s > 0) || s > max) throw new UsageError(`--${flag}: '${text}' must be more than 0 and at most ${max} s`);
    return s;
  };

  const rate = number('rate', values.rate, 10, 0.01, LIMITS.rate);
  const durationS = seconds('duration', values.duration, 30, LIMITS.durationS);
  if (rate * durationS > LIMITS.orders)
    throw new UsageError(`--rate x --duration is ${Math.round(rate * durationS)} orders; at most ${LIMITS.orders} per run`);
  const pollIntervalMs = seconds('poll-interval', values['poll-interval'], 1, 60) * 1000;
  return {
    help,
    mode: values.smoke ? 'smoke' : 'load',
    baseUrl,
    key: env[KEY_ENV] || undefined,
    rate,
    durationS,
    maxInFlight: number('max-in-flight', values['max-in-flight'], 256, 1, LIMITS.maxInFlight, true),
    requestTimeoutMs: seconds('request-timeout', values['request-timeout'], 30, 600) * 1000,
    pollIntervalMs,
    pollMaxIntervalMs: Math.max(pollIntervalMs, 10_000),
    pollDeadlineMs: seconds('poll-deadline', values['poll-deadline'], 300, LIMITS.pollDeadlineS) * 1000,
    pollConcurrency: number('poll-concurrency', values['poll-concurrency'], 32, 1, 1024, true),
    smokeTimeoutMs: seconds('smoke-timeout', values['smoke-timeout'], 180, 3600) * 1000,
    bodyFile: values.body ? path.resolve(cwd, values.body) : path.join(projectRoot, 'functions', 'samples', 'order.json'),
    json: values.json ?? false,
    progress: !values['no-progress'],
    verbose: values.verbose ?? false,
  };
}

function checkedBaseUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--base-url: '${text}' is not a URL; expected e.g. https://<app>.azurewebsites.net/api`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UsageError(`--base-url: expected an https URL, got ${url.protocol}`);
  const local = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  // The key travels in a header: plain http only to this machine.
  if (url.protocol === 'http:' && !local)
    throw new UsageError(`--base-url: refusing to send the function key over plain http to ${url.hostname}; use https`);
  if (url.username || url.password || url.search || url.hash)
    throw new UsageError('--base-url: expected no credentials, query or fragment (the key comes from the environment)');
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url;
}
