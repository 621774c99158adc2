import { defaultAlertThresholds } from './sections/alerts';
import { cpuRules, defaultApps } from './sections/apps';
import { defaultMonitoring } from './sections/monitoring';
import { defaultQueue } from './sections/queue';
import { defaultSaleWindows } from './sections/sale-windows';
import { defaultServiceBus } from './sections/service-bus';
import { defaultStorage } from './sections/storage';
import type { EnvironmentConfig } from './types';

/**
 * Every environment of the order pipeline. Adding an environment is adding one entry here: main.ts
 * synthesizes one stack, `orders-<name>`, per entry. `npx cdktf deploy orders-<name>` deploys it.
 *
 * Each entry is `baseEnvironment` plus what it states. The base is the secure default: each section's
 * default (lib/config/sections/<section>.ts, next to its type and rules) is what prod runs, zone-redundant
 * and protected from destroy. So prod states only its name, its network and its sale windows, and dev
 * states where it is cheaper. README, "Environments and configuration", tabulates both in full.
 */

const oncall = [{ name: 'orders-oncall', email: 'orders-oncall@example.com' }];

/** The tags every resource carries (lib/config/sections/identity.ts requires these keys). */
const tagsOf = (environment: string) => ({ workload: 'orders', environment, 'managed-by': 'cdktf' });

/**
 * What every environment starts from. The name, the tags and the network have no default: an entry
 * must state them (a private network's address plan is the environment's own).
 */
export const baseEnvironment = {
  location: 'westeurope',
  namePrefix: 'orders',
  serviceBus: defaultServiceBus,
  queue: defaultQueue,
  apps: defaultApps,
  saleWindows: defaultSaleWindows,
  storage: defaultStorage,
  monitoring: defaultMonitoring,
  alerts: { receivers: oncall, ...defaultAlertThresholds },
  protectFromDestroy: true,
} satisfies Omit<EnvironmentConfig, 'name' | 'tags' | 'network'>;

/** dev: cheap and disposable. One zone, the smaller tiers, public endpoints, and a destroy that removes everything. */
export const dev: EnvironmentConfig = {
  ...baseEnvironment,
  name: 'dev',
  tags: tagsOf('dev'),
  serviceBus: { sku: 'Standard' },
  // Standard's largest queue.
  queue: { ...baseEnvironment.queue, maxSizeInMegabytes: 5120 },
  apps: {
    orderApi: {
      kind: 'dedicated',
      sku: 'P0v3',
      zoneBalancing: false,
      initialWorkers: 1,
      instances: { minimum: 1, default: 1, maximum: 3 },
      autoscale: { ...cpuRules },
    },
    orderProcessor: {
      kind: 'dedicated',
      sku: 'P0v3',
      zoneBalancing: false,
      initialWorkers: 1,
      instances: { minimum: 1, default: 1, maximum: 3 },
      autoscale: { ...cpuRules, backlog: { scaleOutPerInstance: 500, scaleInPerInstance: 50, scaleOutStep: 1 } },
    },
  },
  // Public endpoints guarded by Entra ID roles: cheap, reachable from a laptop (Standard Service Bus has no private endpoints).
  network: { kind: 'public' },
  storage: { replication: 'ZRS', softDeleteDays: 7 },
  monitoring: { logRetentionDays: 30, dailyQuotaGb: 1 },
  alerts: { ...baseEnvironment.alerts, backlogThreshold: 1000 },
  protectFromDestroy: false,
};

/** prod: the base as it stands (Premium namespace, zone-redundant apps and data, destroy-protected), in a private network. */
export const prod: EnvironmentConfig = {
  ...baseEnvironment,
  name: 'prod',
  tags: tagsOf('prod'),
  // The windows stay, at the everyday counts: target-based scaling meets the targets without a
  // raised floor, and a raise is one number here (the schedule and the profiles are in place).
  saleWindows: [
    {
      name: 'black-friday-2026',
      start: '2026-11-27T04:00:00',
      end: '2026-11-28T02:00:00',
      timeZone: 'W. Europe Standard Time',
      minimumInstances: { orderApi: 2, orderProcessor: 2 },
    },
    {
      name: 'cyber-monday-2026',
      start: '2026-11-30T04:00:00',
      end: '2026-12-01T02:00:00',
      timeZone: 'W. Europe Standard Time',
      minimumInstances: { orderApi: 2, orderProcessor: 2 },
    },
  ],
  // The namespace and the order data off the internet; the order API's inbound stays public. Integration
  // subnets are /24 (251 usable addresses: up to 125 instances, twice over during scale operations), so
  // any hosting validation allows (up to Elastic Premium's burst of 100) fits without resizing a
  // delegated subnet, which Azure refuses while it is in use.
  network: {
    kind: 'private',
    addressSpace: '10.60.0.0/22',
    subnets: {
      orderApi: { name: 'snet-order-api', cidr: '10.60.0.0/24' },
      orderProcessor: { name: 'snet-order-processor', cidr: '10.60.1.0/24' },
      privateEndpoints: { name: 'snet-private-endpoints', cidr: '10.60.2.0/27' },
    },
  },
};

export const environments: readonly EnvironmentConfig[] = [dev, prod];

export const STACK_PREFIX = 'orders-';

export function stackName(env: Pick<EnvironmentConfig, 'name'>): string {
  return `${STACK_PREFIX}${env.name}`;
}
