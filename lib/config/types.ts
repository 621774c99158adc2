/**
 * The typed configuration of one environment. Every value that differs between environments lives
 * here; everything else is a secure default inside the constructs. `validateEnvironment` checks each
 * field when the stack is built, so a bad value fails synth with a message naming the field.
 */

/** Standard has no messaging units; Premium scales by messaging units. Basic has no duplicate detection, so it is not offered. */
export type ServiceBusSku = 'Standard' | 'Premium';

/** Linux Premium v3 plans: the Dedicated SKUs that support zone balancing and rule-based autoscale up to 30 instances. */
export type PlanSku = 'P0v3' | 'P1v3' | 'P2v3' | 'P3v3' | 'P1mv3' | 'P2mv3' | 'P3mv3' | 'P4mv3' | 'P5mv3';

export type StorageReplication = 'LRS' | 'ZRS' | 'GRS' | 'GZRS' | 'RAGRS' | 'RAGZRS';

export interface InstanceLimits {
  /** Autoscale never goes below this. With zone balancing, at least the plan's starting worker count. */
  readonly minimum: number;
  /** Used when the metrics cannot be read. */
  readonly default: number;
  /** Autoscale never goes above this (Premium v3: 30 per plan). */
  readonly maximum: number;
}

export interface QueueConfig {
  /** Queue name. @example 'orders' */
  readonly name: string;
  /** How long a receiver holds a message before Service Bus redelivers it; canonical ISO-8601, PT1M..PT5M (the consumer needs twice its 30 s retry budget and its 45 s claim lease). */
  readonly lockDuration: string;
  /** Deliveries before Service Bus moves a message to the dead-letter queue. */
  readonly maxDeliveryCount: number;
  /** Time to live of an unprocessed order; expired orders are dead-lettered, not dropped. */
  readonly defaultMessageTtl: string;
  /** Window in which a repeated message id (= order id) is dropped; PT20S..P7D. */
  readonly duplicateDetectionWindow: string;
  /** Queue size: 1024..5120 on Standard, up to 81920 on Premium. */
  readonly maxSizeInMegabytes: number;
}

export interface ServiceBusConfig {
  readonly sku: ServiceBusSku;
  /** Premium only: messaging units at creation and the autoscale range (1, 2, 4, 8 or 16). */
  readonly messagingUnits?: {
    readonly minimum: number;
    readonly maximum: number;
    /** Add a messaging unit above this namespace CPU percentage. */
    readonly scaleOutCpuPercent: number;
    /** Remove one below this namespace CPU percentage. */
    readonly scaleInCpuPercent: number;
  };
}

export interface PlanConfig {
  readonly sku: PlanSku;
  /** Spread instances across availability zones; needs a zone-capable region and at least 2 (3: one per zone) workers. */
  readonly zoneBalancing: boolean;
  /** Workers when the plan is created; autoscale owns the count afterwards. */
  readonly initialWorkers: number;
}

/** Thresholds of the rules that every autoscale profile repeats. */
export interface AutoscaleRules {
  /** Scale out when active orders per instance exceed this (averaged over `scaleOutWindow`). */
  readonly scaleOutBacklogPerInstance: number;
  /** Scale in only when active orders per instance stay below this for `scaleInWindow`. */
  readonly scaleInBacklogPerInstance: number;
  /** Scale out when plan CPU exceeds this percentage. */
  readonly scaleOutCpuPercent: number;
  /** Scale in only when plan CPU stays below this percentage. */
  readonly scaleInCpuPercent: number;
  /** Instances added by one backlog scale-out. */
  readonly scaleOutStep: number;
  /** Look-back window of the scale-out rules; PT5M..PT12H. */
  readonly scaleOutWindow: string;
  /** Look-back window of the scale-in rules; longer than scale-out, so the plan never flaps. */
  readonly scaleInWindow: string;
  /** Wait after a scale-out before the next action; PT1M..P7D. */
  readonly scaleOutCooldown: string;
  /** Wait after a scale-in before the next action. */
  readonly scaleInCooldown: string;
}

/** A planned surge (e.g. Black Friday): autoscale holds a higher minimum between `start` and `end`. */
export interface SaleWindow {
  /** Profile name. @example 'black-friday-2026' */
  readonly name: string;
  /** Wall-clock time in `timeZone` when the higher minimum starts to hold, before the surge: `YYYY-MM-DDTHH:mm:ss`. */
  readonly start: string;
  /** Wall-clock time in `timeZone` when it ends: `YYYY-MM-DDTHH:mm:ss`. */
  readonly end: string;
  /** A Windows time zone name as Azure autoscale accepts it, e.g. 'W. Europe Standard Time' (not 'Europe/Berlin'). */
  readonly timeZone: string;
  /** Instances held during the window. */
  readonly minimumInstances: number;
  /** Upper bound during the window. @default the environment's maximum */
  readonly maximumInstances?: number;
}

export interface AlertReceiver {
  /** Unique within the environment. */
  readonly name: string;
  readonly email: string;
}

export interface AlertsConfig {
  /** Who is told about alerts and autoscale actions. */
  readonly receivers: readonly AlertReceiver[];
  /** Alert when active orders stay above this for `backlogWindow`. */
  readonly backlogThreshold: number;
  /** One of PT5M, PT15M, PT30M, PT1H, PT6H, PT12H, P1D. */
  readonly backlogWindow: string;
  /** Alert when the function app answers more than this many 5xx in five minutes. */
  readonly http5xxThreshold: number;
}

export interface MonitoringConfig {
  /** Log Analytics retention, 30..730 days. */
  readonly logRetentionDays: number;
  /** Log Analytics daily ingestion cap in GB; -1 for none. */
  readonly dailyQuotaGb: number;
}

export interface StorageConfig {
  /** Replication of the account that holds order data and host state. */
  readonly replication: StorageReplication;
  /** Days a deleted blob or container can be restored, 1..365. */
  readonly softDeleteDays: number;
}

export interface EnvironmentConfig {
  /** Short environment name; the stack is `orders-<name>`. @example 'prod' */
  readonly name: string;
  /** Azure region. @example 'westeurope' */
  readonly location: string;
  /** Prefix of every resource name; make it unique to your organisation (storage and DNS names are global). */
  readonly namePrefix: string;
  /** Tags on every resource; keys are lower-case (metric alerts read keys back lower-cased). */
  readonly tags: Readonly<Record<string, string>>;
  readonly serviceBus: ServiceBusConfig;
  readonly queue: QueueConfig;
  readonly plan: PlanConfig;
  readonly instances: InstanceLimits;
  readonly autoscale: AutoscaleRules;
  readonly saleWindows: readonly SaleWindow[];
  readonly storage: StorageConfig;
  readonly monitoring: MonitoringConfig;
  readonly alerts: AlertsConfig;
  /**
   * Object id of the principal that deploys this environment (its CI identity). It gets Storage Blob Data
   * Contributor on the package container to upload the package. @default the principal running terraform
   */
  readonly deployerObjectId?: string;
  /**
   * `prevent_destroy` on the namespace, the order-data storage account and the table's deployment, and
   * the provider's guard against deleting a resource group that still holds resources. Off: one
   * `cdktf destroy` removes everything, including what Azure adds beside Application Insights.
   */
  readonly protectFromDestroy: boolean;
}
