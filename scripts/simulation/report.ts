import type { ModelParameters } from './assumptions';
import { zoneClock } from './clock';
import { formatSeconds } from './durations';
import { PRICE_UNCERTAINTY, pricesFor, type CostEstimate, type UnitPrice } from './pricing';
import type { ScaleDecision } from './autoscale-engine';
import type { SimulationResult, TimelineMinute } from './simulation';
import { describeHosting, type AppModel, type StackModel } from './stack-model';
import type { WorkloadProfile } from './workload';

/**
 * The report: a JSON document (`--json`) and a plain before/after table with the scale actions, the
 * unit prices (with date and source) and the notes a reader needs to judge the figures.
 */

export interface SimulationReport {
  readonly environment: string;
  /** The hosting variant (scripts/simulation/variants.ts) synthesized instead of the environment's apps; null: as configured. */
  readonly variant: string | null;
  readonly timeZone: string;
  readonly span: { readonly start: string; readonly end: string; readonly minutes: number };
  readonly surge: { readonly rampUpStart: string; readonly peakFrom: string; readonly peakUntil: string; readonly rampDownEnd: string };
  readonly saleWindow: { readonly profile: string; readonly start: string; readonly end: string; readonly minimum: number } | null;
  readonly stack: {
    readonly planSku: string;
    readonly vcpu: number;
    readonly profiles: ReadonlyArray<{
      readonly name: string;
      readonly minimum: number;
      readonly default: number;
      readonly maximum: number;
      readonly window: string | null;
      readonly rules: readonly string[];
    }>;
    readonly queue: StackModel['queue'];
    readonly serviceBus: StackModel['serviceBus'];
    readonly maxConcurrentCalls: number;
    readonly maxConcurrentCallsSource: string;
    /** Each app's hosting as synthesized. */
    readonly apps: Readonly<Record<'orderApi' | 'orderProcessor', AppReport>>;
  };
  readonly workload: WorkloadProfile & { readonly meanProcessingMs: number; readonly peakPerSecond: number };
  readonly model: ModelParameters;
  readonly after: Omit<SimulationResult['after'], 'scaleEvents' | 'peakBacklog' | 'backlogClearedAtMs'> & {
    readonly peakBacklog: { readonly messages: number; readonly at: string };
    readonly backlogClearedAt: string | null;
    readonly scaleEvents: readonly ScaleEventReport[];
  };
  readonly api: Omit<SimulationResult['api'], 'scaleEvents'> & { readonly scaleEvents: readonly ScaleEventReport[] };
  readonly before: SimulationResult['before'];
  readonly prices: ReadonlyArray<{ readonly name: string } & UnitPrice>;
  readonly priceUncertainty: number;
  readonly notes: readonly string[];
  readonly timeline: readonly TimelineMinute[];
}

export interface ScaleEventReport {
  readonly at: string;
  readonly from: number;
  readonly to: number;
  readonly reason: string;
  readonly profile: string;
  readonly rule?: string;
  readonly flapping?: string;
}

export interface AppReport {
  readonly kind: AppModel['kind'];
  readonly planSku: string;
  readonly vcpu: number;
  readonly zoneBalancing: boolean;
  readonly hosting: string;
  /** Elastic Premium only. */
  readonly alwaysReady?: number;
  readonly maximumBurst?: number;
  readonly appScaleLimit?: number;
  readonly prewarmed?: number;
  readonly alwaysReadyWindows?: ReadonlyArray<{
    readonly name: string;
    readonly start: string;
    readonly end: string;
    readonly alwaysReady: number;
  }>;
}

function appReport(app: AppModel, at: (ms: number) => string): AppReport {
  const base = {
    kind: app.kind,
    planSku: app.plan.sku,
    vcpu: app.plan.facts.vcpu,
    zoneBalancing: app.plan.zoneBalancing,
    hosting: describeHosting(app),
  };
  if (app.kind === 'dedicated') return base;
  return {
    ...base,
    alwaysReady: app.alwaysReady,
    maximumBurst: app.maximumBurst,
    appScaleLimit: app.appScaleLimit,
    prewarmed: app.prewarmed,
    alwaysReadyWindows: (app.schedule?.windows ?? []).map((w) => ({
      name: w.name,
      start: at(Date.parse(w.start)),
      end: at(Date.parse(w.end)),
      alwaysReady: w.alwaysReady,
    })),
  };
}

