import { DataAzurermClientConfig } from '@cdktf/provider-azurerm/lib/data-azurerm-client-config';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { StorageBlob } from '@cdktf/provider-azurerm/lib/storage-blob';
import { StorageContainer } from '@cdktf/provider-azurerm/lib/storage-container';
import { Sleep } from '@cdktf/provider-time/lib/sleep';
import { AssetType, TerraformAsset } from 'cdktf';
import { Construct } from 'constructs';
import type { FunctionBundle } from './bundle/function-bundle';
import type { StorageReplication } from './config/types';
import { KeylessStorageAccount } from './keyless-storage-account';
import type { Monitoring } from './monitoring';

export interface PackageStoreProps {
  readonly resourceGroupName: string;
  readonly location: string;
  readonly accountName: string;
  readonly replication: StorageReplication;
  readonly softDeleteDays: number;
  /**
   * Object id of the principal that runs `terraform apply` and uploads the packages.
   * @default the current client (`azurerm_client_config.object_id`)
   */
  readonly deployerObjectId?: string;
  readonly monitoring: Monitoring;
  readonly tags: Record<string, string>;
}

/**
 * The storage account of the function apps' deployment packages, apart from the host's storage: each
 * app's identity can read its own package container (Storage Blob Data Reader) without its
 * host-storage grant (Blob Data Owner) letting it rewrite its own code.
 */
export class PackageStore extends Construct {
  readonly storage: KeylessStorageAccount;
  /** Who uploads: the deployer named in the configuration, else whoever runs Terraform. */
  readonly deployerObjectId: string;

  constructor(scope: Construct, id: string, props: PackageStoreProps) {
    super(scope, id);
    this.storage = new KeylessStorageAccount(this, 'packages', {
      name: props.accountName,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      replication: props.replication,
      softDeleteDays: props.softDeleteDays,
      // Packages are rebuilt from source; the account may go with its environment.
      preventDestroy: false,
      // Public in every posture: Terraform uploads each package from wherever `cdktf deploy` runs (a data-plane
      // call), and run-from-package from a network-restricted account has open failure reports
      // (Azure-Functions #1609, #1377). It holds code only; Entra ID roles guard it and shared keys are off.
      publicNetworkAccess: true,
      loggedServices: ['blob'],
      monitoring: props.monitoring,
      tags: props.tags,
    });
    // principal_type stays unset on its grants: the deployer may be a user as well as a service principal.
    this.deployerObjectId = props.deployerObjectId ?? new DataAzurermClientConfig(this, 'deployer').objectId;
  }
}

export interface FunctionPackageProps {
  readonly store: PackageStore;
  readonly containerName: string;
  /** The built zip (lib/bundle/function-bundle.ts). */
  readonly bundle: FunctionBundle;
  /** How long the upload waits for the deployer's new data role to apply. @default '120s' */
  readonly roleAssignmentWait?: string;
}

/**
 * One app's deployment package: esbuild bundled its entry point into a deterministic zip at synth
 * time, and Terraform uploads it to the app's own private container.
 *
 * The blob is named by the zip's SHA-256: new code is a new blob and a new WEBSITE_RUN_FROM_PACKAGE
 * URL, unchanged code is no change at all. It is replaced create-before-destroy, so the running app
 * never points at a deleted package (names never collide, so azurerm #33070 does not apply).
 */
export class FunctionPackage extends Construct {
  readonly bundle: FunctionBundle;
  readonly container: StorageContainer;
  readonly blob: StorageBlob;
  /** The deployer's upload grant on this container; the blob waits for it. */
  readonly deployerGrant: RoleAssignment;

  constructor(scope: Construct, id: string, props: FunctionPackageProps) {
    super(scope, id);
    this.bundle = props.bundle;
    const account = props.store.storage.account;

    // By storage_account_id: a Resource Manager call, and `.id` is the container's ARM id (a valid role scope).
    this.container = new StorageContainer(this, 'container', {
      name: props.containerName,
      storageAccountId: account.id,
      containerAccessType: 'private',
    });

    // Uploading a blob is a data-plane call: with shared keys off, the deployer needs a data role.
    this.deployerGrant = new RoleAssignment(this, 'deployer-can-upload', {
      scope: this.container.id,
      roleDefinitionName: 'Storage Blob Data Contributor',
      principalId: props.store.deployerObjectId,
      description: 'Terraform uploads the function package (orders pipeline)',
    });

    // Role assignments take minutes to apply to the data plane; a first upload right away gets 403.
    const grantApplied = new Sleep(this, 'wait-for-upload-grant', {
      createDuration: props.roleAssignmentWait ?? '120s',
      triggers: { role_assignment_id: this.deployerGrant.id },
    });

    const asset = new TerraformAsset(this, 'zip', {
      path: this.bundle.zipPath,
      type: AssetType.FILE,
      assetHash: this.bundle.sha256,
    });

    this.blob = new StorageBlob(this, 'blob', {
      name: `functions-${this.bundle.sha256}.zip`,
      storageAccountName: account.name,
      storageContainerName: this.container.name,
      type: 'Block',
      source: asset.path,
      contentType: 'application/zip',
      // Azure checks the upload against it (400 Md5Mismatch), and a value read back never diffs.
      contentMd5: this.bundle.md5,
      dependsOn: [grantApplied],
      lifecycle: { createBeforeDestroy: true },
    });
  }
}
