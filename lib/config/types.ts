import type { AppRole } from '../../functions/apps';
import type { PLAN_SKUS, PlanKind, PlanSku } from './plan-skus';

/**
 * The typed configuration of one environment. Every value that differs between environments lives
 * here; everything else is a secure default inside the constructs. `validateEnvironment` checks each
 * field when the stack is built, so a bad value fails synth with a message naming the field.
 */

/** Standard has no messaging units; Premium scales by messaging units. Basic has no duplicate detection, so it is not offered. */
export type ServiceBusSku = 'Standard' | 'Premium';

/** The SKUs of one plan kind, from the one table in lib/config/plan-skus.ts. */
type SkuOfKind<Kind extends PlanKind> = { [Sku in PlanSku]: (typeof PLAN_SKUS)[Sku]['kind'] extends Kind ? Sku : never }[PlanSku];

/** Linux Premium v3 plans (Dedicated): zone balancing and rule-based autoscale up to 30 instances. */
export type DedicatedSku = SkuOfKind<'dedicated'>;

/** Linux Elastic Premium plans: EP1 = 1 vCPU / 3.5 GB, EP2 = 2 / 7 GB, EP3 = 4 / 14 GB. */
export type ElasticPremiumSku = SkuOfKind<'elasticPremium'>;

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

/** Thresholds of the rules that every autoscale profile of a Dedicated plan repeats. */
export interface AutoscaleRules {
  /**
   * Queue-depth rules, for the order processor only (the API has no queue to read): scale out by
   * `scaleOutStep` when active orders per instance exceed `scaleOutPerInstance` (averaged over
   * `scaleOutWindow`); scale in only when they stay below `scaleInPerInstance` for `scaleInWindow`.
   */
  readonly backlog?: {
    readonly scaleOutPerInstance: number;
    readonly scaleInPerInstance: number;
    readonly scaleOutStep: number;
  };
  /** Scale out by one when plan CPU exceeds this percentage. */
  readonly scaleOutCpuPercent: number;
  /** Scale in only when plan CPU stays below this percentage. */
  readonly scaleInCpuPercent: number;
  /** Look-back window of the scale-out rules; PT5M..PT12H. */
  readonly scaleOutWindow: string;
  /** Look-back window of the scale-in rules; longer than scale-out, so the plan never flaps. */
  readonly scaleInWindow: string;
  /** Wait after a scale-out before the next action; PT1M..P7D. */
  readonly scaleOutCooldown: string;
  /** Wait after a scale-in before the next action. */
  readonly scaleInCooldown: string;
}

/**
 * A Linux Premium v3 (Dedicated) plan scaled by Azure Monitor autoscale rules: metrics a few minutes
 * old, one step per cooldown. Sale windows raise the rules' minimum ahead of a known surge.
 */
export interface DedicatedHosting {
  readonly kind: 'dedicated';
  readonly sku: DedicatedSku;
  /** Spread instances across availability zones; needs a zone-capable region and at least 2 (3: one per zone) workers. */
  readonly zoneBalancing: boolean;
  /** Workers when the plan is created; autoscale owns the count afterwards. */
  readonly initialWorkers: number;
  readonly instances: InstanceLimits;
  readonly autoscale: AutoscaleRules;
}

/**
 * A Linux Elastic Premium plan: the Functions scale controller adds instances from the app's own load
 * (for the processor, the queue length divided by `maxConcurrentCalls` of host.json: target-based
 * scaling), every few seconds for HTTP and every 30 s for the queue, with no Monitor autoscale rules.
 */
export interface ElasticPremiumHosting {
  readonly kind: 'elasticPremium';
  readonly sku: ElasticPremiumSku;
  /** Spread instances across availability zones (zone-redundant plan); needs a zone-capable region and `alwaysReady` >= 2 (3: one per zone). */
  readonly zoneBalancing: boolean;
  /**
   * Instances of this app that are always running, billed, and take events first
   * (`elastic_instance_minimum`), 1..20. The plan's own minimum follows it: Azure sets the plan's
   * capacity to the largest always-ready count of its apps. Sale windows raise it.
   */
  readonly alwaysReady: number;
  /** Largest instance count the plan may burst to (`maximum_elastic_worker_count`). */
  readonly maximumBurst: number;
  /** Largest instance count of this app (`app_scale_limit`), at most `maximumBurst`: what the downstream services can take. */
  readonly appScaleLimit: number;
  /** Instances kept warm beyond the running ones, as a buffer for HTTP scale-out (`pre_warmed_instance_count`), 0..10. */
  readonly prewarmed: number;
}

