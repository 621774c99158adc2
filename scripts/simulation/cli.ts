import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import * as z from 'zod';
import { DEFAULT_MODEL, mergeDeep, type ModelParameters } from './assumptions';
import { writeTimelineChart } from './chart';
import { parseDuration } from './durations';
import { startProgress } from './progress';
import { buildReport, formatReport } from './report';
import { runSimulation } from './simulation';
import { loadStackModel } from './stack-model';
import { HOSTING_VARIANTS, hostingVariant, withHosting } from './variants';
import { DEFAULT_WORKLOAD, type WorkloadProfile } from './workload';

/** `npm run simulate -- [flags]`: see USAGE. */

export const USAGE = `Usage: npm run simulate -- [--env prod] [--profile file.json] [flags]

Simulates the default Black Friday surge (or --profile) against the synthesized stack of --env,
queue + autoscale ("after") next to a synchronous API on fixed instances ("before"), and the order
API on its own plan next to the counterfactual of sharing the processor's instances.

Hosting:
  --variant NAME          replace the environment's apps (and sale-window minimums) before synthesis:
${Object.entries(HOSTING_VARIANTS)
  .map(([name, v]) => `                            ${name}: ${v.description}`)
  .join('\n')}

Workload (override the profile file):
  --baseline N            orders/s outside the surge (20)
  --multiplier N          peak as a multiple of the baseline (10)
  --surge-start T         wall clock YYYY-MM-DDTHH:mm:ss of the ramp's start (2026-11-27T10:00:00)
  --time-zone NAME        Windows time zone of --surge-start ('W. Europe Standard Time')
  --ramp D --hold D       ramp length (15m) and time at the peak (2h)
  --median D --p99 D      processing time of one order (150ms, 1s)
  --transient R --poison R  shares of transient (0.005) and poison (0.0005) orders
  --arrivals poisson|even
Model (defaults and sources: scripts/simulation/ASSUMPTIONS.md):
  --seed N  --eval-interval D  --metric-delay D  --allocation D  --host-start D
  --cooldown-mode last-action|per-rule  --profile-jump-waits-for-cooldown
  --cpu-share R  --idle-cpu PCT  --before-workers N  --before-instances N  --before-timeout D
  --before-drops-abandoned  --lead-in D  --tail D  --target-p99 D  --price-per-instance-hour USD
  --locked-not-active     locked (in-flight) messages do not count in the queue length
  --ep-allocation D  --ep-interval D  --ep-scale-in-after D  --api-target-p99 D
Output:
  --chart FILE            SVG timeline (simulation-out/<env>-timeline.svg)
  --json                  the report as JSON on stdout
  --no-progress           no progress output
Durations: 90s, 15m, 2h, 250ms or ISO-8601 (PT5M).`;

const surgeSchema = z.strictObject({
  multiplier: z.number().nonnegative(),
  start: z.string(),
  timeZone: z.string(),
  rampS: z.number().nonnegative(),
  holdS: z.number().nonnegative(),
});

/** A profile file: any part of the workload, plus optional model overrides under `model`. */
const profileFileSchema = z.strictObject({
  baselinePerSecond: z.number().nonnegative().optional(),
  surge: surgeSchema.partial().optional(),
  processing: z.strictObject({ medianMs: z.number().positive(), p99Ms: z.number().positive() }).partial().optional(),
  transientFailureRate: z.number().min(0).max(1).optional(),
  poisonRate: z.number().min(0).max(1).optional(),
  arrivals: z.enum(['poisson', 'even']).optional(),
  model: z.record(z.string(), z.unknown()).optional(),
});

export interface SimulateArgs {
  readonly env: string;
  readonly workload: WorkloadProfile;
  readonly model: ModelParameters;
  readonly chart: string;
  readonly json: boolean;
  readonly progress: boolean;
  readonly instanceHourUsd?: number;
  /** A name from HOSTING_VARIANTS, or undefined for the environment as configured. */
  readonly variant?: string;
  readonly help: boolean;
}