export function buildReport(
  stack: StackModel,
  workload: WorkloadProfile,
  model: ModelParameters,
  result: SimulationResult,
  variant?: string,
): SimulationReport {
  const clock = zoneClock(workload.surge.timeZone);
  const at = (ms: number) => clock.format(ms);
  const sale = result.saleWindow;
  const processor = stack.apps.orderProcessor;
  const events = (decisions: readonly ScaleDecision[]) =>
    decisions.map((d) => ({
      at: at(result.span.startMs + d.timeS * 1000),
      from: d.from,
      to: d.to,
      reason: d.reason,
      profile: d.profile,
      ...(d.rule ? { rule: d.rule } : {}),
      ...(d.flapping ? { flapping: d.flapping } : {}),
    }));
  return {
    environment: stack.environment,
    variant: variant ?? null,
    timeZone: `${clock.windowsName} (${clock.iana})`,
    span: { start: at(result.span.startMs), end: at(result.span.endMs), minutes: result.span.seconds / 60 },
    surge: {
      rampUpStart: at(result.surge.rampUpStartMs),
      peakFrom: at(result.surge.holdStartMs),
      peakUntil: at(result.surge.holdEndMs),
      rampDownEnd: at(result.surge.rampDownEndMs),
    },
    saleWindow: sale ? { profile: sale.name, start: at(sale.startMs), end: at(sale.endMs), minimum: sale.minimum } : null,
    stack: {
      planSku: processor.plan.sku,
      vcpu: processor.plan.facts.vcpu,
      profiles: (processor.kind === 'dedicated' ? processor.autoscale.profiles : []).map((p) => ({
        name: p.name,
        minimum: p.minimum,
        default: p.default,
        maximum: p.maximum,
        window: p.fixedDate ? `${at(p.fixedDate.startMs)} to ${at(p.fixedDate.endMs)}` : null,
        rules: p.rules.map((r) => r.name),
      })),
      queue: stack.queue,
      serviceBus: stack.serviceBus,
      maxConcurrentCalls: stack.maxConcurrentCalls,
      maxConcurrentCallsSource: stack.maxConcurrentCallsSource,
      apps: { orderApi: appReport(stack.apps.orderApi, at), orderProcessor: appReport(processor, at) },
    },
    workload: {
      ...workload,
      meanProcessingMs: result.meanProcessingS * 1000,
      peakPerSecond: workload.baselinePerSecond * workload.surge.multiplier,
    },
    model,
    after: {
      ...withoutKey(result.after, 'backlogClearedAtMs'),
      peakBacklog: { messages: result.after.peakBacklog.messages, at: at(result.after.peakBacklog.atMs) },
      backlogClearedAt: result.after.backlogClearedAtMs === undefined ? null : at(result.after.backlogClearedAtMs),
      scaleEvents: events(result.after.scaleEvents),
    },
    api: { ...result.api, scaleEvents: events(result.api.scaleEvents) },
    before: result.before,
    prices: pricesFor(
      [processor.plan.sku, stack.apps.orderApi.plan.sku],
      stack.serviceBus.sku,
      Object.values(stack.apps).some((a) => a.kind === 'elasticPremium' && a.schedule),
    ).map(({ name, price }) => ({ name, ...price })),
    priceUncertainty: PRICE_UNCERTAINTY,
    notes: notesFor(stack, workload, result),
    timeline: result.timeline,
  };
}

function withoutKey<T extends object, K extends keyof T>(value: T, key: K): Omit<T, K> {
  const { [key]: _omitted, ...rest } = value;
  return rest;
}

