/**
 * The app-settings contract: every app setting that the order functions, the Functions host or the
 * platform read, and where the stack takes its value from.
 *
 * Both sides import this module: the functions read settings by these names (never by string
 * literals of their own), and the stack writes them with `buildAppSettings`, so a rename on one
 * side cannot silently break the other. This file must stay free of cdktf and Azure SDK imports:
 * it is bundled into the function apps.
 */

import type { AppRole } from './apps';

/** Prefix of the identity-based Service Bus connection used by the queue trigger and the producer. */
export const SERVICE_BUS_CONNECTION = 'ServiceBusConnection';

/** The setting names. */
export const AppSetting = {
  /** Queue the producer sends to and the consumer's trigger listens on (`%ORDERS_QUEUE_NAME%`). */
  queueName: 'ORDERS_QUEUE_NAME',
  /** Host name of the Service Bus namespace, e.g. `sb-orders-prod.servicebus.windows.net`. */
  serviceBusNamespace: `${SERVICE_BUS_CONNECTION}__fullyQualifiedNamespace`,
  /** `managedidentity`: makes the trigger use the user-assigned identity named by `__clientId`. */
  serviceBusCredential: `${SERVICE_BUS_CONNECTION}__credential`,
  serviceBusClientId: `${SERVICE_BUS_CONNECTION}__clientId`,
  /** Table service endpoint of the order store, e.g. `https://stordersprod.table.core.windows.net/`. */
  tableServiceUri: 'ORDERS_TABLE_SERVICE_URI',
  /** Table that records processed orders, keyed by order id. */
  tableName: 'ORDERS_TABLE_NAME',
  /** Table of accept records: one per accepted order, written by the producer before it sends. */
  acceptedTableName: 'ORDERS_ACCEPTED_TABLE_NAME',
  /** Client id of the app's user-assigned identity, for `@azure/identity`. */
  identityClientId: 'AZURE_CLIENT_ID',
  /** Optional: bound on one Service Bus send in milliseconds (default `DEFAULT_SEND_TIMEOUT_MS`). */
  sendTimeoutMs: 'ORDERS_SEND_TIMEOUT_MS',
  /** Host storage by identity (the provider writes `AzureWebJobsStorage__accountName` itself). */
  hostStorageCredential: 'AzureWebJobsStorage__credential',
  hostStorageClientId: 'AzureWebJobsStorage__clientId',
  /** Entra ID ingestion into Application Insights (local auth is off there). */
  appInsightsAuthentication: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING',
  /** The code runs from the package blob, fetched with the user-assigned identity. */
  runFromPackage: 'WEBSITE_RUN_FROM_PACKAGE',
  runFromPackageIdentity: 'WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID',
  /** Node worker flags: stack traces point at the TypeScript sources through the bundle's map. */
  nodeWorkerArguments: 'languageWorkers__node__arguments',
  /** The host rejects larger request bodies with 413 before any code runs. */
  requestBodySizeLimit: 'FUNCTIONS_REQUEST_BODY_SIZE_LIMIT',
  /**
   * `1`: target-based scaling under runtime scale monitoring (Elastic Premium, private queue), where
   * Microsoft documented it as opt-in; the default elsewhere.
   */
  targetBasedScaling: 'TARGET_BASED_SCALING_ENABLED',
} as const;

export type AppSettingName = (typeof AppSetting)[keyof typeof AppSetting];

/**
 * Settings each app's code needs; `/api/health` of that app answers 503 naming each one that is
 * missing. The processor's list holds the queue trigger's identity connection (the host reads
 * `__credential` and `__clientId`; without `__credential` it takes the client id for an app
 * registration, docs/functions-runtime.md, 4.5). The API sends with the SDK, which reads neither. The processor's own
 * Service Bus client (the dead-letter scan's peek) uses the namespace, the queue and the identity,
 * already in its list; the scan's watermark lives in the orders table.
 */
export const REQUIRED_SETTINGS = {
  orderApi: [
    AppSetting.queueName,
    AppSetting.serviceBusNamespace,
    AppSetting.tableServiceUri,
    AppSetting.tableName,
    AppSetting.acceptedTableName,
    AppSetting.identityClientId,
  ],
  orderProcessor: [
    AppSetting.queueName,
    AppSetting.serviceBusNamespace,
    AppSetting.serviceBusCredential,
    AppSetting.serviceBusClientId,
    AppSetting.tableServiceUri,
    AppSetting.tableName,
    AppSetting.acceptedTableName,
    AppSetting.identityClientId,
  ],
} as const satisfies Record<AppRole, readonly AppSettingName[]>;

