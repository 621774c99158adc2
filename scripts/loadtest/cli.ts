import { startProgress, type Progress } from '../simulation/progress';
import { OrdersApi } from './client';
import { runLoad, type LoadResult } from './load';
import { KEY_ENV, parseLoadTestArgs, USAGE, UsageError, type LoadTestOptions } from './options';
import { loadOrderTemplate } from './orders';
import { redacting, Redactor, type TextSink } from './redact';
import { formatLoadReport } from './report';
import { runSmoke } from './smoke';

/** `npm run loadtest -- --base-url ... [--rate N --duration D] [--smoke]`: see options.ts USAGE. */

export interface LoadTestIo {
  readonly stdout: TextSink;
  /** Progress bars need the real stream (a TTY check); text still goes through the redactor. */
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly projectRoot: string;
}

/** At most this many --verbose problem lines; the rest are counted. */
const VERBOSE_LINES = 50;

export async function runLoadTestCli(argv: string[], io: LoadTestIo): Promise<number> {
  // Before anything can print: every line out of here is redacted.
  const redactor = new Redactor([io.env[KEY_ENV]]);
  const out = redacting(io.stdout, redactor);
  const err = redacting(io.stderr, redactor);

  let options: LoadTestOptions & { help: boolean };
  try {
    options = parseLoadTestArgs(argv, io.env, io.projectRoot, io.cwd);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    err.write(`loadtest: ${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (options.help) {
    out.write(`${USAGE}\n`);
    return 0;
  }

  let template;
  try {
    template = loadOrderTemplate(options.bodyFile);
  } catch (error) {
    err.write(`loadtest: ${(error as Error).message}\n`);
    return 2;
  }
  if (options.verbose) {
    err.write(
      `loadtest: ${options.mode} against ${options.baseUrl.href}; key: ${options.key ? `from ${KEY_ENV} (set)` : `${KEY_ENV} not set`}; run id ${template.runId}\n`,
    );
  }

  // One connection per request that may be open at once: with fewer, undici queues the POSTs on this
  // side, they reach the API at connections / latency per second and the open model is lost (a pool of
  // 64 held a 200/s run against a 1 s API to 64 requests at the server while reporting 200 in flight).
  const connections = options.maxInFlight + options.pollConcurrency;
  const api = new OrdersApi({ baseUrl: options.baseUrl, key: options.key, connections, requestTimeoutMs: options.requestTimeoutMs });
  try {
    if (options.mode === 'smoke') {
      const outcome = await runSmoke(
        api,
        template,
        {
          key: options.key,
          timeoutMs: options.smokeTimeoutMs,
          pollIntervalMs: options.pollIntervalMs,
          pollMaxIntervalMs: options.pollMaxIntervalMs,
        },
        options.progress ? (text) => err.write(`smoke: ${text}\n`) : undefined,
      );
      if (options.json) out.write(`${JSON.stringify(outcome, null, 2)}\n`);
      else (outcome.ok ? out : err).write(`${outcome.ok ? '' : 'smoke FAILED: '}${outcome.message}\n`);
      return outcome.ok ? 0 : 1;
    }

    if (!options.key) {
      err.write(`loadtest: ${KEY_ENV} is not set; the order API needs a function key (see --smoke for advice)\n`);
      return 2;
    }
    const result = await runWithProgress(api, template, options, io.stderr, err);
    out.write(
      options.json
        ? `${JSON.stringify(result, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`
        : `${formatLoadReport(result)}\n`,
    );
    if (result.accepted === 0) {
      err.write(
        `loadtest: no order was accepted${result.rejected.firstProblem ? `; first rejection ${result.rejected.firstProblem}` : ''}${result.failed.firstProblem ? `; first failure ${result.failed.firstProblem}` : ''}\n`,
      );
      return 1;
    }
    return 0;
  } finally {
    await api.close();
  }
}

async function runWithProgress(
  api: OrdersApi,
  template: ReturnType<typeof loadOrderTemplate>,
  options: LoadTestOptions,
  stderr: LoadTestIo['stderr'],
  err: TextSink,
): Promise<LoadResult> {
  const total = Math.max(1, Math.round(options.rate * options.durationS));
  const silent = !options.progress || options.json;
  let bar: Progress = startProgress({ label: 'POST', total, unit: 'orders', stream: stderr, silent });
  let polling = false;
  let verboseLines = 0;
  let suppressed = 0;
  try {
    return await runLoad(
      api,
      template,
      {
        rate: options.rate,
        durationS: options.durationS,
        maxInFlight: options.maxInFlight,
        pollIntervalMs: options.pollIntervalMs,
        pollMaxIntervalMs: options.pollMaxIntervalMs,
        pollConcurrency: options.pollConcurrency,
        pollDeadlineMs: options.pollDeadlineMs,
      },
      {
        sending: (due) => bar.update(due),
        sendingDone: (accepted) => {
          bar.stop();
          bar = startProgress({ label: 'processed', total: Math.max(1, accepted), unit: 'orders', stream: stderr, silent });
          polling = true;
        },
        polling: (processed) => {
          if (polling) bar.update(processed);
        },
        problem: options.verbose
          ? (text) => {
              if (verboseLines++ < VERBOSE_LINES) err.write(`  ${text}\n`);
              else suppressed++;
            }
          : undefined,
      },
    );
  } finally {
    bar.stop();
    if (suppressed > 0) err.write(`  (${suppressed} more problems not shown)\n`);
  }
}
