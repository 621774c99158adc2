import { Token } from 'cdktf';
import { findIana } from 'windows-iana';
import { QUEUE_NAME_PATTERN } from '../../functions/app-settings';
import { networkSecurityGroupName, resourceNames } from '../naming';
import { durationSeconds, isCanonicalDuration } from './durations';
import { isAutoscaleTimeZone, parseWallClock, wallClockToInstant, windowsNamesFor } from './time-zones';
import { APP_ROLES, type AppRole } from '../../functions/apps';
import { PLAN_SKUS as SKU_FACTS, skusOf } from './plan-skus';
import { addressCount, cidrProblem, contains, overlaps, parseCidr, type Cidr } from './cidr';
import { PRIVATE_ENDPOINTS } from './private-link';
import type { AppHosting, DedicatedHosting, ElasticPremiumHosting, EnvironmentConfig, InboundAllow, NetworkConfig, ServiceBusSku, StorageReplication } from './types';

/**
 * Validation of one environment's configuration, run when its stack is built. Each rule checks one
 * thing and names the environment, the field, the bad value and what is allowed (the error style of
 * Azure Verified Modules). All problems are collected and reported in one error, so a fix-and-rerun
 * loop needs one synth, not one per mistake.
 */

export const SERVICE_BUS_SKUS: readonly ServiceBusSku[] = ['Standard', 'Premium'];
/** Dedicated (Premium v3) and Elastic Premium SKUs, as azurerm spells them (lib/config/plan-skus.ts). */
export const DEDICATED_SKUS = skusOf('dedicated');
export const ELASTIC_PREMIUM_SKUS = skusOf('elasticPremium');
export const HOSTING_KINDS = ['dedicated', 'elasticPremium'] as const;
export const STORAGE_REPLICATIONS: readonly StorageReplication[] = ['LRS', 'ZRS', 'GRS', 'GZRS', 'RAGRS', 'RAGZRS'];
/** Premium namespaces scale in these steps (azurerm: servicebus_namespace capacity). */
export const MESSAGING_UNITS = [1, 2, 4, 8, 16] as const;
/** azurerm servicebus_queue max_size_in_megabytes; Standard allows up to 5120. */
export const QUEUE_SIZES_MB = [1024, 2048, 3072, 4096, 5120, 10240, 20480, 40960, 81920] as const;
/** azurerm monitor_metric_alert window_size values usable for "backlog above X for N minutes". */
export const ALERT_WINDOWS = ['PT5M', 'PT15M', 'PT30M', 'PT1H', 'PT6H', 'PT12H', 'P1D'] as const;
/** Application Insights retention values; the workspace keeps the same, so logs and telemetry age alike. */
export const RETENTION_DAYS = [30, 60, 90, 120, 180, 270, 365, 550, 730] as const;
/** Tag keys every resource carries (the policy's required-tags rule checks each resource; validation checks the config). */
export const REQUIRED_TAG_KEYS = ['workload', 'environment', 'managed-by'] as const;
/** Premium v3 plans scale to 30 instances. */
export const MAX_PLAN_INSTANCES = SKU_FACTS.P1v3.maxInstances;
/** Elastic Premium on Linux bursts to 100 instances in the largest regions (20 in many others). */
export const MAX_ELASTIC_BURST = SKU_FACTS.EP1.maxInstances;
/** Always-ready instances of one Elastic Premium app. */
export const MAX_ALWAYS_READY = 20;
/** Prewarmed instances of one Elastic Premium app. */
export const MAX_PREWARMED = 10;
/** Autoscale allows 20 profiles: the default one plus one per sale window. */
export const MAX_SALE_WINDOWS = 19;
export const NETWORK_KINDS = ['public', 'private'] as const;
/** Azure keeps the first four addresses and the last one of every subnet. */
export const AZURE_RESERVED_ADDRESSES = 5;
/** Regional VNet integration needs an unused subnet of /28 or larger. */
export const MIN_INTEGRATION_SUBNET_PREFIX = 28;
/** App Service access restrictions allow 512 rules per site. */
export const MAX_ACCESS_RULES = 512;
/** The `X-Azure-FDID` header condition of one access rule takes at most 8 Front Door ids. */
export const MAX_FRONT_DOOR_IDS = 8;

