import { alwaysReadyAt, SCHEDULE_INTERVAL_MINUTES } from '../../lib/always-ready-schedule';
import type { ModelParameters } from './assumptions';
import { AutoscaleEngine, type MetricSource, type ScaleDecision } from './autoscale-engine';
import { activeProfile } from './autoscale-setting';
import { ElasticScaleController } from './elastic-scaler';
import type { AppModel, ElasticAppModel } from './stack-model';

/**
 * What scales one app's plan, as the app's side of the simulation sees it: Azure Monitor autoscale on
 * a Dedicated plan (the engine, reading the metric samples), the Functions scale controller on
 * Elastic Premium (reading the count it wants). Both answer, at the end of a second, how many
 * instances to run from then on.
 */
export interface PlanScaler {
  readonly kind: AppModel['kind'];
  /** Instances running (and ready) at second 0. */
  readonly initialInstances: number;
  /** Seconds from a scale-out decision to a new instance serving. */
  readonly startupS: number;
  /** Scale-in drains the instance (Elastic Premium) instead of removing it with its work (App Service). */
  readonly drains: boolean;
  /** The new instance count at the end of second `end`, or undefined when nothing is decided then. */
  after(end: number, running: number, observed: { readonly samples: MetricSource; readonly desired: number }): number | undefined;
  /** Instances billed beyond the running and draining ones: the prewarmed buffer while the app is busy. */
  extraBilled(running: number): number;
  readonly decisions: readonly ScaleDecision[];
  readonly holds: ReadonlyArray<{ readonly timeS: number; readonly reason: string }>;
}

export interface PlanScalerOptions {
  readonly model: ModelParameters;
  /** Epoch ms of second 0. */
  readonly originMs: number;
  /** Queue (target-based) or HTTP scaling on Elastic Premium. */
  readonly trigger: 'queue' | 'http';
  /** Milliseconds this app's package takes to load on a new instance. */
  readonly packageLoadMs: number;
}

export function planScaler(app: AppModel, options: PlanScalerOptions): PlanScaler {
  const { model, originMs } = options;
  const loadS = model.instances.hostStartS + options.packageLoadMs / 1000;
  if (app.kind === 'dedicated') {
    const initialInstances = activeProfile(app.autoscale, originMs).default;
    const engine = new AutoscaleEngine(app.autoscale, model.autoscale, { originMs, initialCapacity: initialInstances });
    return {
      kind: app.kind,
      initialInstances,
      startupS: model.instances.allocationS + loadS,
      drains: false,
      after: (end, _running, observed) => (engine.isRunAt(end) ? engine.evaluate(end, observed.samples).decision?.to : undefined),
      extraBilled: () => 0,
      decisions: engine.decisions,
      holds: engine.holds,
    };
  }
  const floor = (timeS: number) => scheduledAlwaysReady(app, originMs + timeS * 1000);
  const controller = new ElasticScaleController({
    params: model.elasticPremium,
    trigger: options.trigger,
    alwaysReadyAt: floor,
    limit: app.appScaleLimit,
    windowAt: (timeS) => scheduledWindow(app, originMs + timeS * 1000),
  });
  return {
    kind: app.kind,
    initialInstances: Math.min(floor(0), app.appScaleLimit),
    startupS: model.elasticPremium.allocationS + loadS,
    drains: true,
    after: (end, running, observed) => (controller.isLookAt(end) ? controller.look(end, running, observed.desired) : undefined),
    // [D] "No instances are prewarmed or activated beyond the maximum."
    extraBilled: (running) =>
      model.elasticPremium.prewarmedBilled ? Math.max(0, Math.min(app.prewarmed, app.appScaleLimit - running)) : 0,
    decisions: controller.decisions,
    holds: controller.holds,
  };
}

/**
 * The always-ready count in force at an instant: what the schedule set at its last run. [I] The
 * recurrence runs every SCHEDULE_INTERVAL_MINUTES; its phase depends on when it was created, so the
 * model puts the runs on whole multiples of that interval (UTC): a window's count holds from the first
 * run at or after its start, until the first run at or after its end.
 */
export function scheduledAlwaysReady(app: ElasticAppModel, atMs: number): number {
  if (!app.schedule) return app.alwaysReady;
  return alwaysReadyAt(app.schedule.everyday, app.schedule.windows, lastScheduleRun(atMs));
}

function scheduledWindow(app: ElasticAppModel, atMs: number): string {
  const run = lastScheduleRun(atMs);
  return app.schedule?.windows.find((w) => Date.parse(w.start) <= run && run < Date.parse(w.end))?.name ?? 'everyday';
}

function lastScheduleRun(atMs: number): number {
  const interval = SCHEDULE_INTERVAL_MINUTES * 60_000;
  return Math.floor(atMs / interval) * interval;
}
