import type { AppRole } from '../../functions/apps';
import type { AlertsConfig } from './sections/alerts';
import type { AppHosting } from './sections/apps';
import type { IdentityConfig } from './sections/identity';
import type { MonitoringConfig } from './sections/monitoring';
import type { NetworkConfig } from './sections/network';
import type { QueueConfig } from './sections/queue';
import type { SaleWindow } from './sections/sale-windows';
import type { ServiceBusConfig } from './sections/service-bus';
import type { StorageConfig } from './sections/storage';

/**
 * The typed configuration of one environment. Every value that differs between environments lives
 * here; everything else is a secure default inside the constructs. Each section's type, secure default
 * and validation rules are kept together in lib/config/sections/<section>.ts; this file composes them
 * (and re-exports their types, so constructs import them from one place). `validateEnvironment` checks
 * each field when the stack is built, so a bad value fails synth with a message naming the field.
 */

export type { AlertReceiver, AlertsConfig } from './sections/alerts';
export type {
  AppHosting,
  AutoscaleRules,
  DedicatedHosting,
  DedicatedSku,
  ElasticPremiumHosting,
  ElasticPremiumSku,
  InstanceLimits,
} from './sections/apps';
export type { IdentityConfig } from './sections/identity';
export type { MonitoringConfig } from './sections/monitoring';
export type { InboundAllow, NetworkConfig, NetworkKind, SubnetConfig } from './sections/network';
export type { QueueConfig } from './sections/queue';
export type { SaleWindow } from './sections/sale-windows';
export type { ServiceBusConfig, ServiceBusSku } from './sections/service-bus';
export type { StorageConfig, StorageReplication } from './sections/storage';

/** The identity fields (`name`, `location`, `namePrefix`, `tags`, `deployerObjectId`) are in sections/identity.ts. */
export interface EnvironmentConfig extends IdentityConfig {
  readonly serviceBus: ServiceBusConfig;
  readonly queue: QueueConfig;
  /** Hosting of each app: the order API (HTTP) and the order processor (the queue trigger), each on a plan of its own. */
  readonly apps: Readonly<Record<AppRole, AppHosting>>;
  readonly saleWindows: readonly SaleWindow[];
  readonly network: NetworkConfig;
  readonly storage: StorageConfig;
  readonly monitoring: MonitoringConfig;
  readonly alerts: AlertsConfig;
  /**
   * `prevent_destroy` on the namespace, the order-data storage account and the table's deployment, and
   * the provider's guard against deleting a resource group that still holds resources. Off: one
   * `cdktf destroy` removes everything, including what Azure adds beside Application Insights.
   */
  readonly protectFromDestroy: boolean;
}