/** How one app is hosted and scaled. */
export type AppHosting = DedicatedHosting | ElasticPremiumHosting;

/** A planned surge (e.g. Black Friday): each app holds a higher minimum between `start` and `end`. */
export interface SaleWindow {
  /** Profile name. @example 'black-friday-2026' */
  readonly name: string;
  /** Wall-clock time in `timeZone` when the higher minimum starts to hold, before the surge: `YYYY-MM-DDTHH:mm:ss`. */
  readonly start: string;
  /** Wall-clock time in `timeZone` when it ends: `YYYY-MM-DDTHH:mm:ss`. */
  readonly end: string;
  /** A Windows time zone name as Azure autoscale accepts it, e.g. 'W. Europe Standard Time' (not 'Europe/Berlin'). */
  readonly timeZone: string;
  /**
   * Instances each app holds during the window: the autoscale profile's minimum on a Dedicated plan,
   * the always-ready count on Elastic Premium. The scale rules or the scale controller still add more.
   */
  readonly minimumInstances: Readonly<Record<AppRole, number>>;
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

/** A subnet of the environment's virtual network. */
export interface SubnetConfig {
  /** Lower-case (Azure stores subnet ids verbatim; a case change replaces what references them). @example 'snet-order-api' */
  readonly name: string;
  /** IPv4 range inside `addressSpace`, e.g. `10.60.0.0/25`. Sized up front: a delegated subnet in use cannot be resized. */
  readonly cidr: string;
}

/**
 * Who may call the order API when it sits behind a front door or gateway. Off when absent: the API is
 * open to every caller (order routes still need a function key). When present, everything else is
 * denied, on the SCM site too.
 */
export interface InboundAllow {
  /** Caller ranges in IPv4 CIDR notation (`/32` for one address). */
  readonly ipRanges?: readonly string[];
  /**
   * Azure service tags, e.g. `AzureFrontDoor.Backend` or `ApiManagement`. `AzureFrontDoor.Backend` needs
   * `frontDoorIds`: the tag covers every Front Door in Azure, the `X-Azure-FDID` header only yours.
   */
  readonly serviceTags?: ReadonlyArray<{ readonly tag: string; readonly frontDoorIds?: readonly string[] }>;
  /**
   * Let Application Insights availability tests in (service tag `ApplicationInsightsAvailability`);
   * App Service's own health check pings come from inside the platform and need no rule. @default true
   */
  readonly availabilityTests?: boolean;
}

/**
 * Where the environment's data services can be reached from.
 * - `public`: every endpoint public, guarded by Entra ID roles (cheap; reachable from a laptop).
 * - `private`: a virtual network; the Service Bus namespace and the data account reachable only
 *   through private endpoints; both apps integrated with the network, all their outbound traffic
 *   routed through it. The order API's inbound stays public (the shop calls it). Needs Premium Service Bus.
 */
export type NetworkConfig =
  | { readonly kind: 'public' }
  | {
      readonly kind: 'private';
      /** The virtual network's IPv4 address space, e.g. `10.60.0.0/23`. */
      readonly addressSpace: string;
      readonly subnets: {
        /** Integration subnet of the order API's plan (one plan per subnet), sized for its maximum instances. */
        readonly orderApi: SubnetConfig;
        /** Integration subnet of the order processor's plan. */
        readonly orderProcessor: SubnetConfig;
        /** The private endpoints of the namespace and the data account (one address each). */
        readonly privateEndpoints: SubnetConfig;
      };
      readonly inboundAllow?: InboundAllow;
    };

export type NetworkKind = NetworkConfig['kind'];

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
  /** Hosting of each app: the order API (HTTP) and the order processor (the queue trigger), each on a plan of its own. */
  readonly apps: Readonly<Record<AppRole, AppHosting>>;
  readonly saleWindows: readonly SaleWindow[];
  readonly network: NetworkConfig;
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
