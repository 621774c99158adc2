import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { Aspects, TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { buildAppSettings } from '../functions/app-settings';
import { APP_ROLES, APPS, type AppRole } from '../functions/apps';
import { ROUTES } from '../functions/registrations';
import { Alerts } from './alerts';
import { AlwaysReadySchedule } from './always-ready-schedule';
import { AppIdentity, type AppGrant } from './app-identity';
import { AvailabilityTest } from './availability-test';
import { MessagingUnitAutoscale, PlanAutoscale } from './autoscale';
import { buildFunctionBundle, type FunctionBundle, type FunctionBundleOptions } from './bundle/function-bundle';
import { stackName } from './config/environments';
import type { ElasticPremiumHosting, EnvironmentConfig } from './config/types';
import { REQUIRED_TAG_KEYS } from './config/sections/identity';
import { validateEnvironment } from './config/validate';
import { DataStorage } from './data-storage';
import { HostStorage } from './host-storage';
import { FunctionPackage, PackageStore } from './function-package';
import { FunctionAppHosting } from './hosting';
import { Messaging } from './messaging';
import { Monitoring } from './monitoring';
import { OperationsWorkbook } from './operations-workbook';
import { resourceNames } from './naming';
import { exempt, PolicyAspect } from './policy/policy-aspect';
import { PrivateEndpoints } from './private-endpoints';
import { PrivateNetwork } from './private-network';
import { configureProviders } from './providers';
import { configureStateBackend, type RemoteState } from './state-backend';
import { TriggerSync } from './trigger-sync';
import { wallClockToInstant } from './config/time-zones';

export interface OrdersStackProps {
  readonly environment: EnvironmentConfig;
  /** Directory holding `functions/`, `package-lock.json` and `node_modules`. */
  readonly projectRoot: string;
  /** Remote state; local state in the project root when absent. */
  readonly remoteState?: RemoteState;
  /** Builds each app's function package; tests replace it. @default buildFunctionBundle */
  readonly bundler?: (options: FunctionBundleOptions) => FunctionBundle;
}

/** Construct ids of the apps: their resources' paths in cdktf.out read `order-api/...`, `order-processor/...`. */
export const APP_CONSTRUCT_IDS: Readonly<Record<AppRole, string>> = { orderApi: 'order-api', orderProcessor: 'order-processor' };

/**
 * One environment of the order pipeline: the order API puts orders on a Service Bus queue, the order
 * processor (queue-triggered) records them, and each app scales on its own plan: the API on its
 * HTTP load, the processor on queue depth.
 */
export class OrdersStack extends TerraformStack {
  constructor(scope: Construct, props: OrdersStackProps) {
    const env = props.environment;
    super(scope, stackName(env));
    validateEnvironment(env);
    // Guardrails on every resource and output at synth: a violation fails synth naming it.
    Aspects.of(this).add(new PolicyAspect({ requiredTags: REQUIRED_TAG_KEYS, network: env.network.kind }));
    const privateNetwork = env.network.kind === 'private' ? env.network : undefined;

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
      publicNetworkAccess: !privateNetwork,
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
      publicNetworkAccess: !privateNetwork,
      monitoring,
    });

    const hostStorage = new HostStorage(this, 'host-storage', {
      ...common,
      accountName: names.hostStorageAccount,
      replication: env.storage.replication,
      softDeleteDays: env.storage.softDeleteDays,
      preventDestroy: env.protectFromDestroy,
      publicNetworkAccess: !privateNetwork,
      monitoring,
    });

    const packageStore = new PackageStore(this, 'packages', {
      ...common,
      accountName: names.packageStorageAccount,
      replication: env.storage.replication,
      softDeleteDays: env.storage.softDeleteDays,
      deployerObjectId: env.deployerObjectId,
      monitoring,
    });
    const bundler = props.bundler ?? buildFunctionBundle;

    // Private: a network with an integration subnet per plan, and the namespace and the data account
    // behind private endpoints. The package account stays public (see function-package.ts).
    const network = privateNetwork
      ? new PrivateNetwork(this, 'network', {
          ...common,
          name: names.virtualNetwork,
          addressSpace: privateNetwork.addressSpace,
          subnets: privateNetwork.subnets,
        })
      : undefined;
    const endpoints = network
      ? new PrivateEndpoints(this, 'private-endpoints', {
          ...common,
          network,
          targets: {
            serviceBus: { name: names.serviceBusNamespace, id: messaging.namespace.id },
            hostStorage: { name: names.hostStorageAccount, id: hostStorage.storage.account.id },
            dataStorage: { name: names.dataStorageAccount, id: data.storage.account.id },
          },
        })
      : undefined;
    if (privateNetwork) {
      exempt(
        packageStore.storage.account,
        'private-data-services',
        'Holds code only, no order data. Terraform uploads each package from where cdktf deploy runs (a data-plane call), and run-from-package from a network-restricted account has open failure reports; Entra ID roles guard it, shared keys are off.',
      );
    }
    /** The processor's host monitors the private queue itself on Elastic Premium (the scale controller cannot reach it). */
    const runtimeScaleMonitoring = (role: AppRole) =>
      Boolean(privateNetwork) && role === 'orderProcessor' && env.apps[role].kind === 'elasticPremium';

    /** Grants both apps need: the host's state, the app's own package, telemetry. */
    const hostGrants = (pkg: FunctionPackage): AppGrant[] => [
      {
        id: 'host-storage',
        role: 'Storage Blob Data Owner',
        scope: hostStorage.storage.account.id,
        reason: "The Functions host keeps its state (leases, keys) in this account's blobs",
      },
      {
        id: 'read-package',
        role: 'Storage Blob Data Reader',
        scope: pkg.container.id,
        reason: 'The platform runs the app from its package blob',
      },
      {
        id: 'publish-telemetry',
        role: 'Monitoring Metrics Publisher',
        scope: monitoring.appInsights.id,
        reason: 'Entra ID ingestion into Application Insights (local auth is off)',
      },
    ];
    /** What each app's code does, and nothing else: the API sends and reads, the processor receives and records. */
    const codeGrants: Record<AppRole, AppGrant[]> = {
      orderApi: [
        {
          id: 'send-orders',
          role: 'Azure Service Bus Data Sender',
          scope: messaging.queue.id,
          reason: 'The order API sends accepted orders to the queue',
        },
        {
          id: 'read-orders',
          role: 'Storage Table Data Reader',
          scope: data.tableScope,
          reason: 'The status endpoint reads order records',
          dependsOn: [data.tableDeployment],
        },
        {
          id: 'record-acceptances',
          role: 'Storage Table Data Contributor',
          scope: data.acceptedTableScope,
          reason: 'The order API writes an accept record per order before it sends',
          dependsOn: [data.tableDeployment],
        },
      ],
      orderProcessor: [
        env.apps.orderProcessor.kind === 'elasticPremium'
          ? // The Elastic Premium scale controller reads the queue's length with the app's connection, which
            // needs the Manage right: only Data Owner has it (no narrower role), on this queue only. With
            // Receiver it cannot read the length and barely scales (functions/README.md, "Scaling").
            {
              id: 'receive-orders',
              role: 'Azure Service Bus Data Owner',
              scope: messaging.queue.id,
              reason: 'The order processor is triggered by the queue, and its scale controller reads the queue length',
            }
          : // Receiver, not Data Owner: a Dedicated plan has no scale controller that reads the queue's length.
            {
              id: 'receive-orders',
              role: 'Azure Service Bus Data Receiver',
              scope: messaging.queue.id,
              reason: 'The order processor is triggered by the queue',
            },
        {
          id: 'record-orders',
          role: 'Storage Table Data Contributor',
          scope: data.tableScope,
          reason: 'The order processor records orders',
          dependsOn: [data.tableDeployment],
        },
        ...(runtimeScaleMonitoring('orderProcessor')
          ? // Runtime scale monitoring keeps its samples in monthly AzureFunctionsScaleMetricsYYYYMM tables that the
            // host creates and deletes in its storage account: no table scope can name them in advance.
            [
              {
                id: 'scale-metrics',
                role: 'Storage Table Data Contributor',
                scope: hostStorage.storage.account.id,
                reason: "The processor's host keeps runtime scale-monitoring samples in monthly tables of the host account",
              },
            ]
          : []),
        {
          id: 'read-acceptances',
          role: 'Storage Table Data Reader',
          scope: data.acceptedTableScope,
          reason: 'The order processor checks each message against the accept record (it never writes one)',
          dependsOn: [data.tableDeployment],
        },
      ],
    };

    const apps = Object.fromEntries(
      APP_ROLES.map((role) => {
        const appNames = names.apps[role];
        const id = APP_CONSTRUCT_IDS[role];
        const pkg = new FunctionPackage(this, `${id}-package`, {
          store: packageStore,
          containerName: appNames.packageContainer,
          bundle: bundler({ projectRoot: props.projectRoot, entry: APPS[role].entry }),
        });
        const access = new AppIdentity(this, `${id}-identity`, {
          ...common,
          name: appNames.identity,
          grants: [...codeGrants[role], ...hostGrants(pkg)],
        });
        const scheduled = env.apps[role].kind === 'elasticPremium' && env.saleWindows.length > 0;
        const hosting = new FunctionAppHosting(this, id, {
          names: appNames,
          location,
          hosting: env.apps[role],
          alwaysReadyScheduled: scheduled,
          hostStorageAccountName: hostStorage.storage.account.name,
          identityId: access.identity.id,
          appInsightsConnectionString: monitoring.appInsights.connectionString,
          appSettings: buildAppSettings(role, {
            queueName: messaging.queue.name,
            serviceBusFqdn: messaging.fullyQualifiedNamespace,
            tableServiceUri: data.storage.account.primaryTableEndpoint,
            tableName: data.tableName,
            acceptedTableName: data.acceptedTableName,
            identityClientId: access.identity.clientId,
            identityResourceId: access.identity.id,
            packageUrl: pkg.blob.url,
            runtimeScaleMonitoring: runtimeScaleMonitoring(role),
          }),
          integrationSubnetId: network?.integrationSubnets[role].id,
          runtimeScaleMonitoring: runtimeScaleMonitoring(role),
          inboundAllow: role === 'orderApi' ? privateNetwork?.inboundAllow : undefined,
          // A first start before the endpoints resolve privately meets a refusing public endpoint until a restart;
          // and the subnet must be delegated and carry its NSG before the app joins it.
          dependsOn: [access.grantsApplied, ...(network && endpoints ? [network.subnetsReady[role], ...endpoints.reachable] : [])],
          monitoring,
          tags,
        });
        new TriggerSync(this, `${id}-trigger-sync`, { appId: hosting.app.id, packageUrl: pkg.blob.url });
        const schedule = scheduled ? this.alwaysReadySchedule(role, hosting, env, common) : undefined;
        return [role, { pkg, access, hosting, schedule }];
      }),
    ) as Record<AppRole, { pkg: FunctionPackage; access: AppIdentity; hosting: FunctionAppHosting; schedule?: AlwaysReadySchedule }>;

    const notifyEmails = env.alerts.receivers.map((r) => r.email);
    const autoscaleSettingIds: Partial<Record<AppRole, string>> = {};
    for (const role of APP_ROLES) {
      const hosting = env.apps[role];
      if (hosting.kind !== 'dedicated') continue;
      const plan = apps[role].hosting.plan;
      autoscaleSettingIds[role] = new PlanAutoscale(this, `${APP_CONSTRUCT_IDS[role]}-autoscale`, {
        ...common,
        name: `autoscale-${names.apps[role].plan}`,
        planId: plan.id,
        namespaceId: messaging.namespace.id,
        queueName: messaging.queue.name,
        instances: hosting.instances,
        rules: hosting.autoscale,
        saleWindows: env.saleWindows.map((window) => ({ window, minimumInstances: window.minimumInstances[role] })),
        notifyEmails,
        metricSources: [plan, messaging.namespace],
      }).setting.id;
    }

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

    // Outages of the public endpoint page on-call even when no order arrives.
    const availability = new AvailabilityTest(this, 'api-availability', {
      name: names.apiAvailabilityTest,
      resourceGroupName,
      location,
      appInsightsId: monitoring.appInsights.id,
      url: `${apps.orderApi.hosting.apiBaseUrl}/${ROUTES.health}`,
      tags,
    });

    new OperationsWorkbook(this, 'operations-workbook', {
      name: names.operationsWorkbook,
      displayName: `Orders ${env.name}: Black Friday operations`,
      resourceGroupName,
      location,
      appInsightsId: monitoring.appInsights.id,
      workspaceId: monitoring.workspace.id,
      namespaceId: messaging.namespace.id,
      queueName: messaging.queue.name,
      api: { title: APPS.orderApi.title, appId: apps.orderApi.hosting.app.id, autoscaleSettingId: autoscaleSettingIds.orderApi },
      processor: {
        title: APPS.orderProcessor.title,
        appId: apps.orderProcessor.hosting.app.id,
        autoscaleSettingId: autoscaleSettingIds.orderProcessor,
      },
      tags,
    });

    new Alerts(this, 'alerts', {
      resourceGroupName,
      namePrefix: `${env.namePrefix}-${env.name}`,
      actionGroupName: names.actionGroup,
      actionGroupShortName: names.actionGroupShortName,
      namespaceId: messaging.namespace.id,
      queueName: messaging.queue.name,
      functionAppId: apps.orderApi.hosting.app.id,
      schedules: APP_ROLES.flatMap((role) =>
        apps[role].schedule ? [{ name: APPS[role].title, workflowId: apps[role].schedule!.workflow.id }] : [],
      ),
      availability: {
        webTestId: availability.webTest.id,
        appInsightsId: monitoring.appInsights.id,
        failedLocationThreshold: availability.failedLocationThreshold,
      },
      alerts: env.alerts,
      tags,
    });

    new TerraformOutput(this, 'api_base_url', {
      value: apps.orderApi.hosting.apiBaseUrl,
      description: 'Base URL of the order API (order routes need a function key)',
    });
    new TerraformOutput(this, 'order_api_app_name', { value: apps.orderApi.hosting.app.name });
    new TerraformOutput(this, 'order_api_resource_group_name', { value: apps.orderApi.hosting.resourceGroup.name });
    new TerraformOutput(this, 'order_processor_app_name', { value: apps.orderProcessor.hosting.app.name });
    new TerraformOutput(this, 'order_processor_resource_group_name', { value: apps.orderProcessor.hosting.resourceGroup.name });
    new TerraformOutput(this, 'resource_group_name', { value: resourceGroup.name });
    new TerraformOutput(this, 'service_bus_namespace', { value: messaging.namespace.name });
    new TerraformOutput(this, 'queue_name', { value: messaging.queue.name });
    for (const role of APP_ROLES) {
      new TerraformOutput(this, `${APP_CONSTRUCT_IDS[role].replace(/-/g, '_')}_package_sha256`, {
        value: apps[role].pkg.bundle.sha256,
        description: `Content address of the deployed ${APPS[role].title} package`,
      });
    }
  }

  /** The sale-window calendar of an Elastic Premium app, as instants and always-ready counts. */
  private alwaysReadySchedule(
    role: AppRole,
    hosting: FunctionAppHosting,
    env: EnvironmentConfig,
    common: { resourceGroupName: string; location: string; tags: Record<string, string> },
  ) {
    const everyday = (env.apps[role] as ElasticPremiumHosting).alwaysReady;
    const instant = (wallClock: string, timeZone: string) =>
      wallClockToInstant(wallClock, timeZone)
        .toISOString()
        .replace(/\.000Z$/, 'Z');
    return new AlwaysReadySchedule(this, `${APP_CONSTRUCT_IDS[role]}-always-ready`, {
      ...common,
      name: resourceNames(env).apps[role].alwaysReadySchedule,
      appId: hosting.app.id,
      everyday,
      windows: env.saleWindows.map((w) => ({
        name: w.name,
        start: instant(w.start, w.timeZone),
        end: instant(w.end, w.timeZone),
        alwaysReady: w.minimumInstances[role],
      })),
    });
  }
}
