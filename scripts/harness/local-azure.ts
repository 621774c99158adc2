import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TableClient, TableServiceClient } from '@azure/data-tables';
import { AppSetting, buildAppSettings } from '../../functions/app-settings';
import type { AppRole } from '../../functions/apps';
import { StorageTokenCredential, startAzuriteTable, type AzuriteTable } from './azurite';
import { startIdentityEndpoint, type IdentityEndpoint } from './identity-endpoint';
import { freePort, loopbackCertificate } from './loopback';
import { startServiceBusStandIn, type ServiceBusStandIn } from './service-bus-stand-in';

/**
 * What one app needs around it to run on this machine, all on 127.0.0.1: Azurite's Table service
 * (HTTPS, bearer tokens) with every table the app's settings name, the App Service managed identity
 * endpoint its credential gets tokens from, and a Service Bus peer that accepts sends. The app's
 * environment is the stack's own settings contract (`buildAppSettings`) with these endpoints in it,
 * plus what App Service itself sets (IDENTITY_ENDPOINT/IDENTITY_HEADER) and the test CA
 * (NODE_EXTRA_CA_CERTS: the package's clients verify TLS against it, nothing is switched off).
 */

export interface LocalAzure {
  /** The app's whole environment for FunctionsHost.start. */
  readonly env: Record<string, string>;
  readonly queueName: string;
  /** The tables created, by setting name. */
  readonly tables: Readonly<Record<string, string>>;
  /** A client of one of those tables, authenticated like the app (bearer token) and trusting the test CA. */
  tableClient(table: string): TableClient;
  readonly serviceBus: ServiceBusStandIn;
  readonly identity: IdentityEndpoint;
  close(): Promise<void>;
}

const CLIENT_ID = '00000000-0000-0000-0000-0000000000b1';

/**
 * The settings that name a table: every key of the contract ending in `tableName` (today
 * `ORDERS_TABLE_NAME`). A table setting added to the contract under that convention is created
 * here without a change.
 */
export function tableSettingNames(): string[] {
  return Object.entries(AppSetting)
    .filter(([key]) => /tablename$/i.test(key))
    .map(([, name]) => name);
}

export async function startLocalAzure(role: AppRole): Promise<LocalAzure> {
  const started: Array<{ close(): Promise<void> }> = [];
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'orders-bench-env-'));
  const close = async () => {
    for (const service of started.reverse()) await service.close().catch(() => undefined);
    fs.rmSync(workDir, { recursive: true, force: true });
  };
  try {
    // One certificate for both TLS servers: with two self-signed certificates of the same subject in
    // NODE_EXTRA_CA_CERTS, OpenSSL looks up the issuer by name and may verify against the wrong one.
    const certificate = await loopbackCertificate();
    const azurite: AzuriteTable = await startAzuriteTable(certificate);
    started.push({ close: () => azurite.stop() });
    const identity = await startIdentityEndpoint();
    started.push(identity);
    const serviceBus = await startServiceBusStandIn(certificate);
    started.push(serviceBus);

    const caFile = path.join(workDir, 'loopback-ca.pem');
    fs.writeFileSync(caFile, certificate.cert);

    const queueName = 'orders';
    const settings = buildAppSettings(role, {
      queueName,
      serviceBusFqdn: serviceBus.namespace,
      tableServiceUri: azurite.serviceUri,
      tableName: 'orders',
      acceptedTableName: 'acceptedorders',
      identityClientId: CLIENT_ID,
      identityResourceId: `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-bench/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-bench-${role}`,
      // Read by the platform only (run from package): never fetched here.
      packageUrl: `https://127.0.0.1:${await freePort()}/packages/bench.zip`,
    });

    const credential = new StorageTokenCredential();
    const pipeline = { tlsOptions: { ca: azurite.certificate } };
    const tableService = new TableServiceClient(azurite.serviceUri, credential, pipeline);
    const tables: Record<string, string> = {};
    for (const name of tableSettingNames()) {
      const table = settings[name];
      if (!table) continue;
      await tableService.createTable(table);
      tables[name] = table;
    }

    return {
      env: { ...settings, ...identity.env, NODE_EXTRA_CA_CERTS: caFile },
      queueName,
      tables,
      tableClient: (table) => new TableClient(azurite.serviceUri, table, credential, pipeline),
      serviceBus,
      identity,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
