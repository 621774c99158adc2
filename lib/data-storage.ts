import { ResourceGroupTemplateDeployment } from '@cdktf/provider-azurerm/lib/resource-group-template-deployment';
import { Construct } from 'constructs';
import type { StorageReplication } from './config/types';
import { KeylessStorageAccount } from './keyless-storage-account';
import type { Monitoring } from './monitoring';

export interface DataStorageProps {
  readonly resourceGroupName: string;
  readonly location: string;
  readonly accountName: string;
  /** The consumer's record of each processed order. */
  readonly tableName: string;
  /** The producer's accept record of each accepted order. */
  readonly acceptedTableName: string;
  /** The one deployment that declares both tables. */
  readonly tableDeploymentName: string;
  /** Geo-redundant in production: the account holds the order records. */
  readonly replication: StorageReplication;
  readonly softDeleteDays: number;
  /** `prevent_destroy` on the account and on the tables' deployment (whose destroy would drop the tables). */
  readonly preventDestroy: boolean;
  /** False in a private environment: the order tables are reached through a private endpoint only. */
  readonly publicNetworkAccess: boolean;
  readonly monitoring: Monitoring;
  readonly tags: Record<string, string>;
}

/**
 * The storage account of the order data, the two order tables and nothing else: `orders`, the
 * processor's record of every order, and `acceptedorders`, the API's accept record of every accepted
 * order (written before its message is sent). The hosts' own state is in lib/host-storage.ts, so no
 * host's rights reach these tables; each identity holds its table roles here table by table.
 *
 * The tables are declared through Azure Resource Manager, not `azurerm_storage_table`: in azurerm
 * 4.55 that resource always reads and writes table ACLs with the shared key (provider issues #32249
 * and #30815), which this keyless account refuses. Both are in one template deployment, so they are
 * created, protected and kept together. `Incremental` mode leaves everything else in the resource
 * group alone (`Complete` would delete it), so adding a table to an existing deployment adds it and
 * touches nothing else.
 */
export class DataStorage extends Construct {
  readonly storage: KeylessStorageAccount;
  readonly tableDeployment: ResourceGroupTemplateDeployment;
  readonly tableName: string;
  readonly acceptedTableName: string;
  /** ARM id of the orders table, the narrowest scope a table role assignment takes. */
  readonly tableScope: string;
  /** ARM id of the accept-record table. */
  readonly acceptedTableScope: string;

  constructor(scope: Construct, id: string, props: DataStorageProps) {
    super(scope, id);

    this.storage = new KeylessStorageAccount(this, 'data', {
      name: props.accountName,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      replication: props.replication,
      softDeleteDays: props.softDeleteDays,
      preventDestroy: props.preventDestroy,
      publicNetworkAccess: props.publicNetworkAccess,
      // Tables only: the hosts' blobs and queues are in the host account (lib/host-storage.ts).
      loggedServices: ['table'],
      monitoring: props.monitoring,
      tags: props.tags,
    });

    this.tableDeployment = new ResourceGroupTemplateDeployment(this, 'orders-table', {
      name: props.tableDeploymentName,
      resourceGroupName: props.resourceGroupName,
      deploymentMode: 'Incremental',
      templateContent: JSON.stringify(tableTemplate(), null, 2),
      // The inner parameter map, every parameter given (Azure echoes defaulted ones back as a diff).
      parametersContent: JSON.stringify({
        storageAccountName: { value: props.accountName },
        tableName: { value: props.tableName },
        acceptedTableName: { value: props.acceptedTableName },
      }),
      tags: props.tags,
      dependsOn: [this.storage.account],
      lifecycle: { preventDestroy: props.preventDestroy },
    });

    this.tableName = props.tableName;
    this.acceptedTableName = props.acceptedTableName;
    this.tableScope = tableScopeOf(this.storage.account.id, props.tableName);
    this.acceptedTableScope = tableScopeOf(this.storage.account.id, props.acceptedTableName);
  }
}

/**
 * The ARM id of a table, built by hand (azurerm_storage_table has no ARM id, #21525) in Azure's exact
 * casing, because role assignments store their scope verbatim and any case difference replaces them
 * on every plan.
 */
function tableScopeOf(accountId: string, tableName: string): string {
  return `${accountId}/tableServices/default/tables/${tableName}`;
}

/**
 * The ARM template of the two tables. Parameter types are written as Azure returns them (`String`),
 * with no metadata or outputs, so the template the provider reads back equals this one and plans stay
 * empty.
 */
export function tableTemplate() {
  const table = (parameter: string) => ({
    type: 'Microsoft.Storage/storageAccounts/tableServices/tables',
    apiVersion: '2023-05-01',
    name: `[format('{0}/default/{1}', parameters('storageAccountName'), parameters('${parameter}'))]`,
  });
  return {
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    parameters: {
      storageAccountName: { type: 'String' },
      tableName: { type: 'String' },
      acceptedTableName: { type: 'String' },
    },
    resources: [table('tableName'), table('acceptedTableName')],
  };
}