export function parseSimulateArgs(argv: string[], cwd = process.cwd()): SimulateArgs {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      env: { type: 'string' },
      profile: { type: 'string' },
      baseline: { type: 'string' },
      multiplier: { type: 'string' },
      'surge-start': { type: 'string' },
      'time-zone': { type: 'string' },
      ramp: { type: 'string' },
      hold: { type: 'string' },
      median: { type: 'string' },
      p99: { type: 'string' },
      transient: { type: 'string' },
      poison: { type: 'string' },
      arrivals: { type: 'string' },
      seed: { type: 'string' },
      'eval-interval': { type: 'string' },
      'metric-delay': { type: 'string' },
      allocation: { type: 'string' },
      'host-start': { type: 'string' },
      'cooldown-mode': { type: 'string' },
      'profile-jump-waits-for-cooldown': { type: 'boolean' },
      'cpu-share': { type: 'string' },
      'idle-cpu': { type: 'string' },
      'before-workers': { type: 'string' },
      'before-instances': { type: 'string' },
      'before-timeout': { type: 'string' },
      'before-drops-abandoned': { type: 'boolean' },
      'lead-in': { type: 'string' },
      tail: { type: 'string' },
      'target-p99': { type: 'string' },
      'price-per-instance-hour': { type: 'string' },
      variant: { type: 'string' },
      'locked-not-active': { type: 'boolean' },
      'ep-allocation': { type: 'string' },
      'ep-interval': { type: 'string' },
      'ep-scale-in-after': { type: 'string' },
      'api-target-p99': { type: 'string' },
      chart: { type: 'string' },
      json: { type: 'boolean' },
      'no-progress': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });

  let workload: WorkloadProfile = DEFAULT_WORKLOAD;
  let model: ModelParameters = DEFAULT_MODEL;
  if (values.profile) {
    const file = path.resolve(cwd, values.profile);
    let parsed: unknown;
    try {
      parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (error) {
      throw new Error(`--profile ${values.profile}: cannot read JSON (${(error as Error).message})`, { cause: error });
    }
    const result = profileFileSchema.safeParse(parsed);
    if (!result.success) {
      const issues = result.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('; ');
      throw new Error(`--profile ${values.profile}: ${issues}`);
    }
    const { model: modelOverrides, ...workloadOverrides } = result.data;
    workload = mergeDeep(workload, workloadOverrides);
    if (modelOverrides) {
      const unknown = unknownKeys(DEFAULT_MODEL, modelOverrides, 'model');
      if (unknown.length > 0)
        throw new Error(`--profile ${values.profile}: unknown model parameter(s) ${unknown.join(', ')} (see ASSUMPTIONS.md)`);
      model = mergeDeep(model, modelOverrides);
    }
  }

  const num = (flag: string, text: string | undefined, check: (n: number) => boolean = (n) => n >= 0): number | undefined => {
    if (text === undefined) return undefined;
    const n = Number(text);
    if (!Number.isFinite(n) || !check(n)) throw new Error(`--${flag}: '${text}' is not a valid number here`);
    return n;
  };
  const int = (flag: string, text: string | undefined) => num(flag, text, (n) => Number.isInteger(n) && n >= 1);
  const share = (flag: string, text: string | undefined) => num(flag, text, (n) => n >= 0 && n <= 1);
  const dur = (flag: string, text: string | undefined) => (text === undefined ? undefined : parseDuration(text, `--${flag}`));
  const ms = (flag: string, text: string | undefined) => {
    const s = dur(flag, text);
    return s === undefined ? undefined : s * 1000;
  };
  const oneOf = <T extends string>(flag: string, text: string | undefined, allowed: readonly T[]): T | undefined => {
    if (text === undefined) return undefined;
    if (!allowed.includes(text as T)) throw new Error(`--${flag}: '${text}' is not one of ${allowed.join(', ')}`);
    return text as T;
  };

  workload = mergeDeep(workload, {
    baselinePerSecond: num('baseline', values.baseline),
    surge: {
      multiplier: num('multiplier', values.multiplier),
      start: values['surge-start'],
      timeZone: values['time-zone'],
      rampS: dur('ramp', values.ramp),
      holdS: dur('hold', values.hold),
    },
    processing: { medianMs: ms('median', values.median), p99Ms: ms('p99', values.p99) },
    transientFailureRate: share('transient', values.transient),
    poisonRate: share('poison', values.poison),
    arrivals: oneOf('arrivals', values.arrivals, ['poisson', 'even'] as const),
  });
  model = mergeDeep(model, {
    seed: num('seed', values.seed, Number.isInteger),
    autoscale: {
      evaluationIntervalS: dur('eval-interval', values['eval-interval']),
      metricDelayS: dur('metric-delay', values['metric-delay']),
      cooldownMode: oneOf('cooldown-mode', values['cooldown-mode'], ['last-action', 'per-rule'] as const),
      profileLimitsWaitForCooldown: values['profile-jump-waits-for-cooldown'],
    },
    instances: { allocationS: dur('allocation', values.allocation), hostStartS: dur('host-start', values['host-start']) },
    consumer: {
      cpuSharePerInvocation: num('cpu-share', values['cpu-share'], (n) => n > 0 && n <= 1),
      idleCpuPercent: num('idle-cpu', values['idle-cpu']),
      lockedMessagesAreActive: values['locked-not-active'] ? false : undefined,
    },
    elasticPremium: {
      allocationS: dur('ep-allocation', values['ep-allocation']),
      controllerIntervalS: dur('ep-interval', values['ep-interval']),
      scaleInAfterS: dur('ep-scale-in-after', values['ep-scale-in-after']),
    },
    before: {
      workersPerInstance: int('before-workers', values['before-workers']),
      instances: int('before-instances', values['before-instances']),
      timeoutS: dur('before-timeout', values['before-timeout']),
      processesAbandonedRequests: values['before-drops-abandoned'] ? false : undefined,
    },
    report: {
      targetP99S: dur('target-p99', values['target-p99']),
      apiTargetP99S: dur('api-target-p99', values['api-target-p99']),
      leadInS: dur('lead-in', values['lead-in']),
      tailS: dur('tail', values.tail),
    },
  });

  const env = values.env ?? 'prod';
  if (!Number.isInteger(model.autoscale.evaluationIntervalS) || model.autoscale.evaluationIntervalS < 1) {
    throw new Error('--eval-interval: expected whole seconds, at least 1s');
  }
  if (!Number.isInteger(model.elasticPremium.controllerIntervalS) || model.elasticPremium.controllerIntervalS < 1) {
    throw new Error('--ep-interval: expected whole seconds, at least 1s');
  }
  if (values.variant !== undefined) hostingVariant(values.variant);
  return {
    env,
    workload,
    model,
    chart: path.resolve(
      cwd,
      values.chart ?? path.join('simulation-out', `${env}${values.variant ? `-${values.variant}` : ''}-timeline.svg`),
    ),
    json: values.json ?? false,
    progress: !values['no-progress'],
    instanceHourUsd: num('price-per-instance-hour', values['price-per-instance-hour'], (n) => n > 0),
    variant: values.variant,
    help: values.help ?? false,
  };
}

