import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { buildAppSettings } from '../functions/app-settings';
import { Alerts } from './alerts';
import { AppIdentity } from './app-identity';
import { MessagingUnitAutoscale, PlanAutoscale } from './autoscale';
import type { FunctionBundle, FunctionBundleOptions } from './bundle/function-bundle';
import { stackName } from './config/environments';
import type { EnvironmentConfig } from './config/types';
import { validateEnvironment } from './config/validate';
import { DataStorage } from './data-storage';
import { FunctionPackage } from './function-package';
import { Hosting } from './hosting';
import { Messaging } from './messaging';
import { Monitoring } from './monitoring';
import { resourceNames } from './naming';
import { configureProviders } from './providers';
import { configureStateBackend, type RemoteState } from './state-backend';

export interface OrdersStackProps {
  readonly environment: EnvironmentConfig;
  /** Directory holding `functions/`, `package-lock.json` and `node_modules`. */
  readonly projectRoot: string;
  /** Remote state; local state in the project root when absent. */
  readonly remoteState?: RemoteState;
  /** Builds the function package; tests replace it. @default buildFunctionBundle */
  readonly bundler?: (options: FunctionBundleOptions) => FunctionBundle;
}

/**
 * One environment of the order pipeline: an HTTP producer puts orders on a Service Bus queue, a
 * queue-triggered consumer records them, and the plan scales out on queue depth.
 */
