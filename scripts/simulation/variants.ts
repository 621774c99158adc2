import type { AppRole } from '../../functions/apps';
import { cpuRules } from '../../lib/config/sections/apps';
import type { AppHosting, DedicatedHosting, ElasticPremiumHosting, EnvironmentConfig } from '../../lib/config/types';

/**
 * Hosting configurations to compare (`npm run simulate -- --variant <name>`). A variant replaces the
 * environment's `apps` and each sale window's minimums BEFORE synthesis, so the simulation reads it
 * from a synthesized stack like any environment, after the same validation. Every variant is
 * zone-redundant, as prod must be: Elastic Premium with at least 2 always-ready instances, Dedicated
 * with at least 2 workers.
 */
export interface HostingVariant {
  readonly description: string;
  readonly apps: Readonly<Record<AppRole, AppHosting>>;
  /** Each app's minimum in every sale window (a Dedicated profile's minimum, an Elastic Premium always-ready count). */
  readonly saleMinimums: Readonly<Record<AppRole, number>>;
}

const dedicated = (sku: DedicatedHosting['sku'], minimum: number, maximum: number, backlog: boolean): DedicatedHosting => ({
  kind: 'dedicated',
  sku,
  zoneBalancing: true,
  initialWorkers: minimum,
  instances: { minimum, default: minimum, maximum },
  autoscale: backlog ? { ...cpuRules, backlog: { scaleOutPerInstance: 500, scaleInPerInstance: 50, scaleOutStep: 2 } } : { ...cpuRules },
});

const elastic = (sku: ElasticPremiumHosting['sku'], alwaysReady: number, burst: number): ElasticPremiumHosting => ({
  kind: 'elasticPremium',
  sku,
  zoneBalancing: true,
  alwaysReady,
  maximumBurst: burst,
  appScaleLimit: burst,
  prewarmed: 1,
});

/** The order API's options. */
const API = {
  p1v3: dedicated('P1v3', 3, 20, false),
  p0v3: dedicated('P0v3', 2, 10, false),
  ep1: elastic('EP1', 2, 20),
};

/** The order processor's options. */
const PROCESSOR = {
  p1v3: dedicated('P1v3', 3, 20, true),
  ep1Ar2: elastic('EP1', 2, 20),
  ep1Ar3: elastic('EP1', 3, 30),
};

export const HOSTING_VARIANTS: Readonly<Record<string, HostingVariant>> = {
  'p1v3+p1v3': {
    description: 'as shipped before issue 8: both apps Dedicated P1v3, autoscale 3-20, sale minimums API 3 / processor 6',
    apps: { orderApi: API.p1v3, orderProcessor: PROCESSOR.p1v3 },
    saleMinimums: { orderApi: 3, orderProcessor: 6 },
  },
  'p0v3+p1v3': {
    description: 'API Dedicated P0v3 2-10; processor Dedicated P1v3 3-20, sale minimum 6',
    apps: { orderApi: API.p0v3, orderProcessor: PROCESSOR.p1v3 },
    saleMinimums: { orderApi: 2, orderProcessor: 6 },
  },
  'p1v3+ep1-ar2': {
    description: 'API Dedicated P1v3 3-20; processor Elastic Premium EP1, always-ready 2, burst 20',
    apps: { orderApi: API.p1v3, orderProcessor: PROCESSOR.ep1Ar2 },
    saleMinimums: { orderApi: 3, orderProcessor: 2 },
  },
  'p1v3+ep1-ar3': {
    description: 'API Dedicated P1v3 3-20; processor Elastic Premium EP1, always-ready 3, burst 30',
    apps: { orderApi: API.p1v3, orderProcessor: PROCESSOR.ep1Ar3 },
    saleMinimums: { orderApi: 3, orderProcessor: 3 },
  },
  'p0v3+ep1-ar2': {
    description: 'API Dedicated P0v3 2-10; processor Elastic Premium EP1, always-ready 2, burst 20',
    apps: { orderApi: API.p0v3, orderProcessor: PROCESSOR.ep1Ar2 },
    saleMinimums: { orderApi: 2, orderProcessor: 2 },
  },
  'p0v3+ep1-ar2-sale4': {
    description: 'as p0v3+ep1-ar2, with the sale windows raising the processor to 4 always-ready',
    apps: { orderApi: API.p0v3, orderProcessor: PROCESSOR.ep1Ar2 },
    saleMinimums: { orderApi: 2, orderProcessor: 4 },
  },
  'ep1+ep1-ar2': {
    description: 'both apps Elastic Premium EP1, always-ready 2, burst 20',
    apps: { orderApi: API.ep1, orderProcessor: PROCESSOR.ep1Ar2 },
    saleMinimums: { orderApi: 2, orderProcessor: 2 },
  },
};

/** The environment with a variant's hosting: its apps, and its minimums in every sale window. */
export function withHosting(env: EnvironmentConfig, variant: HostingVariant): EnvironmentConfig {
  return {
    ...env,
    apps: variant.apps,
    saleWindows: env.saleWindows.map((w) => ({ ...w, minimumInstances: variant.saleMinimums })),
  };
}

export function hostingVariant(name: string): HostingVariant {
  const variant = HOSTING_VARIANTS[name];
  if (!variant) throw new Error(`--variant: unknown variant '${name}'; expected one of ${Object.keys(HOSTING_VARIANTS).join(', ')}`);
  return variant;
}