export const DEFAULT_SEND_TIMEOUT_MS = 5_000;

/**
 * Service Bus queue names: 2-260 letters, digits, ".", "-", "_", "~" or "/", starting and ending
 * with a letter or digit. The stack's configuration check and the functions' settings check share it.
 */
export const QUEUE_NAME_PATTERN = /^[a-zA-Z0-9][\w.~/-]{0,258}[a-zA-Z0-9]$/;

/** Azure table names: 3-63 letters and digits, starting with a letter (the Table service's rule). */
export const TABLE_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9]{2,62}$/;

/** Largest order body the producer accepts; larger bodies get 413. */
export const MAX_ORDER_BODY_BYTES = 64 * 1024;

/** The host's own body limit: well above the API limit, so the producer's clear 413 answers first. */
export const HOST_REQUEST_BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * Where each value comes from in the stack. Values may be Terraform tokens (strings that resolve at
 * apply time), so nothing here inspects them.
 */
export interface AppSettingSources {
  /** `azurerm_servicebus_queue.name` */
  readonly queueName: string;
  /** `<azurerm_servicebus_namespace.name>.servicebus.windows.net` */
  readonly serviceBusFqdn: string;
  /** `azurerm_storage_account.primary_table_endpoint` of the order store */
  readonly tableServiceUri: string;
  /** the orders table, declared through Resource Manager */
  readonly tableName: string;
  /** the accept-record table, declared in the same deployment */
  readonly acceptedTableName: string;
  /** `azurerm_user_assigned_identity.client_id` of this app's identity */
  readonly identityClientId: string;
  /** `azurerm_user_assigned_identity.id` of this app's identity */
  readonly identityResourceId: string;
  /** `azurerm_storage_blob.url` of this app's content-addressed package */
  readonly packageUrl: string;
  /** The host monitors the queue itself and scales by target (runtime scale monitoring): the processor on Elastic Premium in a private network. */
  readonly runtimeScaleMonitoring?: boolean;
}

/**
 * One app's `app_settings`: the host's own settings (storage and telemetry by identity, the package)
 * and those its code reads. Deliberately absent, because azurerm writes them itself and a copy here
 * would diff forever: FUNCTIONS_WORKER_RUNTIME, FUNCTIONS_EXTENSION_VERSION, WEBSITE_NODE_DEFAULT_VERSION,
 * AzureWebJobsStorage(__accountName), APPLICATIONINSIGHTS_CONNECTION_STRING, WEBSITE_HEALTHCHECK_MAXPINGFAILURES.
 */
export function buildAppSettings(role: AppRole, sources: AppSettingSources): Record<string, string> {
  const host: Record<string, string> = {
    [AppSetting.hostStorageCredential]: 'managedidentity',
    [AppSetting.hostStorageClientId]: sources.identityClientId,
    [AppSetting.appInsightsAuthentication]: `ClientId=${sources.identityClientId};Authorization=AAD`,
    [AppSetting.runFromPackage]: sources.packageUrl,
    [AppSetting.runFromPackageIdentity]: sources.identityResourceId,
    [AppSetting.nodeWorkerArguments]: '--enable-source-maps',
  };
  const code: Record<string, string> = {
    [AppSetting.queueName]: sources.queueName,
    [AppSetting.serviceBusNamespace]: sources.serviceBusFqdn,
    [AppSetting.tableServiceUri]: sources.tableServiceUri,
    [AppSetting.tableName]: sources.tableName,
    [AppSetting.acceptedTableName]: sources.acceptedTableName,
    [AppSetting.identityClientId]: sources.identityClientId,
  };
  if (role === 'orderApi') {
    return { ...code, ...host, [AppSetting.requestBodySizeLimit]: String(HOST_REQUEST_BODY_LIMIT_BYTES) };
  }
  return {
    ...code,
    [AppSetting.serviceBusCredential]: 'managedidentity',
    [AppSetting.serviceBusClientId]: sources.identityClientId,
    ...host,
    ...(sources.runtimeScaleMonitoring ? { [AppSetting.targetBasedScaling]: '1' } : {}),
  };
}
