import { createHash } from 'node:crypto';
import { APP_ROLES, APPS, type AppRole } from '../functions/apps';
import { uuidV5 } from '../functions/orders/order-id';
import type { EnvironmentConfig } from './config/types';

/**
 * Every resource name of an environment, derived from its name prefix and environment name only.
 * Names that must be globally unique (Service Bus, storage, function app host names) carry a short
 * suffix hashed from those stable inputs: the same configuration gives the same names on any machine
 * and day, and two environments or two organisations' prefixes do not collide.
 */
/** The names of one app's resources. */
export interface AppNames {
  /** Its own resource group, holding only the plan and the app: a plan gets a fresh webspace (see Hosting). */
  readonly resourceGroup: string;
  readonly plan: string;
  readonly functionApp: string;
  readonly identity: string;
  /** The container of its packages: its identity can read its own code only. */
  readonly packageContainer: string;
  /** The Logic App that sets its always-ready count for sale windows (Elastic Premium). */
  readonly alwaysReadySchedule: string;
}

export interface ResourceNames {
  readonly resourceGroup: string;
  readonly logAnalytics: string;
  readonly appInsights: string;
  readonly serviceBusNamespace: string;
  readonly queue: string;
  /** Host state and the order tables. */
  readonly dataStorageAccount: string;
  /** The Functions hosts' own state (leases, keys, scale metrics), apart from the order data. */
  readonly hostStorageAccount: string;
  /** Deployment packages only; the app's identity can read them but not write them. */
  readonly packageStorageAccount: string;
  readonly ordersTable: string;
  /** The producer's accept record of each accepted order (functions/store/accepted-orders.ts). */
  readonly acceptedOrdersTable: string;
  /** The one ARM template deployment that declares both tables. */
  readonly ordersTableDeployment: string;
  readonly apps: Readonly<Record<AppRole, AppNames>>;
  readonly actionGroup: string;
  /** Shown in SMS and e-mail; at most 12 characters. */
  readonly actionGroupShortName: string;
  /** The operations workbook: a lower-case GUID (azurerm requires one), derived, so every synth names it the same. */
  readonly operationsWorkbook: string;
  /** The standard web test of the API's /api/health. */
  readonly apiAvailabilityTest: string;
  /** The virtual network of a private environment (its subnets are named in the configuration). */
  readonly virtualNetwork: string;
}

/** The network security group of a subnet; lower-case like every network name (ids are stored verbatim). */
export function networkSecurityGroupName(subnetName: string): string {
  return `nsg-${subnetName}`;
}

/** A private endpoint of a resource's sub-resource, e.g. `pe-stordersprod1a2b3c-table`. */
export function privateEndpointName(resourceName: string, subresource: string): string {
  return `pe-${resourceName}-${subresource}`.toLowerCase();
}

/** Namespace of derived workbook names. Changing it renames (replaces) every workbook: never do that. */
export const WORKBOOK_NAME_NAMESPACE = '6a4e5394-dbad-4c77-aad8-6c19e1b56d54';

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
    hostStorageAccount: `sth${compact}${suffix}`,
    packageStorageAccount: `stpkg${compact}${suffix}`,
    ordersTable: 'orders',
    acceptedOrdersTable: 'acceptedorders',
    ordersTableDeployment: 'orders-table',
    apps: Object.fromEntries(
      APP_ROLES.map((role) => {
        const slug = APPS[role].slug;
        const names: AppNames = {
          resourceGroup: `rg-${base}-${slug}`,
          plan: `asp-${base}-${slug}`,
          // The Functions host derives its host id from the first 32 characters: validation keeps the name within them.
          functionApp: `func-${base}-${slug}-${suffix}`,
          identity: `id-${base}-${slug}`,
          packageContainer: `packages-${slug}`,
          alwaysReadySchedule: `logic-${base}-${slug}-always-ready`,
        };
        return [role, names];
      }),
    ) as Record<AppRole, AppNames>,
    actionGroup: `ag-${base}`,
    actionGroupShortName: base.slice(0, 12),
    operationsWorkbook: uuidV5(WORKBOOK_NAME_NAMESPACE, `${base}/operations`),
    apiAvailabilityTest: `webt-${base}-api-health`,
    virtualNetwork: `vnet-${base}`,
  };
}
