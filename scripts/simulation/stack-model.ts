import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'cdktf';
import { strFromU8, unzipSync } from 'fflate';
import { buildFunctionBundle, type FunctionBundle } from '../../lib/bundle/function-bundle';
import { environments } from '../../lib/config/environments';
import { wallClockToInstant } from '../../lib/config/time-zones';
import { OrdersStack } from '../../lib/orders-stack';
import {
  defaultProfile,
  ruleName,
  type AutoscaleProfile,
  type AutoscaleSetting,
  type ComparisonOperator,
  type MetricName,
  type ScaleActionType,
  type ScaleRule,
  type Statistic,
  type TimeAggregation,
} from './autoscale-setting';
import { isoSeconds } from './durations';
import { APP_ROLES, APPS, type AppRole } from '../../functions/apps';
import type { ScheduledMinimum } from '../../lib/always-ready-schedule';
import { planSku, type PlanSkuFacts } from '../../lib/config/plan-skus';
import type { EnvironmentConfig } from '../../lib/config/types';
import { APP_CONSTRUCT_IDS } from '../../lib/orders-stack';

/**
 * What the simulation takes from an environment: read from its SYNTHESIZED stack (the Terraform JSON
 * that `cdktf deploy` would apply) and from the host.json inside the function package it would upload,
 * never from a hand copy of the configuration.
 */
export interface StackModel {
  readonly environment: string;
  /** Each app on its own plan, found by construct path (`order-api/...`, `order-processor/...`). */
  readonly apps: Readonly<Record<AppRole, AppModel>>;
  readonly queue: { readonly name: string; readonly lockDurationS: number; readonly maxDeliveryCount: number };
  readonly serviceBus: { readonly sku: string; readonly messagingUnits: number | undefined };
  /** `extensions.serviceBus.maxConcurrentCalls` of the bundled host.json (or the extension's default, 16 x vCPUs). */
  readonly maxConcurrentCalls: number;
  readonly maxConcurrentCallsSource: string;
}

export interface PlanModel {
  readonly sku: string;
  readonly facts: PlanSkuFacts;
  /** `worker_count` at creation: a Dedicated plan's starting size, an Elastic Premium plan's minimum. */
  readonly initialWorkers: number;
  readonly zoneBalancing: boolean;
}

/** A Premium v3 plan scaled by its Azure Monitor autoscale setting (`<app>-autoscale/setting`). */
export interface DedicatedAppModel {
  readonly kind: 'dedicated';
  readonly plan: PlanModel;
  /** Every profile of the plan's autoscale setting. */
  readonly autoscale: AutoscaleSetting;
}

/** An Elastic Premium plan: the Functions scale controller within always-ready .. min(app scale limit, maximum burst). */
export interface ElasticAppModel {
  readonly kind: 'elasticPremium';
  readonly plan: PlanModel;
  /** `site_config.elastic_instance_minimum`: the everyday always-ready count. */
  readonly alwaysReady: number;
  /** The plan's `maximum_elastic_worker_count`. */
  readonly maximumBurst: number;
  /** `site_config.app_scale_limit`. */
  readonly appScaleLimit: number;
  /** `site_config.pre_warmed_instance_count`. */
  readonly prewarmed: number;
  /** The sale-window calendar of `<app>-always-ready/workflow`, as the Logic App applies it; absent without sale windows. */
  readonly schedule: AlwaysReadyCalendar | undefined;
}

export type AppModel = DedicatedAppModel | ElasticAppModel;

/** The always-ready schedule's workflow parameters: what `alwaysReadyAt` computes from. */
export interface AlwaysReadyCalendar {
  readonly everyday: number;
  readonly windows: readonly ScheduledMinimum[];
}

/** A planned surge as one app's hosting applies it: a fixed-date autoscale profile or an always-ready window. */
export interface SaleWindowModel {
  readonly name: string;
  readonly startMs: number;
  readonly endMs: number;
  /** The profile's minimum, or the always-ready count held in the window. */
  readonly minimum: number;
}

