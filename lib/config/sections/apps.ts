import { APP_ROLES, type AppRole } from '../../../functions/apps';
import type { Checks } from '../checks';
import { durationSeconds } from '../durations';
import { PLAN_SKUS, skusOf, type PlanKind, type PlanSku } from '../plan-skus';
import type { EnvironmentConfig } from '../types';

/**
 * The `apps` section of an environment's configuration: how each app is hosted and scaled (a Dedicated
 * plan with autoscale rules, or Elastic Premium), its types, secure default and rules.
 */

/** The SKUs of one plan kind, from the one table in lib/config/plan-skus.ts. */
type SkuOfKind<Kind extends PlanKind> = { [Sku in PlanSku]: (typeof PLAN_SKUS)[Sku]['kind'] extends Kind ? Sku : never }[PlanSku];

/** Linux Premium v3 plans (Dedicated): zone balancing and rule-based autoscale up to 30 instances. */
export type DedicatedSku = SkuOfKind<'dedicated'>;

/** Linux Elastic Premium plans: EP1 = 1 vCPU / 3.5 GB, EP2 = 2 / 7 GB, EP3 = 4 / 14 GB. */
export type ElasticPremiumSku = SkuOfKind<'elasticPremium'>;

/** Dedicated (Premium v3) and Elastic Premium SKUs, as azurerm spells them (lib/config/plan-skus.ts). */
export const DEDICATED_SKUS = skusOf('dedicated');
export const ELASTIC_PREMIUM_SKUS = skusOf('elasticPremium');
export const HOSTING_KINDS: readonly PlanKind[] = ['dedicated', 'elasticPremium'];
/** Premium v3 plans scale to 30 instances (lib/config/plan-skus.ts). */
export const MAX_PLAN_INSTANCES = Math.max(...DEDICATED_SKUS.map((sku) => PLAN_SKUS[sku].maxInstances));
/** Elastic Premium on Linux bursts to 100 instances in the largest regions (20 in many others). */
export const MAX_ELASTIC_BURST = Math.max(...ELASTIC_PREMIUM_SKUS.map((sku) => PLAN_SKUS[sku].maxInstances));
/** Always-ready instances of one Elastic Premium app. */
export const MAX_ALWAYS_READY = 20;
/** Prewarmed instances of one Elastic Premium app. */
export const MAX_PREWARMED = 10;

export interface InstanceLimits {
  /** Autoscale never goes below this. With zone balancing, at least the plan's starting worker count. */
  readonly minimum: number;
  /** Used when the metrics cannot be read. */
  readonly default: number;
  /** Autoscale never goes above this (Premium v3: 30 per plan). */
  readonly maximum: number;
}

/** Thresholds of the rules that every autoscale profile of a Dedicated plan repeats. */
export interface AutoscaleRules {
  /**
   * Queue-depth rules, for the order processor only (the API has no queue to read): scale out by
   * `scaleOutStep` when active orders per instance exceed `scaleOutPerInstance` (averaged over
   * `scaleOutWindow`); scale in only when they stay below `scaleInPerInstance` for `scaleInWindow`.
   */
  readonly backlog?: {
    readonly scaleOutPerInstance: number;
    readonly scaleInPerInstance: number;
    readonly scaleOutStep: number;
  };
  /** Scale out by one when plan CPU exceeds this percentage. */
  readonly scaleOutCpuPercent: number;
  /** Scale in only when plan CPU stays below this percentage. */
  readonly scaleInCpuPercent: number;
  /** Look-back window of the scale-out rules; PT5M..PT12H. */
  readonly scaleOutWindow: string;
  /** Look-back window of the scale-in rules; longer than scale-out, so the plan never flaps. */
  readonly scaleInWindow: string;
  /** Wait after a scale-out before the next action; PT1M..P7D. */
  readonly scaleOutCooldown: string;
  /** Wait after a scale-in before the next action. */
  readonly scaleInCooldown: string;
}

/**
 * A Linux Premium v3 (Dedicated) plan scaled by Azure Monitor autoscale rules: metrics a few minutes
 * old, one step per cooldown. Sale windows raise the rules' minimum ahead of a known surge.
 */
export interface DedicatedHosting {
  readonly kind: 'dedicated';
  readonly sku: DedicatedSku;
  /** Spread instances across availability zones; needs a zone-capable region and at least 2 (3: one per zone) workers. */
  readonly zoneBalancing: boolean;
  /** Workers when the plan is created; autoscale owns the count afterwards. */
  readonly initialWorkers: number;
  readonly instances: InstanceLimits;
  readonly autoscale: AutoscaleRules;
}

/**
 * A Linux Elastic Premium plan: the Functions scale controller adds instances from the app's own load
 * (for the processor, the queue length divided by `maxConcurrentCalls` of host.json: target-based
 * scaling), every few seconds for HTTP and every 30 s for the queue, with no Monitor autoscale rules.
 */