export interface ConfigProblem {
  readonly field: string;
  readonly value: unknown;
  readonly allowed: string;
}

export class ConfigError extends Error {
  constructor(
    readonly environment: string,
    readonly problems: readonly ConfigProblem[],
  ) {
    super(
      `Invalid configuration for environment '${environment}' (lib/config/environments.ts):\n` +
        problems.map((p) => `  - ${environment}: ${p.field} = ${JSON.stringify(p.value)} is not allowed: ${p.allowed}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/** Collects problems; each check is skipped for values that are still unresolved Terraform tokens. */
class Checks {
  readonly problems: ConfigProblem[] = [];

  fail(field: string, value: unknown, allowed: string): void {
    this.problems.push({ field, value, allowed });
  }

  check(ok: boolean, field: string, value: unknown, allowed: string): void {
    if (typeof value === 'string' && Token.isUnresolved(value)) return;
    if (!ok) this.fail(field, value, allowed);
  }

  oneOf<T>(field: string, value: T, allowed: readonly T[]): void {
    this.check(allowed.includes(value), field, value, `expected one of ${allowed.join(', ')}`);
  }

  integer(field: string, value: number, min: number, max: number): void {
    this.check(Number.isInteger(value) && value >= min && value <= max, field, value, `expected a whole number from ${min} to ${max}`);
  }

  positive(field: string, value: number): void {
    this.check(Number.isFinite(value) && value > 0, field, value, 'expected a number greater than 0');
  }

  matches(field: string, value: string, pattern: RegExp, rule: string): void {
    this.check(typeof value === 'string' && pattern.test(value), field, value, rule);
  }

  /** A canonical ISO-8601 duration within [min, max] (given as canonical durations too). */
  duration(field: string, value: string, min: string, max: string): void {
    const seconds = durationSeconds(value);
    if (seconds === undefined) {
      this.check(false, field, value, `expected an ISO-8601 duration of days/hours/minutes/seconds (e.g. PT5M) from ${min} to ${max}`);
    } else if (!isCanonicalDuration(value)) {
      this.check(false, field, value, `expected the canonical form Azure returns (e.g. PT1M, not PT60S; P1D, not PT24H) from ${min} to ${max}`);
    } else {
      this.check(seconds >= durationSeconds(min)! && seconds <= durationSeconds(max)!, field, value, `expected a duration from ${min} to ${max}`);
    }
  }
}

/** Shortest queue lock the consumer's timing allows (see checkQueue). */
export const MIN_LOCK_DURATION = 'PT1M';

export function validateEnvironment(env: EnvironmentConfig): void {
  const c = new Checks();
  checkIdentity(c, env);
  checkServiceBus(c, env);
  checkQueue(c, env);
  checkApps(c, env);
  checkSaleWindows(c, env);
  checkNetwork(c, env);
  checkStorageMonitoringAlerts(c, env);
  if (c.problems.length === 0) checkDerivedNames(c, env);
  if (c.problems.length > 0) throw new ConfigError(`orders-${env.name}`, c.problems);
}

function checkIdentity(c: Checks, env: EnvironmentConfig): void {
  c.matches('name', env.name, /^[a-z][a-z0-9]{1,9}$/, 'expected 2-10 lower-case letters and digits, starting with a letter');
  c.matches('namePrefix', env.namePrefix, /^[a-z][a-z0-9]{1,11}$/, 'expected 2-12 lower-case letters and digits, starting with a letter (it is part of storage account names)');
  c.matches('location', env.location, /^[a-z][a-z0-9]+$/, 'expected an Azure region name such as westeurope (lower-case, no spaces)');
  const tagKeys = Object.keys(env.tags);
  c.check(tagKeys.length <= 50, 'tags', tagKeys.length, 'expected at most 50 tags (Azure limit)');
  for (const key of REQUIRED_TAG_KEYS) c.check(key in env.tags, `tags.${key}`, env.tags[key], `expected a value: every resource carries the tags ${REQUIRED_TAG_KEYS.join(', ')}`);
  for (const [key, value] of Object.entries(env.tags)) {
    c.matches(`tags.${key}`, key, /^[a-z0-9][a-z0-9._-]{0,127}$/, 'expected a lower-case key (metric alerts read tag keys back lower-cased, so capitals diff forever) of letters, digits, ".", "_" or "-"');
    c.check(typeof value === 'string' && value.length <= 256 && !/[<>%&\\?/]/.test(value), `tags.${key}`, value, 'expected a value of at most 256 characters without < > % & \\ ? /');
  }
  if (env.deployerObjectId !== undefined) {
    c.matches('deployerObjectId', env.deployerObjectId, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'expected an Entra ID object id (a lower-case GUID)');
  }
}

function checkServiceBus(c: Checks, env: EnvironmentConfig): void {
  const sb = env.serviceBus;
  c.oneOf('serviceBus.sku', sb.sku, SERVICE_BUS_SKUS);
  if (sb.sku === 'Premium') {
    if (!sb.messagingUnits) {
      c.fail('serviceBus.messagingUnits', sb.messagingUnits, 'required with sku Premium: { minimum, maximum, scaleOutCpuPercent, scaleInCpuPercent }');
      return;
    }
    const mu = sb.messagingUnits;
    c.oneOf('serviceBus.messagingUnits.minimum', mu.minimum, MESSAGING_UNITS);
    c.oneOf('serviceBus.messagingUnits.maximum', mu.maximum, MESSAGING_UNITS);
    c.check(mu.minimum <= mu.maximum, 'serviceBus.messagingUnits.minimum', mu.minimum, `expected at most messagingUnits.maximum (${mu.maximum})`);
    c.integer('serviceBus.messagingUnits.scaleOutCpuPercent', mu.scaleOutCpuPercent, 1, 100);
    c.integer('serviceBus.messagingUnits.scaleInCpuPercent', mu.scaleInCpuPercent, 1, 100);
    c.check(mu.scaleInCpuPercent < mu.scaleOutCpuPercent, 'serviceBus.messagingUnits.scaleInCpuPercent', mu.scaleInCpuPercent, `expected less than scaleOutCpuPercent (${mu.scaleOutCpuPercent}), or the namespace flaps`);
  } else if (sb.messagingUnits) {
    c.fail('serviceBus.messagingUnits', sb.messagingUnits, 'only a Premium namespace has messaging units; remove it or use sku Premium');
  }
}

function checkQueue(c: Checks, env: EnvironmentConfig): void {
  const q = env.queue;
  c.matches('queue.name', q.name, QUEUE_NAME_PATTERN, 'expected 2-260 letters, digits, ".", "-", "_", "~" or "/", starting and ending with a letter or digit');
  // At least 1 minute: the consumer's retry budget (30 s) must fit twice and its claim lease (45 s)
  // once, so a message is never redelivered while its first delivery may still run (functions tests
  // check the constants against this minimum).
  c.duration('queue.lockDuration', q.lockDuration, MIN_LOCK_DURATION, 'PT5M');
  c.integer('queue.maxDeliveryCount', q.maxDeliveryCount, 1, 100);
  c.duration('queue.defaultMessageTtl', q.defaultMessageTtl, 'PT5M', 'P365D');
  c.duration('queue.duplicateDetectionWindow', q.duplicateDetectionWindow, 'PT20S', 'P7D');
  const sizes = env.serviceBus.sku === 'Standard' ? QUEUE_SIZES_MB.filter((s) => s <= 5120) : QUEUE_SIZES_MB;
  c.oneOf(`queue.maxSizeInMegabytes (${env.serviceBus.sku})`, q.maxSizeInMegabytes, sizes);
}

function checkApps(c: Checks, env: EnvironmentConfig): void {
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
    c.check(hosting.initialWorkers >= 2, `${f}.initialWorkers`, hosting.initialWorkers, 'expected at least 2 with zoneBalancing (3 for one per zone), or Azure rejects the plan');
  }
  c.integer(`${f}.instances.minimum`, instances.minimum, 1, MAX_PLAN_INSTANCES);
  c.integer(`${f}.instances.default`, instances.default, 1, MAX_PLAN_INSTANCES);
  c.integer(`${f}.instances.maximum`, instances.maximum, 1, MAX_PLAN_INSTANCES);
  c.check(instances.minimum <= instances.default, `${f}.instances.minimum`, instances.minimum, `expected at most instances.default (${instances.default})`);
  c.check(instances.default <= instances.maximum, `${f}.instances.default`, instances.default, `expected at most instances.maximum (${instances.maximum})`);
  if (hosting.zoneBalancing) {
    c.check(instances.minimum >= hosting.initialWorkers, `${f}.instances.minimum`, instances.minimum, `expected at least initialWorkers (${hosting.initialWorkers}) with zoneBalancing, or scale-in breaks zone redundancy`);
  }
  checkAutoscaleRules(c, `${f}.autoscale`, role, hosting);
}

function checkElasticPremium(c: Checks, f: string, hosting: ElasticPremiumHosting): void {
  c.oneOf(`${f}.sku`, hosting.sku, ELASTIC_PREMIUM_SKUS);
  c.integer(`${f}.alwaysReady`, hosting.alwaysReady, 1, MAX_ALWAYS_READY);
  c.integer(`${f}.maximumBurst`, hosting.maximumBurst, 1, MAX_ELASTIC_BURST);
  c.check(hosting.maximumBurst >= hosting.alwaysReady, `${f}.maximumBurst`, hosting.maximumBurst, `expected at least alwaysReady (${hosting.alwaysReady})`);
  c.integer(`${f}.appScaleLimit`, hosting.appScaleLimit, 1, MAX_ELASTIC_BURST);
  c.check(hosting.appScaleLimit <= hosting.maximumBurst, `${f}.appScaleLimit`, hosting.appScaleLimit, `expected at most maximumBurst (${hosting.maximumBurst}): the plan cannot give the app more`);
  c.check(hosting.appScaleLimit >= hosting.alwaysReady, `${f}.appScaleLimit`, hosting.appScaleLimit, `expected at least alwaysReady (${hosting.alwaysReady})`);
  c.integer(`${f}.prewarmed`, hosting.prewarmed, 1, MAX_PREWARMED);
  if (hosting.zoneBalancing) {
    // A zone-redundant Elastic Premium app needs two always-ready instances, one per zone at least.
    c.check(hosting.alwaysReady >= 2, `${f}.alwaysReady`, hosting.alwaysReady, 'expected at least 2 with zoneBalancing: a zone-redundant Elastic Premium app needs one always-ready instance per zone, at least two (3: one in each)');
  }
}

function checkAutoscaleRules(c: Checks, f: string, role: AppRole, hosting: DedicatedHosting): void {
  const a = hosting.autoscale;
  if (role === 'orderProcessor' && !a.backlog) {
    c.fail(`${f}.backlog`, a.backlog, 'required for the order processor on a Dedicated plan: { scaleOutPerInstance, scaleInPerInstance, scaleOutStep } (CPU alone misses an I/O-bound backlog)');
  }
  if (role === 'orderApi' && a.backlog) {
    c.fail(`${f}.backlog`, a.backlog, 'only the order processor scales on queue depth: the API does not drain the queue, so its instances would not lower it; remove it');
  }
  if (a.backlog) {
    const b = a.backlog;
    c.positive(`${f}.backlog.scaleOutPerInstance`, b.scaleOutPerInstance);
    c.positive(`${f}.backlog.scaleInPerInstance`, b.scaleInPerInstance);
    c.check(b.scaleInPerInstance < b.scaleOutPerInstance, `${f}.backlog.scaleInPerInstance`, b.scaleInPerInstance, `expected less than scaleOutPerInstance (${b.scaleOutPerInstance}), or the plan flaps`);
    c.integer(`${f}.backlog.scaleOutStep`, b.scaleOutStep, 1, 10);
  }
  c.integer(`${f}.scaleOutCpuPercent`, a.scaleOutCpuPercent, 1, 100);
  c.integer(`${f}.scaleInCpuPercent`, a.scaleInCpuPercent, 1, 100);
  c.check(a.scaleInCpuPercent < a.scaleOutCpuPercent, `${f}.scaleInCpuPercent`, a.scaleInCpuPercent, `expected less than scaleOutCpuPercent (${a.scaleOutCpuPercent}), or the plan flaps`);
  c.duration(`${f}.scaleOutWindow`, a.scaleOutWindow, 'PT5M', 'PT12H');
  c.duration(`${f}.scaleInWindow`, a.scaleInWindow, 'PT5M', 'PT12H');
  c.duration(`${f}.scaleOutCooldown`, a.scaleOutCooldown, 'PT1M', 'P7D');
  c.duration(`${f}.scaleInCooldown`, a.scaleInCooldown, 'PT1M', 'P7D');
  const outWindow = durationSeconds(a.scaleOutWindow) ?? 0;
  const inWindow = durationSeconds(a.scaleInWindow) ?? 0;
  c.check(inWindow > outWindow, `${f}.scaleInWindow`, a.scaleInWindow, `expected longer than scaleOutWindow (${a.scaleOutWindow}), so scale-in waits longer than scale-out and the plan never flaps`);
}

function checkSaleWindows(c: Checks, env: EnvironmentConfig): void {
  const windows = env.saleWindows;
  c.check(windows.length <= MAX_SALE_WINDOWS, 'saleWindows', `${windows.length} windows`, `expected at most ${MAX_SALE_WINDOWS} (autoscale allows 20 profiles including the default one); remove past windows`);
  const spans: Array<{ name: string; start: number; end: number }> = [];
  windows.forEach((w, i) => {
    const f = `saleWindows[${i}]`;
    c.matches(`${f}.name`, w.name, /^[a-zA-Z0-9][a-zA-Z0-9 ._-]{0,62}$/, 'expected 1-63 letters, digits, spaces, ".", "_" or "-"');
    c.check(windows.findIndex((o) => o.name === w.name) === i, `${f}.name`, w.name, 'expected a name unique among the sale windows');
    const startOk = parseWallClock(w.start) !== undefined;
    const endOk = parseWallClock(w.end) !== undefined;
    const wallClockRule = `expected a wall-clock time in timeZone as YYYY-MM-DDTHH:mm:ss, without "Z" or an offset`;
    c.check(startOk, `${f}.start`, w.start, wallClockRule);
    c.check(endOk, `${f}.end`, w.end, wallClockRule);
    const zoneOk = isAutoscaleTimeZone(w.timeZone) && (findIana(w.timeZone)?.length ?? 0) > 0;
    if (!zoneOk) {
      const suggestions = windowsNamesFor(w.timeZone);
      const hint = suggestions.length ? ` (for ${w.timeZone} use '${suggestions[0]}')` : ' such as W. Europe Standard Time, Eastern Standard Time or UTC';
      c.fail(`${f}.timeZone`, w.timeZone, `expected a current Windows time zone name that Azure autoscale accepts${hint}; IANA names are rejected`);
    }
    for (const role of APP_ROLES) checkSaleMinimum(c, `${f}.minimumInstances.${role}`, w.minimumInstances?.[role], env.apps[role]);
    if (startOk && endOk && zoneOk) {
      const start = wallClockToInstant(w.start, w.timeZone).getTime();
      const end = wallClockToInstant(w.end, w.timeZone).getTime();
      c.check(start < end, `${f}.end`, w.end, `expected a time after start (${w.start})`);
      c.check(end - start <= 365 * 86_400_000, `${f}.end`, w.end, 'expected at most 365 days after start (autoscale fixed-date limit)');
      spans.push({ name: w.name, start, end });
    }
  });
  // Only one profile applies at a time, so overlapping windows would silently shadow each other.
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].start < sorted[i - 1].end) {
      c.fail(`saleWindows[${sorted[i].name}]`, sorted[i].name, `expected no overlap with sale window '${sorted[i - 1].name}' (only one autoscale profile applies at a time)`);
    }
  }
}

/** A window's minimum must be one the app's hosting can hold: within the plan's range, and never below its everyday floor. */
function checkSaleMinimum(c: Checks, field: string, minimum: number | undefined, hosting: AppHosting): void {
  if (hosting.kind === 'dedicated') {
    c.integer(field, minimum as number, hosting.instances.minimum, hosting.instances.maximum);
  } else {
    // On Elastic Premium the window raises the always-ready count, which Azure caps at 20 per app.
    c.integer(field, minimum as number, hosting.alwaysReady, Math.min(MAX_ALWAYS_READY, hosting.appScaleLimit));
  }
}

/**
 * Instances an app's plan can run at most: a Dedicated plan's autoscale maximum; on Elastic Premium the
 * app's scale limit plus its prewarmed buffer, never more than the plan's burst (the plan holds this
 * one app).
 */
export function maxPlanInstances(hosting: AppHosting): number {
  return hosting.kind === 'dedicated' ? hosting.instances.maximum : Math.min(hosting.maximumBurst, hosting.appScaleLimit + hosting.prewarmed);
}

/** Addresses of a subnet that Azure lets resources use. */
export function usableAddresses(cidr: Cidr): number {
  return addressCount(cidr) - AZURE_RESERVED_ADDRESSES;
}

/**
 * Addresses an integration subnet must offer for a plan of `instances`: one per instance, twice over,
 * because a scale operation (and a platform upgrade) briefly holds old and new addresses together
 * (Microsoft Learn, "Integrate your app with an Azure virtual network", subnet requirements: /28 for 5
 * instances, /27 for 13, /26 for 29).
 */
export function integrationAddressesNeeded(instances: number): number {
  return 2 * instances;
}

/** The smallest subnet (largest prefix) with `needed` usable addresses, at most `/maxPrefix`. */
function smallestPrefixFor(needed: number, maxPrefix: number): number {
  let prefix = maxPrefix;
  while (prefix > 0 && 2 ** (32 - prefix) - AZURE_RESERVED_ADDRESSES < needed) prefix--;
  return prefix;
}

const SUBNET_NAME = /^[a-z0-9](?:[a-z0-9_.-]{0,78}[a-z0-9_])?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SERVICE_TAG = /^[A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z0-9]+)*$/;

function checkNetwork(c: Checks, env: EnvironmentConfig): void {
  const network = env.network as NetworkConfig | undefined;
  c.oneOf('network.kind', network?.kind, NETWORK_KINDS as readonly unknown[]);
  if (network?.kind !== 'private') return;
  // Private endpoints and network rules exist on Premium namespaces only.
  c.check(env.serviceBus.sku === 'Premium', 'serviceBus.sku', env.serviceBus.sku, "expected Premium with network.kind 'private': only a Premium namespace takes private endpoints and can turn public access off");

  const spaceProblem = cidrProblem(network.addressSpace);
  if (spaceProblem) c.fail('network.addressSpace', network.addressSpace, spaceProblem);
  const space = spaceProblem ? undefined : parseCidr(network.addressSpace);

  const subnets: Array<{ key: string; cidr: Cidr }> = [];
  const names = new Map<string, string>();
  for (const [key, subnet] of Object.entries(network.subnets) as Array<[keyof typeof network.subnets, { name: string; cidr: string }]>) {
    const f = `network.subnets.${key}`;
    c.matches(`${f}.name`, subnet.name, SUBNET_NAME, 'expected 1-80 lower-case letters, digits, "_", "." or "-", starting with a letter or digit and ending with one or "_" (Azure stores subnet ids verbatim, so casing must never change)');
    if (names.has(subnet.name)) c.fail(`${f}.name`, subnet.name, `expected a name unique among the subnets (network.subnets.${names.get(subnet.name)} has it)`);
    names.set(subnet.name, key);
    const problem = cidrProblem(subnet.cidr);
    if (problem) {
      c.fail(`${f}.cidr`, subnet.cidr, problem);
      continue;
    }
    const cidr = parseCidr(subnet.cidr);
    if (space && !contains(space, cidr)) c.fail(`${f}.cidr`, subnet.cidr, `expected a range inside network.addressSpace (${network.addressSpace})`);
    for (const other of subnets) {
      if (overlaps(other.cidr, cidr)) c.fail(`${f}.cidr`, subnet.cidr, `expected no overlap with network.subnets.${other.key}.cidr (${other.cidr.text})`);
    }
    subnets.push({ key, cidr });
    if (key === 'privateEndpoints') {
      const needed = PRIVATE_ENDPOINTS.length;
      c.check(usableAddresses(cidr) >= needed, `${f}.cidr`, subnet.cidr, `expected at least ${needed} usable addresses, one per private endpoint (Azure keeps ${AZURE_RESERVED_ADDRESSES} of every subnet): /${smallestPrefixFor(needed, 29)} or larger`);
    } else {
      const instances = maxPlanInstances(env.apps[key]);
      const needed = integrationAddressesNeeded(instances);
      const rule = `one address per instance, doubled while a scale operation or platform upgrade holds old and new ones, plus the ${AZURE_RESERVED_ADDRESSES} Azure keeps`;
      c.check(
        cidr.prefix <= MIN_INTEGRATION_SUBNET_PREFIX && usableAddresses(cidr) >= needed,
        `${f}.cidr`,
        subnet.cidr,
        `expected /${smallestPrefixFor(needed, MIN_INTEGRATION_SUBNET_PREFIX)} or larger: apps.${key} runs up to ${instances} instances and needs ${needed} usable addresses (${rule})`,
      );
    }
  }
  if (network.inboundAllow) checkInboundAllow(c, network.inboundAllow);
}

function checkInboundAllow(c: Checks, allow: InboundAllow): void {
  const f = 'network.inboundAllow';
  const ranges = allow.ipRanges ?? [];
  const tags = allow.serviceTags ?? [];
  c.check(ranges.length + tags.length > 0, f, allow, 'expected at least one of ipRanges or serviceTags (omit inboundAllow to leave the API open; an empty allow list would refuse every caller)');
  ranges.forEach((range, i) => {
    const problem = cidrProblem(range);
    if (problem) c.fail(`${f}.ipRanges[${i}]`, range, `${problem} (App Service refuses a bare address: write /32)`);
  });
  tags.forEach((entry, i) => {
    c.matches(`${f}.serviceTags[${i}].tag`, entry.tag, SERVICE_TAG, 'expected an Azure service tag such as AzureFrontDoor.Backend or ApiManagement');
    const ids = entry.frontDoorIds ?? [];
    if (entry.tag === 'AzureFrontDoor.Backend') {
      c.check(ids.length >= 1, `${f}.serviceTags[${i}].frontDoorIds`, entry.frontDoorIds, 'expected your Front Door id(s): AzureFrontDoor.Backend covers every Front Door in Azure, the X-Azure-FDID header only yours');
    } else if (ids.length > 0) {
      c.fail(`${f}.serviceTags[${i}].frontDoorIds`, entry.frontDoorIds, 'only the AzureFrontDoor.Backend tag takes Front Door ids');
    }
    c.check(ids.length <= MAX_FRONT_DOOR_IDS, `${f}.serviceTags[${i}].frontDoorIds`, ids.length, `expected at most ${MAX_FRONT_DOOR_IDS} Front Door ids per tag (App Service header condition)`);
    ids.forEach((id, j) => c.matches(`${f}.serviceTags[${i}].frontDoorIds[${j}]`, id, UUID, 'expected a Front Door id (a lower-case GUID, the X-Azure-FDID header value)'));
  });
  const rules = ranges.length + tags.length + (allow.availabilityTests === false ? 0 : 1);
  c.check(rules <= MAX_ACCESS_RULES, f, `${rules} rules`, `expected at most ${MAX_ACCESS_RULES} access restriction rules (App Service limit)`);
}

function checkStorageMonitoringAlerts(c: Checks, env: EnvironmentConfig): void {
  c.oneOf('storage.replication', env.storage.replication, STORAGE_REPLICATIONS);
  c.integer('storage.softDeleteDays', env.storage.softDeleteDays, 1, 365);
  c.oneOf('monitoring.logRetentionDays', env.monitoring.logRetentionDays, RETENTION_DAYS as readonly number[]);
  const quota = env.monitoring.dailyQuotaGb;
  c.check(quota === -1 || (Number.isFinite(quota) && quota > 0), 'monitoring.dailyQuotaGb', quota, 'expected -1 (no cap) or a number of GB greater than 0');
  const alerts = env.alerts;
  c.check(alerts.receivers.length >= 1, 'alerts.receivers', alerts.receivers, 'expected at least one receiver: an alert nobody receives protects nobody');
  alerts.receivers.forEach((r, i) => {
    c.matches(`alerts.receivers[${i}].name`, r.name, /^[a-zA-Z0-9][a-zA-Z0-9 ._-]{0,127}$/, 'expected 1-128 letters, digits, spaces, ".", "_" or "-"');
    c.check(alerts.receivers.findIndex((o) => o.name === r.name) === i, `alerts.receivers[${i}].name`, r.name, 'expected a name unique among the receivers');
    c.matches(`alerts.receivers[${i}].email`, r.email, /^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'expected an e-mail address');
  });
  c.positive('alerts.backlogThreshold', alerts.backlogThreshold);
  c.oneOf('alerts.backlogWindow', alerts.backlogWindow, ALERT_WINDOWS as readonly string[]);
  c.positive('alerts.http5xxThreshold', alerts.http5xxThreshold);
}

/** Azure's naming rules for every name the stack derives (checked at apply otherwise, or not at all). */
function checkDerivedNames(c: Checks, env: EnvironmentConfig): void {
  const n = resourceNames(env);
  const derived = '(derived from namePrefix and name: shorten them)';
  c.matches('storage account name', n.dataStorageAccount, /^[a-z0-9]{3,24}$/, `expected 3-24 lower-case letters and digits ${derived}`);
  c.matches('host storage account name', n.hostStorageAccount, /^[a-z0-9]{3,24}$/, `expected 3-24 lower-case letters and digits ${derived}`);
  c.matches('package storage account name', n.packageStorageAccount, /^[a-z0-9]{3,24}$/, `expected 3-24 lower-case letters and digits ${derived}`);
  const namespaceOk = /^[a-zA-Z][a-zA-Z0-9-]{4,48}[a-zA-Z0-9]$/.test(n.serviceBusNamespace) && !/(-sb|-mgmt)$/.test(n.serviceBusNamespace);
  c.check(namespaceOk, 'Service Bus namespace name', n.serviceBusNamespace, `expected 6-50 letters, digits and "-", starting with a letter, not ending in "-", "-sb" or "-mgmt" ${derived}`);
  for (const role of APP_ROLES) {
    const app = n.apps[role];
    // The Functions host derives its host id from the first 32 characters of the app name; two apps that
    // share the host storage account and the same id would take each other's leases and keys.
    c.matches(`${role} function app name`, app.functionApp, /^[a-zA-Z0-9][a-zA-Z0-9-]{0,30}[a-zA-Z0-9]$/, `expected 2-32 letters, digits and "-", not starting or ending with "-" ${derived}`);
    c.matches(`${role} plan name`, app.plan, /^[a-zA-Z0-9_-]{1,60}$/, `expected 1-60 letters, digits, "-" or "_" ${derived}`);
    c.matches(`${role} resource group name`, app.resourceGroup, /^[-\w.()]{1,89}[-\w()]$/, `expected 1-90 letters, digits, "-", "_", ".", "(" or ")", not ending in "." ${derived}`);
    c.matches(`${role} identity name`, app.identity, /^[a-zA-Z0-9][a-zA-Z0-9_-]{2,127}$/, `expected 3-128 letters, digits, "-" or "_" ${derived}`);
    c.matches(`${role} package container name`, app.packageContainer, /^(?!-)(?!.*--)[a-z0-9-]{3,63}(?<!-)$/, 'expected 3-63 lower-case letters, digits and single "-", not at either end');
  }
  const hostIds = APP_ROLES.map((role) => n.apps[role].functionApp.slice(0, 32).toLowerCase());
  c.check(new Set(hostIds).size === hostIds.length, 'function app names', hostIds, 'expected apps whose first 32 characters differ (the Functions host id), as they share one host storage account');
  c.matches('Log Analytics workspace name', n.logAnalytics, /^[a-zA-Z0-9][a-zA-Z0-9-]{2,61}[a-zA-Z0-9]$/, `expected 4-63 letters, digits and "-" ${derived}`);
  c.matches('table name', n.ordersTable, /^[A-Za-z][A-Za-z0-9]{2,62}$/, 'expected 3-63 letters and digits, starting with a letter');
  c.matches('action group short name', n.actionGroupShortName, /^.{1,12}$/, 'expected 1-12 characters');
  if (env.network.kind === 'private') {
    // The network's own name (vnet-<namePrefix>-<name>) always fits Azure's rule: namePrefix and name are short and lower-case.
    for (const [key, subnet] of Object.entries(env.network.subnets)) {
      c.matches(`network security group name of network.subnets.${key}`, networkSecurityGroupName(subnet.name), /^.{1,80}$/, 'expected at most 80 characters: shorten the subnet name (its NSG is named nsg-<subnet name>)');
    }
  }
}