export class OrdersStack extends TerraformStack {
  constructor(scope: Construct, props: OrdersStackProps) {
    const env = props.environment;
    super(scope, stackName(env));
    validateEnvironment(env);

    const names = resourceNames(env);
    const tags = { ...env.tags };
    const location = env.location;
    configureProviders(this, { allowDeletingNonEmptyResourceGroup: !env.protectFromDestroy });
    configureStateBackend(this, stackName(env), props.remoteState);

    const resourceGroup = new ResourceGroup(this, 'resource-group', { name: names.resourceGroup, location, tags });
    const resourceGroupName = resourceGroup.name;
    const common = { resourceGroupName, location, tags };

    const monitoring = new Monitoring(this, 'monitoring', {
      ...common,
      workspaceName: names.logAnalytics,
      appInsightsName: names.appInsights,
      retentionDays: env.monitoring.logRetentionDays,
      dailyQuotaGb: env.monitoring.dailyQuotaGb,
    });

    const messaging = new Messaging(this, 'messaging', {
      ...common,
      namespaceName: names.serviceBusNamespace,
      serviceBus: env.serviceBus,
      queue: env.queue,
      preventDestroy: env.protectFromDestroy,
      monitoring,
    });

    const data = new DataStorage(this, 'data', {
      ...common,
      accountName: names.dataStorageAccount,
      tableName: names.ordersTable,
      acceptedTableName: names.acceptedOrdersTable,
      tableDeploymentName: names.ordersTableDeployment,
      replication: env.storage.replication,
      softDeleteDays: env.storage.softDeleteDays,
      preventDestroy: env.protectFromDestroy,
      monitoring,
    });

    const functionPackage = new FunctionPackage(this, 'package', {
      ...common,
      accountName: names.packageStorageAccount,
      containerName: names.packageContainer,
      replication: env.storage.replication,
      softDeleteDays: env.storage.softDeleteDays,
      projectRoot: props.projectRoot,
      deployerObjectId: env.deployerObjectId,
      bundler: props.bundler,
      monitoring,
    });

    const access = new AppIdentity(this, 'app-identity', {
      ...common,
      name: names.identity,
      grants: [
        { id: 'send-orders', role: 'Azure Service Bus Data Sender', scope: messaging.queue.id, reason: 'The producer sends orders to the queue' },
        // Receiver, not Data Owner: only target-based scaling needs Manage rights, and a Dedicated plan has none.
        { id: 'receive-orders', role: 'Azure Service Bus Data Receiver', scope: messaging.queue.id, reason: 'The consumer is triggered by the queue' },
        { id: 'host-storage', role: 'Storage Blob Data Owner', scope: data.storage.account.id, reason: "The Functions host keeps its state (leases, keys) in this account's blobs" },
        { id: 'read-package', role: 'Storage Blob Data Reader', scope: functionPackage.container.id, reason: 'The platform runs the app from its package blob' },
        { id: 'record-orders', role: 'Storage Table Data Contributor', scope: data.tableScope, reason: 'The consumer records orders; the status endpoint reads them', dependsOn: [data.tableDeployment] },
        {
          id: 'record-acceptances',
          role: 'Storage Table Data Contributor',
          scope: data.acceptedTableScope,
          reason: 'The producer writes an accept record per order before it sends; the consumer reads it',
          dependsOn: [data.tableDeployment],
        },
        { id: 'publish-telemetry', role: 'Monitoring Metrics Publisher', scope: monitoring.appInsights.id, reason: 'Entra ID ingestion into Application Insights (local auth is off)' },
      ],
    });
    const identity = access.identity;

    const hosting = new Hosting(this, 'hosting', {
      ...common,
      planName: names.plan,
      appName: names.functionApp,
      plan: env.plan,
      hostStorageAccountName: data.storage.account.name,
      identityId: identity.id,
      appInsightsConnectionString: monitoring.appInsights.connectionString,
      appSettings: buildAppSettings({
        queueName: messaging.queue.name,
        serviceBusFqdn: messaging.fullyQualifiedNamespace,
        tableServiceUri: data.storage.account.primaryTableEndpoint,
        tableName: data.tableName,
        acceptedTableName: data.acceptedTableName,
        identityClientId: identity.clientId,
        identityResourceId: identity.id,
        packageUrl: functionPackage.blob.url,
      }),
      dependsOn: [access.grantsApplied],
      monitoring,
    });

    const notifyEmails = env.alerts.receivers.map((r) => r.email);
    new PlanAutoscale(this, 'autoscale', {
      ...common,
      name: `autoscale-${names.plan}`,
      planId: hosting.plan.id,
      namespaceId: messaging.namespace.id,
      queueName: messaging.queue.name,
      instances: env.instances,
      rules: env.autoscale,
      saleWindows: env.saleWindows,
      notifyEmails,
      metricSources: [hosting.plan, messaging.namespace],
    });

    const units = env.serviceBus.messagingUnits;
    if (env.serviceBus.sku === 'Premium' && units) {
      new MessagingUnitAutoscale(this, 'messaging-unit-autoscale', {
        ...common,
        name: `autoscale-${names.serviceBusNamespace}`,
        namespaceId: messaging.namespace.id,
        minimum: units.minimum,
        maximum: units.maximum,
        scaleOutCpuPercent: units.scaleOutCpuPercent,
        scaleInCpuPercent: units.scaleInCpuPercent,
        notifyEmails,
        metricSources: [messaging.namespace],
      });
    }

    new Alerts(this, 'alerts', {
      resourceGroupName,
      namePrefix: `${env.namePrefix}-${env.name}`,
      actionGroupName: names.actionGroup,
      actionGroupShortName: names.actionGroupShortName,
      namespaceId: messaging.namespace.id,
      queueName: messaging.queue.name,
      functionAppId: hosting.app.id,
      alerts: env.alerts,
      tags,
    });

    new TerraformOutput(this, 'api_base_url', { value: hosting.apiBaseUrl, description: 'Base URL of the order API (routes need a function key)' });
    new TerraformOutput(this, 'function_app_name', { value: hosting.app.name });
    new TerraformOutput(this, 'resource_group_name', { value: resourceGroup.name });
    new TerraformOutput(this, 'service_bus_namespace', { value: messaging.namespace.name });
    new TerraformOutput(this, 'queue_name', { value: messaging.queue.name });
    new TerraformOutput(this, 'package_sha256', { value: functionPackage.bundle.sha256, description: 'Content address of the deployed function package' });
  }
}
