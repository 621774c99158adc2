import {
  LinuxFunctionApp,
  type LinuxFunctionAppSiteConfig,
  type LinuxFunctionAppSiteConfigIpRestriction,
} from '@cdktf/provider-azurerm/lib/linux-function-app';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { ServicePlan } from '@cdktf/provider-azurerm/lib/service-plan';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { AppHosting, InboundAllow } from './config/types';
import { FUNCTIONS_NODE_VERSION } from './functions-runtime';
import type { Monitoring } from './monitoring';
import type { AppNames } from './naming';

export const HEALTH_CHECK_PATH = '/api/health';

export interface FunctionAppHostingProps {
  readonly names: Pick<AppNames, 'resourceGroup' | 'plan' | 'functionApp'>;
  readonly location: string;
  readonly hosting: AppHosting;
  /** Account holding the host's state; reached with the app identity (`storage_uses_managed_identity`). */
  readonly hostStorageAccountName: string;
  /** The app's user-assigned identity. */
  readonly identityId: string;
  readonly appInsightsConnectionString: string;
  /** From the app-settings contract (functions/app-settings.ts). */
  readonly appSettings: Record<string, string>;
  /** The app starts only after these (its grants, once applied): azurerm never checks that it can reach anything. */
  readonly dependsOn: ITerraformDependable[];
  /**
   * Something outside Terraform sets the always-ready count after creation (the sale-window schedule,
   * lib/always-ready-schedule.ts): Terraform then ignores its changes. @default false
   */
  readonly alwaysReadyScheduled?: boolean;
  /**
   * Regional VNet integration: the app's outbound traffic, all of it (`vnet_route_all_enabled`), leaves
   * through this subnet of its plan's. Absent: the app calls out over the internet.
   */
  readonly integrationSubnetId?: string;
  /**
   * Elastic Premium with a private queue: the central scale controller cannot see the queue, so the
   * app's host reads it itself and answers the controller's scale-status calls (runtime scale
   * monitoring). @default false
   */
  readonly runtimeScaleMonitoring?: boolean;
  /** Who may call the app: everyone when absent; otherwise these callers only, on the SCM site none. */
  readonly inboundAllow?: InboundAllow;
  readonly monitoring: Monitoring;
  readonly tags: Record<string, string>;
}

/**
 * One function app and its Linux plan, in a resource group of their own: a new group gets a fresh
 * App Service webspace, so a Premium v3 plan is not refused for an older stamp and an Elastic Premium
 * plan never shares a webspace with a Dedicated one (both seen to fail plan creation).
 *
 * - `dedicated`: a Premium v3 plan scaled by Azure Monitor autoscale rules (lib/autoscale.ts); Always
 *   On keeps the queue trigger running.
 * - `elasticPremium`: the Functions scale controller adds instances from the app's own load; the app
 *   keeps `alwaysReady` instances running, the plan may burst to `maximumBurst`. Always On is off there
 *   (it only causes needless scale-out), and there is no Azure Files content share: the code runs from
 *   the package blob and the host's storage is reached by identity.
 */
export class FunctionAppHosting extends Construct {
  readonly resourceGroup: ResourceGroup;
  readonly plan: ServicePlan;
  readonly app: LinuxFunctionApp;

  constructor(scope: Construct, id: string, props: FunctionAppHostingProps) {
    super(scope, id);
    const { hosting, tags } = props;
    const location = props.location;

    this.resourceGroup = new ResourceGroup(this, 'resource-group', { name: props.names.resourceGroup, location, tags });
    const resourceGroupName = this.resourceGroup.name;

    this.plan = new ServicePlan(this, 'plan', {
      name: props.names.plan,
      resourceGroupName,
      location,
      osType: 'Linux',
      skuName: hosting.sku,
      // Set from the first create: turning it on later can force a replacement of the plan.
      zoneBalancingEnabled: hosting.zoneBalancing,
      perSiteScalingEnabled: false,
      ...(hosting.kind === 'dedicated'
        ? {
            workerCount: hosting.initialWorkers,
            // Only the starting size: autoscale owns the count afterwards, and a plan must not scale it back.
            lifecycle: { ignoreChanges: ['worker_count'] },
          }
        : {
            // The plan's minimum starts at the app's always-ready count; Azure keeps it at the largest
            // always-ready count of its apps afterwards (a sale window raises it), so Terraform leaves it.
            workerCount: hosting.alwaysReady,
            maximumElasticWorkerCount: hosting.maximumBurst,
            lifecycle: { ignoreChanges: ['worker_count'] },
          }),
      tags,
    });

    this.app = new LinuxFunctionApp(this, 'app', {
      name: props.names.functionApp,
      resourceGroupName,
      location,
      servicePlanId: this.plan.id,
      functionsExtensionVersion: '~4',
      storageAccountName: props.hostStorageAccountName,
      storageUsesManagedIdentity: true,
      // No Azure Files share (it needs a key-based connection string); azurerm writes none anyway with
      // storage_uses_managed_identity, this makes it explicit for Elastic Premium.
      contentShareForceDisabled: hosting.kind === 'elasticPremium' ? true : undefined,
      identity: { type: 'UserAssigned', identityIds: [props.identityId] },
      keyVaultReferenceIdentityId: props.identityId,
      httpsOnly: true,
      publicNetworkAccessEnabled: true,
      // Keyless: no publishing credentials, no AzureWebJobsDashboard (it needs a connection string).
      ftpPublishBasicAuthenticationEnabled: false,
      webdeployPublishBasicAuthenticationEnabled: false,
      builtinLoggingEnabled: false,
      appSettings: props.appSettings,
      // Inline, not azurerm_app_service_virtual_network_swift_connection (the two fight each other).
      virtualNetworkSubnetId: props.integrationSubnetId,
      siteConfig: {
        ...scaleSiteConfig(hosting, props.runtimeScaleMonitoring ?? false),
        ...(props.integrationSubnetId
          ? // Explicit: Resource Manager's default is false (only private ranges through the network), and
            // WEBSITE_VNET_ROUTE_ALL is the legacy app setting azurerm filters out of state.
            { vnetRouteAllEnabled: true }
          : {}),
        ...(props.inboundAllow ? accessRestrictions(props.inboundAllow) : {}),
        applicationStack: { nodeVersion: String(FUNCTIONS_NODE_VERSION) },
        applicationInsightsConnectionString: props.appInsightsConnectionString,
        healthCheckPath: HEALTH_CHECK_PATH,
        healthCheckEvictionTimeInMin: 5,
        minimumTlsVersion: '1.2',
        scmMinimumTlsVersion: '1.2',
        ftpsState: 'Disabled',
        http2Enabled: true,
        remoteDebuggingEnabled: false,
        use32BitWorker: false,
        websocketsEnabled: false,
      },
      tags,
      dependsOn: props.dependsOn,
      lifecycle: props.alwaysReadyScheduled ? { ignoreChanges: ['site_config[0].elastic_instance_minimum'] } : undefined,
    });

    props.monitoring.sendDiagnostics(`${id}-plan`, this.plan.id, {});
    props.monitoring.sendDiagnostics(`${id}-app`, this.app.id, { logs: ['FunctionAppLogs'] });
  }