export interface ElasticPremiumHosting {
  readonly kind: 'elasticPremium';
  readonly sku: ElasticPremiumSku;
  /** Spread instances across availability zones (zone-redundant plan); needs a zone-capable region and `alwaysReady` >= 2 (3: one per zone). */
  readonly zoneBalancing: boolean;
  /**
   * Instances of this app that are always running, billed, and take events first
   * (`elastic_instance_minimum`), 1..20. The plan's own minimum follows it: Azure sets the plan's
   * capacity to the largest always-ready count of its apps. Sale windows raise it.
   */
  readonly alwaysReady: number;
  /** Largest instance count the plan may burst to (`maximum_elastic_worker_count`). */
  readonly maximumBurst: number;
  /** Largest instance count of this app (`app_scale_limit`), at most `maximumBurst`: what the downstream services can take. */
  readonly appScaleLimit: number;
  /** Instances kept warm beyond the running ones, as a buffer for HTTP scale-out (`pre_warmed_instance_count`), 0..10. */
  readonly prewarmed: number;
}

/** How one app is hosted and scaled. */
export type AppHosting = DedicatedHosting | ElasticPremiumHosting;

/** CPU rules of a Dedicated plan: out by one above 70% over 5 minutes, in by one only below 30% over 15. */
export const cpuRules: AutoscaleRules = {
  scaleOutCpuPercent: 70,
  scaleInCpuPercent: 30,
  scaleOutWindow: 'PT5M',
  scaleInWindow: 'PT15M',
  scaleOutCooldown: 'PT5M',
  scaleInCooldown: 'PT10M',
};

/**
 * Zone-redundant from the first create, each app at the zone-redundant minimum of two instances.
 * The chosen configuration of the hosting comparison (README, "Choosing the hosting"): the only one
 * that meets p99 <= 2 min in an unannounced 20x surge at no more than the pipeline's Black Friday cost.
 */
export const defaultApps: Readonly<Record<AppRole, AppHosting>> = {
  // The API is light (about 2 ms of CPU per order): two P0v3 workers, scaled out on CPU.
  orderApi: {
    kind: 'dedicated',
    sku: 'P0v3',
    zoneBalancing: true,
    initialWorkers: 2,
    instances: { minimum: 2, default: 2, maximum: 10 },
    autoscale: { ...cpuRules },
  },
  // The processor scales from the queue's length every 30 s (target-based scaling), not on
  // minutes-old metrics: no surge needs announcing for it to keep up.
  orderProcessor: {
    kind: 'elasticPremium',
    sku: 'EP1',
    zoneBalancing: true,
    alwaysReady: 2,
    maximumBurst: 20,
    appScaleLimit: 20,
    prewarmed: 1,
  },
};

export function checkApps(c: Checks, env: Pick<EnvironmentConfig, 'apps'>): void {
  for (const role of APP_ROLES) {
    const hosting = env.apps[role];
    const f = `apps.${role}`;
    if (hosting.kind === 'dedicated') checkDedicated(c, f, role, hosting);
    else if (hosting.kind === 'elasticPremium') checkElasticPremium(c, f, hosting);
    else c.oneOf(`${f}.kind`, (hosting as AppHosting).kind, HOSTING_KINDS);
  }
}

function checkDedicated(c: Checks, f: string, role: AppRole, hosting: DedicatedHosting): void {
  const { instances } = hosting;
  c.oneOf(`${f}.sku`, hosting.sku, DEDICATED_SKUS);
  c.integer(`${f}.initialWorkers`, hosting.initialWorkers, 1, MAX_PLAN_INSTANCES);
  if (hosting.zoneBalancing) {
    c.check(
      hosting.initialWorkers >= 2,
      `${f}.initialWorkers`,
      hosting.initialWorkers,
      'expected at least 2 with zoneBalancing (3 for one per zone), or Azure rejects the plan',
    );
  }
  c.integer(`${f}.instances.minimum`, instances.minimum, 1, MAX_PLAN_INSTANCES);
  c.integer(`${f}.instances.default`, instances.default, 1, MAX_PLAN_INSTANCES);
  c.integer(`${f}.instances.maximum`, instances.maximum, 1, MAX_PLAN_INSTANCES);
  c.check(
    instances.minimum <= instances.default,
    `${f}.instances.minimum`,
    instances.minimum,
    `expected at most instances.default (${instances.default})`,
  );
  c.check(
    instances.default <= instances.maximum,
    `${f}.instances.default`,
    instances.default,
    `expected at most instances.maximum (${instances.maximum})`,
  );
  if (hosting.zoneBalancing) {
    c.check(
      instances.minimum >= hosting.initialWorkers,
      `${f}.instances.minimum`,
      instances.minimum,
      `expected at least initialWorkers (${hosting.initialWorkers}) with zoneBalancing, or scale-in breaks zone redundancy`,
    );
  }
  checkAutoscaleRules(c, `${f}.autoscale`, role, hosting);
}

