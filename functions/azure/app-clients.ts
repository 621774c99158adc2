import { AppSetting } from '../app-settings';
import { lazy } from '../lazy';
import { withDeadline } from '../resilience/deadline';
import { describeError } from '../resilience/transient-errors';
import { requireSettings, type Environment } from '../settings';
import {
  createAcceptedOrdersTable,
  createAppCredential,
  createDeadLetterBrowser,
  createOrderSender,
  createOrdersTable,
  createServiceBusClient,
  createWatermarkTable,
} from './sdk-clients';

/**
 * The app's SDK clients, each created on first use from the app settings and reused by every later
 * invocation (module scope, docs/functions-runtime.md, 1.4 and 4.4). Nothing is created or read when this module loads.
 */

export const SERVICE_BUS_SCOPE = 'https://servicebus.azure.net/.default';
export const STORAGE_SCOPE = 'https://storage.azure.com/.default';
/** The worker waits for appStart hooks before it serves; never let a slow identity endpoint stall that. */
export const WARM_UP_TIMEOUT_MS = 5_000;

export interface AppClientsOptions {
  /** Token audiences fetched at start, so the first order does not wait for a token: those the app's own code uses. */
  readonly warmUpScopes: readonly string[];
}

export function createAppClients(env: Environment, options: AppClientsOptions) {
  const credential = lazy(() => createAppCredential(requireSettings(env, [AppSetting.identityClientId])[AppSetting.identityClientId]));

  // Asked for together, so a log names every missing setting at once.
  const queueSettings = () => requireSettings(env, [AppSetting.identityClientId, AppSetting.serviceBusNamespace, AppSetting.queueName]);
  const serviceBus = lazy(() => {
    const settings = queueSettings();
    return createServiceBusClient(credential.get(), settings[AppSetting.serviceBusNamespace]);
  });
  const orderSender = lazy(() => createOrderSender(serviceBus.get(), queueSettings()[AppSetting.queueName]));
  const deadLetters = lazy(() => createDeadLetterBrowser(serviceBus.get(), queueSettings()[AppSetting.queueName]));

  const ordersTable = lazy(() => {
    const settings = requireSettings(env, [AppSetting.identityClientId, AppSetting.tableServiceUri, AppSetting.tableName]);
    return createOrdersTable(settings[AppSetting.tableServiceUri], settings[AppSetting.tableName], credential.get());
  });

  const acceptedOrdersTable = lazy(() => {
    const settings = requireSettings(env, [AppSetting.identityClientId, AppSetting.tableServiceUri, AppSetting.acceptedTableName]);
    return createAcceptedOrdersTable(settings[AppSetting.tableServiceUri], settings[AppSetting.acceptedTableName], credential.get());
  });

  const watermarkTable = lazy(() => {
    const settings = requireSettings(env, [AppSetting.identityClientId, AppSetting.tableServiceUri, AppSetting.tableName]);
    return createWatermarkTable(settings[AppSetting.tableServiceUri], settings[AppSetting.tableName], credential.get());
  });

  return {
    orderSender: () => orderSender.get(),
    deadLetters: () => deadLetters.get(),
    ordersTable: () => ordersTable.get(),
    acceptedOrdersTable: () => acceptedOrdersTable.get(),
    watermarkTable: () => watermarkTable.get(),

    /** Fetches the identity's tokens once. Never throws: a failure here must not stop the app (docs/functions-runtime.md, 1.5). */
    async warmUp(): Promise<string> {
      if (!env[AppSetting.identityClientId]?.trim()) return `skipped: ${AppSetting.identityClientId} is not set`;
      const outcomes = await Promise.allSettled(
        options.warmUpScopes.map((scope) =>
          withDeadline(WARM_UP_TIMEOUT_MS, (abortSignal) => credential.get().getToken(scope, { abortSignal })),
        ),
      );
      return outcomes
        .map((outcome, i) => `${options.warmUpScopes[i]}: ${outcome.status === 'fulfilled' ? 'ok' : describeError(outcome.reason)}`)
        .join('; ');
    },

    /** Closes the Service Bus connection if one was opened. Never throws (docs/functions-runtime.md, 1.5). */
    async close(): Promise<string> {
      const client = serviceBus.peek();
      if (!client) return 'nothing to close';
      try {
        await client.close();
        return 'Service Bus client closed';
      } catch (error) {
        return `closing the Service Bus client failed: ${describeError(error)}`;
      }
    },
  };
}

export type AppClients = ReturnType<typeof createAppClients>;
