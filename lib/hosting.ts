import { LinuxFunctionApp } from '@cdktf/provider-azurerm/lib/linux-function-app';
import { ServicePlan } from '@cdktf/provider-azurerm/lib/service-plan';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { PlanConfig } from './config/types';
import type { Monitoring } from './monitoring';

/** The Node.js major version the function app runs (azurerm 4.55 accepts up to 22). */
export const NODE_VERSION = 22;
export const HEALTH_CHECK_PATH = '/api/health';

export interface HostingProps {
  readonly resourceGroupName: string;
  readonly location: string;
  readonly planName: string;
  readonly appName: string;
  readonly plan: PlanConfig;
  /** Account holding the host's state; reached with the app identity (`storage_uses_managed_identity`). */
  readonly hostStorageAccountName: string;
  /** The app's user-assigned identity. */
  readonly identityId: string;
  readonly appInsightsConnectionString: string;
  /** From the app-settings contract (functions/app-settings.ts). */
  readonly appSettings: Record<string, string>;
  /** The app starts only after these (its grants, once applied): azurerm never checks that it can reach anything. */
  readonly dependsOn: ITerraformDependable[];
  readonly monitoring: Monitoring;
  readonly tags: Record<string, string>;
}

/**
 * A Linux Dedicated (Premium v3) App Service plan and the function app on it. Dedicated is the plan
 * on which Azure Monitor autoscale rules drive scale-out (Consumption, Flex and Elastic Premium
 * scale on their own and ignore such rules).
 */
export class Hosting extends Construct {
  readonly plan: ServicePlan;
  readonly app: LinuxFunctionApp;

  constructor(scope: Construct, id: string, props: HostingProps) {
    super(scope, id);

    this.plan = new ServicePlan(this, 'plan', {
      name: props.planName,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      osType: 'Linux',
      skuName: props.plan.sku,
      // Set from the first create: turning it on later can force a replacement of the plan.
      zoneBalancingEnabled: props.plan.zoneBalancing,
      workerCount: props.plan.initialWorkers,
      perSiteScalingEnabled: false,
      tags: props.tags,
      // Only the starting size: autoscale owns the count afterwards, and a plan must not scale it back.
      lifecycle: { ignoreChanges: ['worker_count'] },
    });

    this.app = new LinuxFunctionApp(this, 'app', {
      name: props.appName,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      servicePlanId: this.plan.id,
      functionsExtensionVersion: '~4',
      storageAccountName: props.hostStorageAccountName,
      storageUsesManagedIdentity: true,
      identity: { type: 'UserAssigned', identityIds: [props.identityId] },
      keyVaultReferenceIdentityId: props.identityId,
      httpsOnly: true,
      publicNetworkAccessEnabled: true,
      // Keyless: no publishing credentials, no AzureWebJobsDashboard (it needs a connection string).
      ftpPublishBasicAuthenticationEnabled: false,
      webdeployPublishBasicAuthenticationEnabled: false,
      builtinLoggingEnabled: false,
      appSettings: props.appSettings,
      siteConfig: {
        // Without it the host idles on Dedicated and the queue trigger stops (leaving it unset sends false).
        alwaysOn: true,
        applicationStack: { nodeVersion: String(NODE_VERSION) },
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
      tags: props.tags,
      dependsOn: props.dependsOn,
    });

    props.monitoring.sendDiagnostics('plan', this.plan.id, {});
    props.monitoring.sendDiagnostics('function-app', this.app.id, { logs: ['FunctionAppLogs'] });
  }

  /** The API's base URL (the functions' route prefix is `api`). */
  get apiBaseUrl(): string {
    return `https://${this.app.defaultHostname}/api`;
  }
}