/** The sale window of an app that covers `atMs`, if any. */
export function saleWindowAt(app: AppModel, atMs: number): SaleWindowModel | undefined {
  if (app.kind === 'dedicated') {
    const profile = app.autoscale.profiles.find((p) => p.fixedDate && atMs >= p.fixedDate.startMs && atMs < p.fixedDate.endMs);
    return profile?.fixedDate
      ? { name: profile.name, startMs: profile.fixedDate.startMs, endMs: profile.fixedDate.endMs, minimum: profile.minimum }
      : undefined;
  }
  const window = app.schedule?.windows.find((w) => atMs >= Date.parse(w.start) && atMs < Date.parse(w.end));
  return window
    ? {
        name: window.name,
        startMs: Date.parse(window.start),
        endMs: Date.parse(window.end),
        minimum: Math.max(app.schedule!.everyday, window.alwaysReady),
      }
    : undefined;
}

/** The instances an app runs on a quiet day: the default profile's `default`, or the always-ready count. */
export function everydayInstances(app: AppModel): number {
  return app.kind === 'dedicated' ? defaultProfile(app.autoscale).default : app.alwaysReady;
}

/** `EP1, always-ready 2, burst 20, limit 20` / `P1v3, autoscale 3-20`: the shape, for reports. */
export function describeHosting(app: AppModel): string {
  if (app.kind === 'elasticPremium')
    return `${app.plan.sku}, always-ready ${app.alwaysReady}, burst ${app.maximumBurst}, app limit ${app.appScaleLimit}, prewarmed ${app.prewarmed}`;
  const d = defaultProfile(app.autoscale);
  return `${app.plan.sku}, autoscale ${d.minimum}-${d.maximum}`;
}

type Json = Record<string, any>;

export interface SynthesizedEnvironment {
  /** The stack's Terraform JSON (what cdk.tf.json holds). */
  readonly terraform: Json;
  /** The order processor's function package, as the stack uploads it. */
  readonly bundle: FunctionBundle;
  /** host.json as read from that zip. */
  readonly hostJson: Json;
}

