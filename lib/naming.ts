import { createHash } from 'node:crypto';
import type { EnvironmentConfig } from './config/types';

/**
 * Every resource name of an environment, derived from its name prefix and environment name only.
 * Names that must be globally unique (Service Bus, storage, function app host names) carry a short
 * suffix hashed from those stable inputs: the same configuration gives the same names on any machine
 * and day, and two environments or two organisations' prefixes do not collide.
 */
export interface ResourceNames {
  readonly resourceGroup: string;
  readonly logAnalytics: string;
  readonly appInsights: string;
  readonly serviceBusNamespace: string;
  readonly queue: string;
  /** Host state and the order tables. */
  readonly dataStorageAccount: string;
  /** Deployment packages only; the app's identity can read them but not write them. */
  readonly packageStorageAccount: string;
  readonly packageContainer: string;
  /** The consumer's record of each processed order. */
  readonly ordersTable: string;
  /** The producer's accept record of each accepted order (functions/store/accepted-orders.ts). */
  readonly acceptedOrdersTable: string;
  /** The one ARM template deployment that declares both tables. */
  readonly ordersTableDeployment: string;
  readonly identity: string;
  readonly plan: string;
  readonly functionApp: string;
  readonly actionGroup: string;
  /** Shown in SMS and e-mail; at most 12 characters. */
  readonly actionGroupShortName: string;
}

export function uniqueSuffix(env: Pick<EnvironmentConfig, 'namePrefix' | 'name'>): string {
  return createHash('sha256').update(`${env.namePrefix}/${env.name}`).digest('hex').slice(0, 6);
}

export function resourceNames(env: Pick<EnvironmentConfig, 'namePrefix' | 'name' | 'queue'>): ResourceNames {
  const base = `${env.namePrefix}-${env.name}`;
  const suffix = uniqueSuffix(env);
  const compact = `${env.namePrefix}${env.name}`.replace(/[^a-z0-9]/g, '');
  return {
    resourceGroup: `rg-${base}`,
    logAnalytics: `log-${base}`,
    appInsights: `appi-${base}`,
    serviceBusNamespace: `sb-${base}-${suffix}`,
    queue: env.queue.name,
    dataStorageAccount: `st${compact}${suffix}`,
    packageStorageAccount: `stpkg${compact}${suffix}`,
    packageContainer: 'function-packages',
    ordersTable: 'orders',
    acceptedOrdersTable: 'acceptedorders',
    ordersTableDeployment: 'orders-table',
    identity: `id-${base}`,
    plan: `asp-${base}`,
    functionApp: `func-${base}-${suffix}`,
    actionGroup: `ag-${base}`,
    actionGroupShortName: base.slice(0, 12),
  };
}
