import { ResourceGroupTemplateDeployment } from '@cdktf/provider-azurerm/lib/resource-group-template-deployment';
import { Construct } from 'constructs';
import type { StorageReplication } from './config/types';
import { KeylessStorageAccount } from './keyless-storage-account';
import type { Monitoring } from './monitoring';

export interface DataStorageProps {
  readonly resourceGroupName: string;
  readonly location: string;
  readonly accountName: string;
  readonly tableName: string;
  readonly tableDeploymentName: string;
  /** Geo-redundant in production: the account holds the order records. */
  readonly replication: StorageReplication;
  readonly softDeleteDays: number;
  /** `prevent_destroy` on the account and on the table's deployment (whose destroy would drop the table). */
  readonly preventDestroy: boolean;
  readonly monitoring: Monitoring;
  readonly tags: Record<string, string>;
}

/**
 * The storage account that holds the Functions host's state and the `orders` table, the consumer's
 * record of every processed order.
 *
 * The table is declared through Azure Resource Manager, not `azurerm_storage_table`: in azurerm 4.55
 * that resource always reads and writes table ACLs with the shared key (provider issues #32249 and
 * #30815), which this keyless account refuses. `Incremental` mode leaves everything else in the
 * resource group alone (`Complete` would delete it).
 */
export class DataStorage extends Construct {
  readonly storage: KeylessStorageAccount;
  readonly tableDeployment: ResourceGroupTemplateDeployment;
  readonly tableName: string;
  /** ARM id of the table, the narrowest scope a table role assignment takes. */
  readonly tableScope: string;

  constructor(scope: Construct, id: string, props: DataStorageProps) {
    super(scope, id);

    this.storage = new KeylessStorageAccount(this, 'data', {
      name: props.accountName,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      replication: props.replication,
      softDeleteDays: props.softDeleteDays,
      preventDestroy: props.preventDestroy,
      loggedServices: ['blob', 'table', 'queue'],
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
      }),
      tags: props.tags,
      dependsOn: [this.storage.account],
      lifecycle: { preventDestroy: props.preventDestroy },
    });

    this.tableName = props.tableName;
    // Built by hand (azurerm_storage_table has no ARM id, #21525) in Azure's exact casing, because
    // role assignments store their scope verbatim and any case difference replaces them on every plan.
    this.tableScope = `${this.storage.account.id}/tableServices/default/tables/${props.tableName}`;
  }
}

/**
 * The ARM template of one table. Parameter types are written as Azure returns them (`String`), with
 * no metadata or outputs, so the template the provider reads back equals this one and plans stay empty.
 */
export function tableTemplate() {
  return {
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    parameters: {
      storageAccountName: { type: 'String' },
      tableName: { type: 'String' },
    },
    resources: [
      {
        type: 'Microsoft.Storage/storageAccounts/tableServices/tables',
        apiVersion: '2023-05-01',
        name: "[format('{0}/default/{1}', parameters('storageAccountName'), parameters('tableName'))]",
      },
    ],
  };
}
