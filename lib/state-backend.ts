import { AzurermBackend, LocalBackend, type TerraformStack } from 'cdktf';

/** Remote state: an Azure blob container, reached with Entra ID (no account key), locked by blob lease. */
export interface RemoteState {
  readonly storageAccountName: string;
  readonly containerName: string;
  /** Only needed by principals that must look the account up. */
  readonly resourceGroupName?: string;
}

export const STATE_ENV = {
  storageAccount: 'ORDERS_STATE_STORAGE_ACCOUNT',
  container: 'ORDERS_STATE_CONTAINER',
  resourceGroup: 'ORDERS_STATE_RESOURCE_GROUP',
} as const;

/** Remote state settings from the environment, or undefined for local state. */
export function remoteStateFromEnv(env: NodeJS.ProcessEnv = process.env): RemoteState | undefined {
  const storageAccountName = env[STATE_ENV.storageAccount];
  if (!storageAccountName) return undefined;
  const containerName = env[STATE_ENV.container] || 'tfstate';
  if (!/^[a-z0-9]{3,24}$/.test(storageAccountName)) {
    throw new Error(
      `${STATE_ENV.storageAccount} = ${JSON.stringify(storageAccountName)} is not allowed: expected a storage account name (3-24 lower-case letters and digits)`,
    );
  }
  if (!/^(?!-)(?!.*--)[a-z0-9-]{3,63}(?<!-)$/.test(containerName)) {
    throw new Error(
      `${STATE_ENV.container} = ${JSON.stringify(containerName)} is not allowed: expected a container name (3-63 lower-case letters, digits and single "-")`,
    );
  }
  return { storageAccountName, containerName, resourceGroupName: env[STATE_ENV.resourceGroup] || undefined };
}

/**
 * One state per stack. Locally the state file sits in the project root, addressed relative to the
 * stack's working directory (cdktf.out/stacks/<stack>), so nothing in cdktf.out names this machine.
 */
export function configureStateBackend(stack: TerraformStack, stackName: string, remote: RemoteState | undefined): void {
  if (remote) {
    new AzurermBackend(stack, {
      storageAccountName: remote.storageAccountName,
      containerName: remote.containerName,
      resourceGroupName: remote.resourceGroupName,
      key: `${stackName}.tfstate`,
      useAzureadAuth: true,
    });
  } else {
    new LocalBackend(stack, { path: `../../../terraform.${stackName}.tfstate` });
  }
}
