import type { AutoscaleRules, EnvironmentConfig } from './types';

/**
 * Every environment of the order pipeline. Adding an environment is adding one entry here: main.ts
 * synthesizes one stack, `orders-<name>`, per entry. `npx cdktf deploy orders-<name>` deploys it.
 */

const oncall = [{ name: 'orders-oncall', email: 'orders-oncall@example.com' }];

/** CPU rules of a Dedicated plan: out by one above 70% over 5 minutes, in by one only below 30% over 15. */
export const cpuRules: AutoscaleRules = {
  scaleOutCpuPercent: 70,
  scaleInCpuPercent: 30,
  scaleOutWindow: 'PT5M',
  scaleInWindow: 'PT15M',
  scaleOutCooldown: 'PT5M',
  scaleInCooldown: 'PT10M',
};

export const dev: EnvironmentConfig = {
  name: 'dev',
  location: 'westeurope',
  namePrefix: 'orders',
  tags: { workload: 'orders', environment: 'dev', 'managed-by': 'cdktf' },
  serviceBus: { sku: 'Standard' },
  queue: {
    name: 'orders',
    lockDuration: 'PT1M',
    maxDeliveryCount: 10,
    defaultMessageTtl: 'P14D',
    duplicateDetectionWindow: 'PT10M',
    maxSizeInMegabytes: 5120,
  },
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
  saleWindows: [],
  // Public endpoints guarded by Entra ID roles: cheap, reachable from a laptop (Standard Service Bus has no private endpoints).
  network: { kind: 'public' },
  storage: { replication: 'ZRS', softDeleteDays: 7 },
  monitoring: { logRetentionDays: 30, dailyQuotaGb: 1 },
  alerts: { receivers: oncall, backlogThreshold: 1000, backlogWindow: 'PT15M', http5xxThreshold: 10 },
  protectFromDestroy: false,
};

export const prod: EnvironmentConfig = {
  name: 'prod',
  location: 'westeurope',
  namePrefix: 'orders',
  tags: { workload: 'orders', environment: 'prod', 'managed-by': 'cdktf' },
  serviceBus: {
    sku: 'Premium',
    messagingUnits: { minimum: 1, maximum: 4, scaleOutCpuPercent: 70, scaleInCpuPercent: 25 },
  },
  queue: {
    name: 'orders',
    lockDuration: 'PT1M',
    maxDeliveryCount: 10,
    defaultMessageTtl: 'P14D',
    duplicateDetectionWindow: 'PT10M',
    maxSizeInMegabytes: 10240,
  },
  // Zone-redundant from the first create, each app at the zone-redundant minimum of two instances.
  // The chosen configuration of the hosting comparison (README, "Choosing the hosting"): the only one
  // that meets p99 <= 2 min in an unannounced 20x surge at no more than the pipeline's Black Friday cost.
  apps: {
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
  },
  // The windows stay, at the everyday counts: target-based scaling meets the targets without a
  // raised floor, and a raise is one number here (the schedule and the profiles are in place).
  saleWindows: [
    { name: 'black-friday-2026', start: '2026-11-27T04:00:00', end: '2026-11-28T02:00:00', timeZone: 'W. Europe Standard Time', minimumInstances: { orderApi: 2, orderProcessor: 2 } },
    { name: 'cyber-monday-2026', start: '2026-11-30T04:00:00', end: '2026-12-01T02:00:00', timeZone: 'W. Europe Standard Time', minimumInstances: { orderApi: 2, orderProcessor: 2 } },
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
  storage: { replication: 'GZRS', softDeleteDays: 14 },
  monitoring: { logRetentionDays: 90, dailyQuotaGb: -1 },
  alerts: { receivers: oncall, backlogThreshold: 5000, backlogWindow: 'PT15M', http5xxThreshold: 10 },
  protectFromDestroy: true,
};

export const environments: readonly EnvironmentConfig[] = [dev, prod];

export const STACK_PREFIX = 'orders-';

export function stackName(env: Pick<EnvironmentConfig, 'name'>): string {
  return `${STACK_PREFIX}${env.name}`;
}
