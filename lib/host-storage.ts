import { Construct } from 'constructs';
import type { StorageReplication } from './config/types';
import { KeylessStorageAccount } from './keyless-storage-account';
import type { Monitoring } from './monitoring';

export interface HostStorageProps {
  readonly resourceGroupName: string;
  readonly location: string;
  readonly accountName: string;
  readonly replication: StorageReplication;
  readonly softDeleteDays: number;
  /** `prevent_destroy`: the account holds the apps' function keys; losing it changes every key the shop uses. */
  readonly preventDestroy: boolean;
  /** False in a private environment: the apps reach it through private endpoints. */
  readonly publicNetworkAccess: boolean;
  readonly monitoring: Monitoring;
  readonly tags: Record<string, string>;
}

/**
 * The storage account of the Functions hosts' own state (`AzureWebJobsStorage`): leases, function
 * keys, trigger-sync hashes, and with runtime scale monitoring the monthly scale-metrics tables. It is
 * apart from the order data (lib/data-storage.ts) so that a host's rights on its state (Blob Data
 * Owner; on a private Elastic Premium processor also Table Data Contributor on the whole account,
 * because those tables are named by month) never reach the order tables. Both apps share it: the host
 * keeps each app's state under its host id, and validation keeps the two ids apart.
 */
export class HostStorage extends Construct {
  readonly storage: KeylessStorageAccount;

  constructor(scope: Construct, id: string, props: HostStorageProps) {
    super(scope, id);
    this.storage = new KeylessStorageAccount(this, 'host', {
      name: props.accountName,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      replication: props.replication,
      softDeleteDays: props.softDeleteDays,
      preventDestroy: props.preventDestroy,
      publicNetworkAccess: props.publicNetworkAccess,
      loggedServices: ['blob', 'table', 'queue'],
      monitoring: props.monitoring,
      tags: props.tags,
    });
  }
}