/** Synthesizes one environment in-process with the project's own stack code and real bundler. */
export function synthesizeEnvironment(
  environmentName: string,
  projectRoot: string,
  override: (env: EnvironmentConfig) => EnvironmentConfig = (env) => env,
): SynthesizedEnvironment {
  const configured = environments.find((e) => e.name === environmentName);
  if (!configured) {
    throw new Error(`--env: unknown environment '${environmentName}'; expected one of ${environments.map((e) => e.name).join(', ')}`);
  }
  // A hosting variant replaces parts of the configuration BEFORE synthesis: it goes through the same
  // validation and constructs as the real environment.
  const environment = override(configured);
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'orders-simulate-'));
  try {
    let bundle: FunctionBundle | undefined;
    const processorEntry = APPS.orderProcessor.entry;
    const app = new App({ outdir });
    const stack = new OrdersStack(app, {
      environment,
      projectRoot,
      // The stack's own bundler, captured so the simulation reads the very package the stack uploads.
      bundler: (options) => {
        const built = buildFunctionBundle(options);
        if (options.entry === processorEntry) bundle = built;
        return built;
      },
    });
    const terraform = JSON.parse(JSON.stringify(stack.toTerraform())) as Json;
    const built = bundle ?? buildFunctionBundle({ projectRoot, entry: processorEntry });
    return { terraform, bundle: built, hostJson: readHostJson(built.zipPath) };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

export function readHostJson(zipPath: string): Json {
  const files = unzipSync(fs.readFileSync(zipPath), { filter: (file) => file.name === 'host.json' });
  const hostJson = files['host.json'];
  if (!hostJson) throw new Error(`${zipPath}: the function package has no host.json`);
  return JSON.parse(strFromU8(hostJson)) as Json;
}

export function loadStackModel(
  environmentName: string,
  projectRoot: string,
  override?: (env: EnvironmentConfig) => EnvironmentConfig,
): StackModel {
  const synthesized = synthesizeEnvironment(environmentName, projectRoot, override);
  return readStackModel(
    environmentName,
    synthesized.terraform,
    synthesized.hostJson,
    `host.json in ${path.basename(synthesized.bundle.zipPath)} (${synthesized.bundle.sha256.slice(0, 12)})`,
  );
}

/** Reads the model's inputs from a stack's Terraform JSON and the processor package's host.json. */
export function readStackModel(environmentName: string, terraform: Json, hostJson: Json, hostJsonSource = 'host.json'): StackModel {
  const resources = (terraform.resource ?? {}) as Record<string, Record<string, Json>>;
  const [queueKey, queue] = only(resources, 'azurerm_servicebus_queue');
  const [namespaceKey, namespace] = only(resources, 'azurerm_servicebus_namespace');
  const refs = {
    namespace: `\${azurerm_servicebus_namespace.${namespaceKey}.id}`,
    queueName: `\${azurerm_servicebus_queue.${queueKey}.name}`,
    queueLiteral: String(queue.name),
  };
  const apps = Object.fromEntries(APP_ROLES.map((role) => [role, readApp(resources, APP_CONSTRUCT_IDS[role], refs)])) as Record<
    AppRole,
    AppModel
  >;

  const processorVcpu = apps.orderProcessor.plan.facts.vcpu;
  const mcc = hostJson?.extensions?.serviceBus?.maxConcurrentCalls;
  // [D] Service Bus extension 5.x: MaxConcurrentCalls defaults to 16 x processor count (ServiceBusOptions.cs).
  const maxConcurrentCalls = typeof mcc === 'number' && mcc > 0 ? mcc : 16 * processorVcpu;

  const premium = namespace.sku === 'Premium';
  return {
    environment: environmentName,
    apps,
    queue: {
      name: String(queue.name),
      lockDurationS: isoSeconds(queue.lock_duration ?? 'PT1M', `azurerm_servicebus_queue.${queueKey}.lock_duration`),
      // [D] MaxDeliveryCount defaults to 10 (service-bus-dead-letter-queues.md).
      maxDeliveryCount: Number(queue.max_delivery_count ?? 10),
    },
    serviceBus: { sku: String(namespace.sku), messagingUnits: premium ? Number(namespace.capacity ?? 1) : undefined },
    maxConcurrentCalls,
    maxConcurrentCallsSource:
      typeof mcc === 'number'
        ? `extensions.serviceBus.maxConcurrentCalls of ${hostJsonSource}`
        : `default 16 x ${processorVcpu} vCPU (not set in ${hostJsonSource})`,
  };
}

/** One app's plan and scaling, by construct path; the plan's SKU says which kind of scaling applies. */
function readApp(resources: Record<string, Record<string, Json>>, id: string, shared: Omit<References, 'plan'>): AppModel {
  const [planKey, plan] = at(resources, 'azurerm_service_plan', `${id}/plan`);
  const sku = String(plan.sku_name);
  const facts = planSku(sku);
  const planModel: PlanModel = {
    sku,
    facts,
    initialWorkers: Number(plan.worker_count ?? 1),
    zoneBalancing: plan.zone_balancing_enabled === true,
  };
  const planRef = `\${azurerm_service_plan.${planKey}.id}`;

  if (facts.kind === 'dedicated') {
    const [settingKey, setting] = at(resources, 'azurerm_monitor_autoscale_setting', `${id}-autoscale/setting`);
    if (setting.target_resource_id !== planRef)
      throw new Error(`azurerm_monitor_autoscale_setting.${settingKey}: targets ${String(setting.target_resource_id)}, not ${planRef}`);
    const refs = { ...shared, plan: planRef };
    const profiles = asArray(setting.profile).map((p, i) =>
      readProfile(p, `azurerm_monitor_autoscale_setting.${settingKey}.profile[${i}]`, refs),
    );
    return { kind: 'dedicated', plan: planModel, autoscale: { profiles } };
  }

  const [appKey, app] = at(resources, 'azurerm_linux_function_app', `${id}/app`);
  const site = (asArray(app.site_config)[0] ?? {}) as Json;
  const where = `azurerm_linux_function_app.${appKey}.site_config`;
  const alwaysReady = positive(site.elastic_instance_minimum, `${where}.elastic_instance_minimum`);
  const maximumBurst = positive(plan.maximum_elastic_worker_count, `azurerm_service_plan.${planKey}.maximum_elastic_worker_count`);
  // [D] 0 or unset: unrestricted, i.e. the plan's maximum burst (event-driven-scaling.md, "Limit scale-out").
  const limit = Number(site.app_scale_limit ?? 0);
  const workflows = Object.entries(resources.azurerm_logic_app_workflow ?? {}).filter(([, w]) =>
    String(w['//']?.metadata?.path ?? '').endsWith(`${id}-always-ready/workflow`),
  );
  if (workflows.length > 1)
    throw new Error(`expected at most one azurerm_logic_app_workflow at ${id}-always-ready/workflow, found ${workflows.length}`);
  return {
    kind: 'elasticPremium',
    plan: planModel,
    alwaysReady,
    maximumBurst,
    appScaleLimit: limit > 0 ? Math.min(limit, maximumBurst) : maximumBurst,
    prewarmed: Number(site.pre_warmed_instance_count ?? 1),
    schedule:
      workflows.length === 1 ? readCalendar(workflows[0][1], `azurerm_logic_app_workflow.${workflows[0][0]}.parameters`) : undefined,
  };
}

/** The schedule's calendar from its workflow parameters (JSON strings, as the Logic App receives them). */
function readCalendar(workflow: Json, where: string): AlwaysReadyCalendar {
  const parameters = (workflow.parameters ?? {}) as Record<string, unknown>;
  const everyday = positive(Number(parameters.everyday), `${where}.everyday`);
  let windows: unknown;
  try {
    windows = JSON.parse(String(parameters.windows));
  } catch {
    throw new Error(`${where}.windows: not JSON`);
  }
  if (!Array.isArray(windows)) throw new Error(`${where}.windows: expected an array of windows`);
  return {
    everyday,
    windows: windows.map((w: Json, i) => {
      for (const field of ['start', 'end']) {
        if (!Number.isFinite(Date.parse(String(w[field]))))
          throw new Error(`${where}.windows[${i}].${field}: '${String(w[field])}' is not an instant`);
      }
      return {
        name: String(w.name),
        start: String(w.start),
        end: String(w.end),
        alwaysReady: positive(w.alwaysReady, `${where}.windows[${i}].alwaysReady`),
      };
    }),
  };
}

function positive(value: unknown, field: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${field}: '${String(value)}' is not a whole number >= 1`);
  return n;
}

interface References {
  readonly plan: string;
  readonly namespace: string;
  readonly queueName: string;
  readonly queueLiteral: string;
}

function readProfile(p: Json, where: string, refs: References): AutoscaleProfile {
  const capacity = p.capacity ?? {};
  const fixed = p.fixed_date;
  const profile: AutoscaleProfile = {
    name: String(p.name),
    minimum: Number(capacity.minimum),
    default: Number(capacity.default),
    maximum: Number(capacity.maximum),
    rules: asArray(p.rule).map((r, i) => readRule(r, `${where}.rule[${i}]`, refs)),
    ...(fixed
      ? {
          fixedDate: {
            start: String(fixed.start),
            end: String(fixed.end),
            timeZone: String(fixed.timezone ?? 'UTC'),
            // Azure applies `timezone` to the wall-clock digits; the trailing Z carries no meaning (azure-cli#10116).
            startMs: wallClockToInstant(wallClockOf(fixed.start), String(fixed.timezone ?? 'UTC')).getTime(),
            endMs: wallClockToInstant(wallClockOf(fixed.end), String(fixed.timezone ?? 'UTC')).getTime(),
          },
        }
      : {}),
  };
  if (p.recurrence) throw new Error(`${where}: recurring profiles are not simulated`);
  return profile;
}

function readRule(r: Json, where: string, refs: References): ScaleRule {
  const m = r.metric_trigger ?? {};
  const a = r.scale_action ?? {};
  const trigger = {
    metric: metricOf(m, where, refs),
    statistic: oneOf<Statistic>(m.statistic, ['Average', 'Min', 'Max', 'Sum', 'Count'], `${where}.metric_trigger.statistic`),
    timeGrainS: isoSeconds(m.time_grain, `${where}.metric_trigger.time_grain`),
    timeWindowS: isoSeconds(m.time_window, `${where}.metric_trigger.time_window`),
    timeAggregation: oneOf<TimeAggregation>(
      m.time_aggregation,
      ['Average', 'Minimum', 'Maximum', 'Total', 'Count', 'Last'],
      `${where}.metric_trigger.time_aggregation`,
    ),
    operator: oneOf<ComparisonOperator>(
      m.operator,
      ['GreaterThan', 'GreaterThanOrEqual', 'LessThan', 'LessThanOrEqual', 'Equals', 'NotEquals'],
      `${where}.metric_trigger.operator`,
    ),
    threshold: Number(m.threshold),
    divideByInstanceCount: m.divide_by_instance_count === true,
  };
  const action = {
    direction: oneOf<'Increase' | 'Decrease'>(a.direction, ['Increase', 'Decrease'], `${where}.scale_action.direction`),
    type: oneOf<ScaleActionType>(
      a.type,
      ['ChangeCount', 'PercentChangeCount', 'ExactCount', 'ServiceAllowedNextValue'],
      `${where}.scale_action.type`,
    ),
    value: Number(a.value),
    cooldownS: isoSeconds(a.cooldown, `${where}.scale_action.cooldown`),
  };
  return { name: ruleName(trigger, action), trigger, action };
}

/** Maps a rule's metric to one the model produces; anything else is an error naming the rule. */
function metricOf(m: Json, where: string, refs: References): MetricName {
  const name = String(m.metric_name);
  const resource = m.metric_resource_id;
  if (name === 'ActiveMessages' && resource === refs.namespace) {
    const entity = asArray(m.dimensions).find((d) => d.name === 'EntityName');
    const values: unknown[] = entity?.values ?? [];
    if (entity?.operator === 'Equals' && values.some((v) => v === refs.queueName || v === refs.queueLiteral)) return 'ActiveMessages';
    throw new Error(`${where}: ActiveMessages without an EntityName = queue dimension counts the whole namespace; not simulated`);
  }
  if (name === 'CpuPercentage' && resource === refs.plan) return 'CpuPercentage';
  throw new Error(
    `${where}: metric ${name} of ${String(resource)} is not simulated (only the queue's ActiveMessages and the plan's CpuPercentage)`,
  );
}

function wallClockOf(text: unknown): string {
  return String(text).replace(/(\.\d+)?(Z|[+-]00:00)$/, '');
}

function only(resources: Record<string, Record<string, Json>>, type: string): [string, Json] {
  const entries = Object.entries(resources[type] ?? {});
  if (entries.length !== 1) throw new Error(`expected exactly one ${type} in the stack, found ${entries.length}`);
  return entries[0];
}

/** The resource of a type whose construct path ends with `suffix`. */
function at(resources: Record<string, Record<string, Json>>, type: string, suffix: string): [string, Json] {
  const entries = Object.entries(resources[type] ?? {}).filter(([, r]) => String(r['//']?.metadata?.path ?? '').endsWith(suffix));
  if (entries.length !== 1) throw new Error(`expected exactly one ${type} at ${suffix} in the stack, found ${entries.length}`);
  return entries[0];
}

function asArray(value: unknown): Json[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]) as Json[];
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], field: string): T {
  if (allowed.includes(value as T)) return value as T;
  throw new Error(`${field}: '${String(value)}' is not one of ${allowed.join(', ')}`);
}