function notesFor(stack: StackModel, workload: WorkloadProfile, result: SimulationResult): string[] {
  const notes: string[] = [];
  const peak = workload.baselinePerSecond * workload.surge.multiplier;
  if (!result.saleWindow) notes.push('The surge starts outside every sale window: the everyday limits apply.');
  const afterCapacity = result.after.throughputPerInstance * result.after.instances.max;
  notes.push(
    `Capacity: one instance processes ~${result.after.throughputPerInstance.toFixed(0)} orders/s (${result.after.slotsPerInstance} concurrent calls / ${(result.meanProcessingS * 1000).toFixed(0)} ms mean); ` +
      `the queue side peaked at ${result.after.instances.max} instances (~${afterCapacity.toFixed(0)}/s), the synchronous side has ${result.before.capacityPerSecond.toFixed(0)}/s, against a peak of ${peak}/s.`,
  );
  if (result.after.scaleEvents.every((e) => e.reason !== 'scale-out')) {
    notes.push(
      stack.apps.orderProcessor.kind === 'dedicated'
        ? 'No scale-out rule fired: the backlog never exceeded the per-instance threshold.'
        : 'The scale controller never wanted more than the always-ready instances.',
    );
  }
  if (result.after.unfinished > 0)
    notes.push(
      `${result.after.unfinished} orders were still queued or in flight at the end; their age at the end counts as their latency (a lower bound).`,
    );
  if (result.after.drainS === undefined) notes.push('The backlog did not drain within the span: raise --tail.');
  if (stack.serviceBus.sku === 'Standard' && result.after.operations.peakPerSecond > 1000) {
    notes.push(
      `Service Bus operations peaked at ${result.after.operations.peakPerSecond}/s, above Standard's 1,000 credits/s [D]: throttling (not simulated) would slow the queue side.`,
    );
  }
  if (stack.serviceBus.sku === 'Premium') {
    notes.push(
      `Service Bus operations peaked at ${result.after.operations.peakPerSecond}/s on ${stack.serviceBus.messagingUnits} MU; no official messages/s per MU exists (one unverified figure is ~4,400/s per MU [C]); the model assumes the namespace is never the bottleneck.`,
    );
  }
  if (result.after.cost.totalUsd === undefined)
    notes.push(
      `No sourced price for a plan SKU (${stack.apps.orderProcessor.plan.sku}, ${stack.apps.orderApi.plan.sku}): pass --price-per-instance-hour.`,
    );
  const api = result.api;
  notes.push(
    `Order API: ${api.cpuMsPerRequest.toFixed(1)} ms of CPU per request on ${api.hosting}; its own plan peaked at ${(api.peakUtilisation * 100).toFixed(0)}% CPU (p99 ${formatSeconds(api.latency.p99WithFailures)}). ` +
      `On the processor's instances, as before the split, it would have peaked at ${(api.shared.peakUtilisation * 100).toFixed(0)}% (p99 ${formatSeconds(api.shared.latency.p99WithFailures)}${api.shared.timedOut > 0 ? `, ${int(api.shared.timedOut)} timeouts` : ''}).`,
  );
  return notes;
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const pct = (n: number) => `${(n * 100).toFixed(n > 0 && n < 0.001 ? 3 : 2)}%`;
const usd = (c: CostEstimate) => (c.totalUsd === undefined ? 'n/a' : `$${c.totalUsd.toFixed(2)}`);
const latency = (l: { p50: number; p95: number; p99: number }) =>
  `${formatSeconds(l.p50)} / ${formatSeconds(l.p95)} / ${formatSeconds(l.p99)}`;

/** The before/after table and what goes with it, as plain text. */
export function formatReport(report: SimulationReport): string {
  const { after, before } = report;
  const sale = report.saleWindow;
  const afterShape = `${after.hosting}${sale ? ` (sale min ${sale.minimum})` : ''}, ${after.slotsPerInstance} calls/instance`;
  const beforeShape = `${report.stack.planSku}, ${before.instances} fixed, ${before.workersPerInstance} workers/instance`;
  const threshold = `${int(after.drainThreshold)} waiting`;
  const drain =
    after.drainS === undefined
      ? `not within the span (> ${formatSeconds(report.model.report.tailS)})`
      : after.drainS > 0
        ? `${formatSeconds(after.drainS)} (to <= ${threshold}, at ${after.backlogClearedAt?.slice(11)})`
        : after.backlogClearedAt
          ? `0 s (cleared to <= ${threshold} at ${after.backlogClearedAt.slice(11)}, before the surge ended)`
          : `0 s (never more than ${threshold})`;
  const target = (t: { p99S: number; met: boolean }) => (t.met ? 'met' : 'MISSED');

  const rows: Array<[string, string, string]> = [
    ['', 'before: synchronous API', `after: queue + ${after.kind === 'elasticPremium' ? 'Elastic Premium scale controller' : 'autoscale'}`],
    ['shape', beforeShape, afterShape],
    ['orders offered', int(before.orders), int(after.orders)],
    ['succeeded / processed', int(before.succeeded), int(after.processed)],
    ['failed: timeout (> ' + formatSeconds(report.model.before.timeoutS) + ')', int(before.timedOut), '-'],
    ['failed: transient error (5xx)', int(before.failedTransient), '0 (Service Bus redelivers)'],
    ['valid orders dead-lettered', '-', int(after.deadLetteredValid)],
    ['failed share of valid orders', pct(before.failedShare), pct(after.failedShare)],
    ['poison: rejected (4xx) / dead-lettered', int(before.rejected), int(after.deadLettered - after.deadLetteredValid)],
    ['latency p50 / p95 / p99', latency(before.latency), latency(after.latency)],
    ['latency max', formatSeconds(before.latency.max), formatSeconds(after.latency.max)],
    [`target p99 <= ${formatSeconds(report.model.report.targetP99S)}`, target(before.target), target(after.target)],
    ['peak backlog (ActiveMessages)', '-', `${int(after.peakBacklog.messages)} at ${after.peakBacklog.at.slice(11)}`],
    ['time to drain after the surge', '-', drain],
    [
      'instances (min-max)',
      `${before.instances}`,
      `${after.instances.min}-${after.instances.max} (${after.scaleEvents.length} scale actions)`,
    ],
    ['instance-minutes', int(before.instanceMinutes), int(after.instanceMinutes)],
    [
      `estimated cost (USD, ±${Math.round(report.priceUncertainty * 100)}%)`,
      usd(before.cost),
      `${usd(after.cost)} (${after.cost.lines.map((l) => `${l.item.replace(/^App Service /, 'plan ')} ${l.usd === undefined ? 'n/a' : '$' + l.usd.toFixed(2)}`).join(' + ')})`,
    ],
  ];
  const api = report.api;
  const apiRows: Array<[string, string, string]> = [
    ['', 'own plan (since the split)', "counterfactual: on the processor's instances"],
    ['shape', api.hosting, `${report.stack.planSku} instances, minus the vCPUs the deliveries use`],
    ['latency p50 / p95 / p99', latency(api.latency), latency(api.shared.latency)],
    ['worst minute p99', formatSeconds(api.worstMinuteP99S), formatSeconds(api.shared.worstMinuteP99S)],
    ['timed out (> ' + formatSeconds(report.model.before.timeoutS) + ')', int(api.timedOut), int(api.shared.timedOut)],
    [
      'peak CPU (per-minute demand / ready vCPUs)',
      `${(api.peakUtilisation * 100).toFixed(0)}%`,
      `${(api.shared.peakUtilisation * 100).toFixed(0)}%`,
    ],
    [`target p99 <= ${formatSeconds(api.target.p99S)}`, target(api.target), target(api.shared.target)],
    ['instances (min-max)', `${api.instances.min}-${api.instances.max} (${api.scaleEvents.length} scale actions)`, '-'],
    ['cost (USD, in the total above)', usd(api.cost), '-'],
  ];
  const widths = [0, 1, 2].map((c) => Math.max(...[...rows, ...apiRows].map((r) => r[c].length)));
  const line = (r: [string, string, string]) => `${r[0].padEnd(widths[0])}  ${r[1].padEnd(widths[1])}  ${r[2]}`.trimEnd();
  const separator = `${'-'.repeat(widths[0])}  ${'-'.repeat(widths[1])}  ${'-'.repeat(widths[2])}`;

  const out: string[] = [];
  out.push(
    `Surge simulation: orders-${report.environment}${report.variant ? ` with hosting variant ${report.variant}` : ''} (synthesized stack), times in ${report.timeZone}`,
  );
  out.push(`Span ${report.span.start} to ${report.span.end} (${report.span.minutes} min).`);
  out.push(
    `Workload: ${report.workload.baselinePerSecond}/s baseline, ${report.workload.peakPerSecond}/s from ${report.surge.peakFrom.slice(11)} to ${report.surge.peakUntil.slice(11)} ` +
      `(ramps ${formatSeconds(report.workload.surge.rampS)} from ${report.surge.rampUpStart.slice(11)}, down by ${report.surge.rampDownEnd.slice(11)}); processing median ${report.workload.processing.medianMs} ms, ` +
      `p99 ${report.workload.processing.p99Ms} ms; ${pct(report.workload.transientFailureRate)} transient, ${pct(report.workload.poisonRate)} poison; seed ${report.model.seed}.`,
  );
  out.push(
    sale
      ? `Sale window: profile ${sale.profile}, minimum ${sale.minimum}, ${sale.start} to ${sale.end}.`
      : 'Sale window: none covers the surge.',
  );
  out.push('');
  out.push(line(rows[0]));
  out.push(separator);
  for (const r of rows.slice(1)) out.push(line(r));
  out.push('');
  out.push(`Order API (POST /api/orders, ${api.cpuMsPerRequest.toFixed(1)} ms CPU each):`);
  out.push(line(apiRows[0]));
  out.push(separator);
  for (const r of apiRows.slice(1)) out.push(line(r));
  const scaleActions = (title: string, list: readonly ScaleEventReport[]) => {
    out.push('');
    out.push(title);
    if (list.length === 0) out.push('  none');
    const shown = list.length > 24 ? [...list.slice(0, 12), undefined, ...list.slice(-12)] : list;
    for (const e of shown) {
      if (!e) out.push(`  ... ${list.length - 24} more ...`);
      else
        out.push(
          `  ${e.at}  ${e.from} -> ${e.to}  ${e.reason}${e.rule ? ` (${e.rule})` : ''} [${e.profile}]${e.flapping ? `; ${e.flapping}` : ''}`,
        );
    }
  };
  scaleActions('Scale actions (after, order processor):', after.scaleEvents);
  scaleActions('Scale actions (order API):', api.scaleEvents);
  out.push('');
  out.push(`Unit prices (USD, each ±${Math.round(report.priceUncertainty * 100)}%; not from an official price page):`);
  for (const p of report.prices) out.push(`  ${p.name}: $${p.usd} per ${p.unit} [${p.tag}], ${p.date}, ${p.source}`);
  out.push('');
  out.push('Notes:');
  for (const n of report.notes) out.push(`  - ${n}`);
  return out.join('\n');
}
