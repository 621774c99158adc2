import { StorageAccount } from '@cdktf/provider-azurerm/lib/storage-account';
import { Construct } from 'constructs';
import type { StorageReplication } from './config/types';
import type { Monitoring } from './monitoring';

export interface KeylessStorageAccountProps {
  readonly name: string;
  readonly resourceGroupName: string;
  readonly location: string;
  readonly replication: StorageReplication;
  /** Days a deleted blob or container can be restored. */
  readonly softDeleteDays: number;
  /** `prevent_destroy`: Terraform refuses to delete the account (and its data). */
  readonly preventDestroy: boolean;
  /**
   * Whether the account's endpoints take connections from the internet (Entra ID still guards them).
   * False: only private endpoints reach its data plane; Resource Manager calls (the account, its
   * containers, the tables' template deployment, role assignments) work from anywhere.
   */
  readonly publicNetworkAccess: boolean;
  /** Storage services whose logs go to the workspace besides the account's metrics. */
  readonly loggedServices: ReadonlyArray<'blob' | 'table' | 'queue'>;
  readonly monitoring: Monitoring;
  readonly tags: Record<string, string>;
}

/**
 * A storage account that only Entra ID principals can use: shared keys off (nothing in this design
 * needs them), TLS 1.2, HTTPS only, no anonymous blob access, no local users, soft delete on. Secure
 * values are written explicitly because scanners (Checkov) do not count provider defaults.
 *
 * The provider's `storage_use_azuread` and `storage.data_plane_available = false` (see providers.ts)
 * keep refreshes of this account off the data plane, where a keyless account would refuse them.
 */
export class KeylessStorageAccount extends Construct {
  readonly account: StorageAccount;

  constructor(scope: Construct, id: string, props: KeylessStorageAccountProps) {
    super(scope, id);

    this.account = new StorageAccount(this, 'account', {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      accountKind: 'StorageV2',
      accountTier: 'Standard',
      accountReplicationType: props.replication,
      sharedAccessKeyEnabled: false,
      defaultToOauthAuthentication: true,
      minTlsVersion: 'TLS1_2',
      httpsTrafficOnlyEnabled: true,
      allowNestedItemsToBePublic: false,
      localUserEnabled: false,
      crossTenantReplicationEnabled: false,
      // No network_rules block in either posture: with default_action Allow and no rules it reads back
      // empty and diffs forever, and with public access off it has nothing to add.
      publicNetworkAccessEnabled: props.publicNetworkAccess,
      blobProperties: {
        deleteRetentionPolicy: { days: props.softDeleteDays },
        containerDeleteRetentionPolicy: { days: props.softDeleteDays },
      },
      tags: props.tags,
      lifecycle: { preventDestroy: props.preventDestroy },
    });

    props.monitoring.sendDiagnostics(`${id}-account`, this.account.id, { metrics: ['Transaction'] });
    for (const service of props.loggedServices) {
      props.monitoring.sendDiagnostics(`${id}-${service}`, `${this.account.id}/${service}Services/default`, {
        logs: ['StorageRead', 'StorageWrite', 'StorageDelete'],
        metrics: ['Transaction'],
      });
    }
  }
}