function checkElasticPremium(c: Checks, f: string, hosting: ElasticPremiumHosting): void {
  c.oneOf(`${f}.sku`, hosting.sku, ELASTIC_PREMIUM_SKUS);
  c.integer(`${f}.alwaysReady`, hosting.alwaysReady, 1, MAX_ALWAYS_READY);
  c.integer(`${f}.maximumBurst`, hosting.maximumBurst, 1, MAX_ELASTIC_BURST);
  c.check(
    hosting.maximumBurst >= hosting.alwaysReady,
    `${f}.maximumBurst`,
    hosting.maximumBurst,
    `expected at least alwaysReady (${hosting.alwaysReady})`,
  );
  c.integer(`${f}.appScaleLimit`, hosting.appScaleLimit, 1, MAX_ELASTIC_BURST);
  c.check(
    hosting.appScaleLimit <= hosting.maximumBurst,
    `${f}.appScaleLimit`,
    hosting.appScaleLimit,
    `expected at most maximumBurst (${hosting.maximumBurst}): the plan cannot give the app more`,
  );
  c.check(
    hosting.appScaleLimit >= hosting.alwaysReady,
    `${f}.appScaleLimit`,
    hosting.appScaleLimit,
    `expected at least alwaysReady (${hosting.alwaysReady})`,
  );
  c.integer(`${f}.prewarmed`, hosting.prewarmed, 1, MAX_PREWARMED);
  if (hosting.zoneBalancing) {
    // A zone-redundant Elastic Premium app needs two always-ready instances, one per zone at least.
    c.check(
      hosting.alwaysReady >= 2,
      `${f}.alwaysReady`,
      hosting.alwaysReady,
      'expected at least 2 with zoneBalancing: a zone-redundant Elastic Premium app needs one always-ready instance per zone, at least two (3: one in each)',
    );
  }
}

function checkAutoscaleRules(c: Checks, f: string, role: AppRole, hosting: DedicatedHosting): void {
  const a = hosting.autoscale;
  if (role === 'orderProcessor' && !a.backlog) {
    c.fail(
      `${f}.backlog`,
      a.backlog,
      'required for the order processor on a Dedicated plan: { scaleOutPerInstance, scaleInPerInstance, scaleOutStep } (CPU alone misses an I/O-bound backlog)',
    );
  }
  if (role === 'orderApi' && a.backlog) {
    c.fail(
      `${f}.backlog`,
      a.backlog,
      'only the order processor scales on queue depth: the API does not drain the queue, so its instances would not lower it; remove it',
    );
  }
  if (a.backlog) {
    const b = a.backlog;
    c.positive(`${f}.backlog.scaleOutPerInstance`, b.scaleOutPerInstance);
    c.positive(`${f}.backlog.scaleInPerInstance`, b.scaleInPerInstance);
    c.check(
      b.scaleInPerInstance < b.scaleOutPerInstance,
      `${f}.backlog.scaleInPerInstance`,
      b.scaleInPerInstance,
      `expected less than scaleOutPerInstance (${b.scaleOutPerInstance}), or the plan flaps`,
    );
    c.integer(`${f}.backlog.scaleOutStep`, b.scaleOutStep, 1, 10);
  }
  c.integer(`${f}.scaleOutCpuPercent`, a.scaleOutCpuPercent, 1, 100);
  c.integer(`${f}.scaleInCpuPercent`, a.scaleInCpuPercent, 1, 100);
  c.check(
    a.scaleInCpuPercent < a.scaleOutCpuPercent,
    `${f}.scaleInCpuPercent`,
    a.scaleInCpuPercent,
    `expected less than scaleOutCpuPercent (${a.scaleOutCpuPercent}), or the plan flaps`,
  );
  c.duration(`${f}.scaleOutWindow`, a.scaleOutWindow, 'PT5M', 'PT12H');
  c.duration(`${f}.scaleInWindow`, a.scaleInWindow, 'PT5M', 'PT12H');
  c.duration(`${f}.scaleOutCooldown`, a.scaleOutCooldown, 'PT1M', 'P7D');
  c.duration(`${f}.scaleInCooldown`, a.scaleInCooldown, 'PT1M', 'P7D');
  const outWindow = durationSeconds(a.scaleOutWindow) ?? 0;
  const inWindow = durationSeconds(a.scaleInWindow) ?? 0;
  c.check(
    inWindow > outWindow,
    `${f}.scaleInWindow`,
    a.scaleInWindow,
    `expected longer than scaleOutWindow (${a.scaleOutWindow}), so scale-in waits longer than scale-out and the plan never flaps`,
  );
}

/**
 * Instances an app's plan can run at most: a Dedicated plan's autoscale maximum; on Elastic Premium the
 * app's scale limit plus its prewarmed buffer, never more than the plan's burst (the plan holds this
 * one app).
 */
export function maxPlanInstances(hosting: AppHosting): number {
  return hosting.kind === 'dedicated'
    ? hosting.instances.maximum
    : Math.min(hosting.maximumBurst, hosting.appScaleLimit + hosting.prewarmed);
}