  /** The app's base URL (the functions' route prefix is `api`). */
  get apiBaseUrl(): string {
    return `https://${this.app.defaultHostname}/api`;
  }
}

/** The site settings that differ by plan kind. azurerm sends `always_on` and `pre_warmed_instance_count` even when unset. */
function scaleSiteConfig(hosting: AppHosting, runtimeScaleMonitoring: boolean): Partial<LinuxFunctionAppSiteConfig> {
  if (hosting.kind === 'dedicated') {
    // Without it the host idles on Dedicated and the queue trigger stops (leaving it unset sends false).
    return { alwaysOn: true };
  }
  return {
    // On Elastic Premium the scale controller keeps instances alive; Always On only adds needless scale-out.
    alwaysOn: false,
    elasticInstanceMinimum: hosting.alwaysReady,
    appScaleLimit: hosting.appScaleLimit,
    // Sent on create whatever the config says (0 when unset), so it is always explicit here; runtime
    // scale monitoring needs at least 1 (validation holds it there).
    preWarmedInstanceCount: hosting.prewarmed,
    // Public namespace: the scale controller reads the queue itself. Private: the host does (the
    // controller sits outside the network) and the controller asks the host for its scale status.
    runtimeScaleMonitoringEnabled: runtimeScaleMonitoring,
  };
}

/** The access rule of Application Insights availability tests, which call from outside Azure's platform. */
export const AVAILABILITY_TEST_TAG = 'ApplicationInsightsAvailability';

/**
 * Access restrictions from an allow list: one rule per range and per service tag, in priority order (the
 * provider compares the list by position), then everything else denied. The default action must be
 * `Deny` explicitly: azurerm sends its default `Allow` on create, with which the rules restrict nothing
 * (azurerm #25244). The SCM (Kudu) site denies everyone: nothing in this design uses it (no zip
 * deploy, basic auth off; keys and trigger sync go through Resource Manager).
 */
export function accessRestrictions(allow: InboundAllow): Partial<LinuxFunctionAppSiteConfig> {
  const rules: Array<Omit<LinuxFunctionAppSiteConfigIpRestriction, 'action' | 'priority'>> = [
    ...(allow.ipRanges ?? []).map((range, i) => ({ name: `ip-range-${i + 1}`, description: `Callers from ${range}`, ipAddress: range })),
    ...(allow.serviceTags ?? []).map((entry, i) => ({
      name: `service-tag-${i + 1}`,
      description: entry.frontDoorIds
        ? `${entry.tag}, only with X-Azure-FDID ${entry.frontDoorIds.join(', ')}`
        : `Callers from ${entry.tag}`,
      serviceTag: entry.tag,
      // All four header lists written (the block is an attribute in azurerm); the unused ones read back empty.
      headers: entry.frontDoorIds
        ? [{ xAzureFdid: [...entry.frontDoorIds], xFdHealthProbe: [], xForwardedFor: [], xForwardedHost: [] }]
        : undefined,
    })),
    ...(allow.availabilityTests === false
      ? []
      : [{ name: 'availability-tests', description: 'Application Insights availability tests', serviceTag: AVAILABILITY_TEST_TAG }]),
  ];
  return {
    ipRestriction: rules.map((rule, i) => ({ ...rule, action: 'Allow', priority: 100 + 10 * i })),
    ipRestrictionDefaultAction: 'Deny',
    scmUseMainIpRestriction: false,
    scmIpRestrictionDefaultAction: 'Deny',
  };
}