export interface CliIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly cwd: string;
  readonly projectRoot: string;
}

/** Runs the command; returns the exit code. */
export async function runSimulateCli(argv: string[], io: CliIo): Promise<number> {
  let args: SimulateArgs;
  try {
    args = parseSimulateArgs(argv, io.cwd);
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }

  // Stage weights for one progress bar: the queue side is most of the work.
  const weights = { synth: 10, orders: 10, after: 45, api: 5, before: 10, figures: 15, chart: 5 };
  const progress = startProgress({ label: 'simulate', total: 100, stream: io.stderr, silent: !args.progress });
  const base = { synth: 0, orders: 10, after: 20, api: 65, before: 70, figures: 80, chart: 95 };
  const stage = (name: keyof typeof weights, done: number, total: number, detail: string) =>
    progress.update(base[name] + (weights[name] * done) / Math.max(1, total), detail);

  try {
    stage('synth', 0, 1, `synthesizing orders-${args.env}${args.variant ? ` (variant ${args.variant})` : ''}`);
    const variant = args.variant ? hostingVariant(args.variant) : undefined;
    const stack = loadStackModel(args.env, io.projectRoot, variant ? (env) => withHosting(env, variant) : undefined);
    stage('synth', 1, 1, 'stack read');
    const result = runSimulation({
      stack,
      workload: args.workload,
      model: args.model,
      instanceHourUsd: args.instanceHourUsd,
      onProgress: (name, done, total) =>
        stage(
          name,
          done,
          total,
          name === 'after' ? `queue side, ${Math.round(done / 60)}/${Math.round(total / 60)} simulated minutes` : name,
        ),
    });
    const report = buildReport(stack, args.workload, args.model, result, args.variant);
    stage('chart', 0, 1, 'drawing the timeline');
    const chartPath = await writeTimelineChart(report, args.chart);
    stage('chart', 1, 1, 'done');
    progress.stop();
    if (args.json) {
      io.stdout.write(`${JSON.stringify({ ...report, chart: chartPath }, jsonNumbers, 2)}\n`);
    } else {
      const shown = path.relative(io.cwd, chartPath);
      io.stdout.write(`${formatReport(report)}\n\nTimeline chart: ${shown.startsWith('..') ? chartPath : shown}\n`);
    }
    return 0;
  } catch (error) {
    progress.stop();
    io.stderr.write(`simulate: ${(error as Error).message}\n`);
    return 1;
  }
}

/** Paths in `overrides` that the defaults do not have (a typo would otherwise be ignored). */
function unknownKeys(defaults: object, overrides: Record<string, unknown>, prefix: string): string[] {
  return Object.entries(overrides).flatMap(([key, value]) => {
    if (!(key in defaults)) return [`${prefix}.${key}`];
    const inner = (defaults as Record<string, unknown>)[key];
    return inner !== null && typeof inner === 'object' && value !== null && typeof value === 'object'
      ? unknownKeys(inner, value as Record<string, unknown>, `${prefix}.${key}`)
      : [];
  });
}

/** JSON has no Infinity or NaN: write them as null. */
function jsonNumbers(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}
