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
import { APPS } from '../../functions/apps';
import { planSku, type PlanSkuFacts } from '../../lib/config/plan-skus';
import { APP_CONSTRUCT_IDS } from '../../lib/orders-stack';

/**
 * What the simulation takes from an environment: read from its SYNTHESIZED stack (the Terraform JSON
 * that `cdktf deploy` would apply) and from the host.json inside the function package it would upload,
 * never from a hand copy of the configuration.
 */
export interface StackModel {
  readonly environment: string;
  readonly plan: { readonly sku: string; readonly facts: PlanSkuFacts; readonly initialWorkers: number };
  /** The plan's autoscale setting, every profile. */
  readonly autoscale: AutoscaleSetting;
  readonly queue: { readonly name: string; readonly lockDurationS: number; readonly maxDeliveryCount: number };
  readonly serviceBus: { readonly sku: string; readonly messagingUnits: number | undefined };
  /** `extensions.serviceBus.maxConcurrentCalls` of the bundled host.json (or the extension's default, 16 x vCPUs). */
  readonly maxConcurrentCalls: number;
  readonly maxConcurrentCallsSource: string;
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
export function synthesizeEnvironment(environmentName: string, projectRoot: string): SynthesizedEnvironment {
  const environment = environments.find((e) => e.name === environmentName);
  if (!environment) {
    throw new Error(`--env: unknown environment '${environmentName}'; expected one of ${environments.map((e) => e.name).join(', ')}`);
  }
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

export function loadStackModel(environmentName: string, projectRoot: string): StackModel {
  const synthesized = synthesizeEnvironment(environmentName, projectRoot);
  return readStackModel(environmentName, synthesized.terraform, synthesized.hostJson, `host.json in ${path.basename(synthesized.bundle.zipPath)} (${synthesized.bundle.sha256.slice(0, 12)})`);
}

/** Reads the model's inputs from a stack's Terraform JSON and the package's host.json. */
export function readStackModel(environmentName: string, terraform: Json, hostJson: Json, hostJsonSource = 'host.json'): StackModel {
  const resources = (terraform.resource ?? {}) as Record<string, Record<string, Json>>;
  // The queue side is the order processor's plan; the API's plan answers HTTP and is not modelled here.
  const [planKey, plan] = at(resources, 'azurerm_service_plan', `${APP_CONSTRUCT_IDS.orderProcessor}/plan`);
  const [queueKey, queue] = only(resources, 'azurerm_servicebus_queue');
  const [namespaceKey, namespace] = only(resources, 'azurerm_servicebus_namespace');

  const planRef = `\${azurerm_service_plan.${planKey}.id}`;
  const settings = Object.entries(resources.azurerm_monitor_autoscale_setting ?? {}).filter(([, s]) => s.target_resource_id === planRef);
  if (settings.length !== 1) throw new Error(`expected one autoscale setting targeting ${planRef}, found ${settings.length}`);
  const [settingKey, setting] = settings[0];

  const refs = {
    plan: planRef,
    namespace: `\${azurerm_servicebus_namespace.${namespaceKey}.id}`,
    queueName: `\${azurerm_servicebus_queue.${queueKey}.name}`,
    queueLiteral: String(queue.name),
  };
  const profiles = asArray(setting.profile).map((p, i) => readProfile(p, `azurerm_monitor_autoscale_setting.${settingKey}.profile[${i}]`, refs));

  const sku = String(plan.sku_name);
  const facts = planSku(sku);
  const mcc = hostJson?.extensions?.serviceBus?.maxConcurrentCalls;
  // [D] Service Bus extension 5.x: MaxConcurrentCalls defaults to 16 x processor count (ServiceBusOptions.cs).
  const maxConcurrentCalls = typeof mcc === 'number' && mcc > 0 ? mcc : 16 * facts.vcpu;

  const premium = namespace.sku === 'Premium';
  return {
    environment: environmentName,
    plan: { sku, facts, initialWorkers: Number(plan.worker_count ?? 1) },
    autoscale: { profiles },
    queue: {
      name: String(queue.name),
      lockDurationS: isoSeconds(queue.lock_duration ?? 'PT1M', `azurerm_servicebus_queue.${queueKey}.lock_duration`),
      // [D] MaxDeliveryCount defaults to 10 (service-bus-dead-letter-queues.md).
      maxDeliveryCount: Number(queue.max_delivery_count ?? 10),
    },
    serviceBus: { sku: String(namespace.sku), messagingUnits: premium ? Number(namespace.capacity ?? 1) : undefined },
    maxConcurrentCalls,
    maxConcurrentCallsSource: typeof mcc === 'number' ? `extensions.serviceBus.maxConcurrentCalls of ${hostJsonSource}` : `default 16 x ${facts.vcpu} vCPU (not set in ${hostJsonSource})`,
  };
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
    timeAggregation: oneOf<TimeAggregation>(m.time_aggregation, ['Average', 'Minimum', 'Maximum', 'Total', 'Count', 'Last'], `${where}.metric_trigger.time_aggregation`),
    operator: oneOf<ComparisonOperator>(m.operator, ['GreaterThan', 'GreaterThanOrEqual', 'LessThan', 'LessThanOrEqual', 'Equals', 'NotEquals'], `${where}.metric_trigger.operator`),
    threshold: Number(m.threshold),
    divideByInstanceCount: m.divide_by_instance_count === true,
  };
  const action = {
    direction: oneOf<'Increase' | 'Decrease'>(a.direction, ['Increase', 'Decrease'], `${where}.scale_action.direction`),
    type: oneOf<ScaleActionType>(a.type, ['ChangeCount', 'PercentChangeCount', 'ExactCount', 'ServiceAllowedNextValue'], `${where}.scale_action.type`),
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
  throw new Error(`${where}: metric ${name} of ${String(resource)} is not simulated (only the queue's ActiveMessages and the plan's CpuPercentage)`);
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
