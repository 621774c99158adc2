import type { Checks } from '../checks';
import type { EnvironmentConfig } from '../types';

/**
 * The `storage` section of an environment's configuration: replication and soft delete of the accounts;
 * its type, secure default and rules.
 */

export const STORAGE_REPLICATIONS = ['LRS', 'ZRS', 'GRS', 'GZRS', 'RAGRS', 'RAGZRS'] as const;
export type StorageReplication = (typeof STORAGE_REPLICATIONS)[number];

export interface StorageConfig {
  /** Replication of the account that holds order data and host state. */
  readonly replication: StorageReplication;
  /** Days a deleted blob or container can be restored, 1..365. */
  readonly softDeleteDays: number;
}

/** Order data zone- and geo-redundant, deletions restorable for two weeks. */
export const defaultStorage: StorageConfig = { replication: 'GZRS', softDeleteDays: 14 };

export function checkStorage(c: Checks, env: Pick<EnvironmentConfig, 'storage'>): void {
  c.oneOf('storage.replication', env.storage.replication, STORAGE_REPLICATIONS);
  c.integer('storage.softDeleteDays', env.storage.softDeleteDays, 1, 365);
}
