import { GUID, type Checks } from '../checks';

/**
 * The identity fields of an environment's configuration: who and where an environment is, its type and its
 * rules (the top-level fields of EnvironmentConfig). They have no default: each environment states its
 * own.
 */

/** Tag keys every resource carries (the policy's required-tags rule checks each resource; validation checks the config). */
export const REQUIRED_TAG_KEYS = ['workload', 'environment', 'managed-by'] as const;

export interface IdentityConfig {
  /** Short environment name; the stack is `orders-<name>`. @example 'prod' */
  readonly name: string;
  /** Azure region. @example 'westeurope' */
  readonly location: string;
  /** Prefix of every resource name; make it unique to your organisation (storage and DNS names are global). */
  readonly namePrefix: string;
  /** Tags on every resource; keys are lower-case (metric alerts read keys back lower-cased). */
  readonly tags: Readonly<Record<string, string>>;
  /**
   * Object id of the principal that deploys this environment (its CI identity). It gets Storage Blob Data
   * Contributor on the package container to upload the package. @default the principal running terraform
   */
  readonly deployerObjectId?: string;
}

export function checkIdentity(c: Checks, env: IdentityConfig): void {
  c.matches('name', env.name, /^[a-z][a-z0-9]{1,9}$/, 'expected 2-10 lower-case letters and digits, starting with a letter');
  c.matches(
    'namePrefix',
    env.namePrefix,
    /^[a-z][a-z0-9]{1,11}$/,
    'expected 2-12 lower-case letters and digits, starting with a letter (it is part of storage account names)',
  );
  c.matches('location', env.location, /^[a-z][a-z0-9]+$/, 'expected an Azure region name such as westeurope (lower-case, no spaces)');
  const tagKeys = Object.keys(env.tags);
  c.check(tagKeys.length <= 50, 'tags', tagKeys.length, 'expected at most 50 tags (Azure limit)');
  for (const key of REQUIRED_TAG_KEYS)
    c.check(
      key in env.tags,
      `tags.${key}`,
      env.tags[key],
      `expected a value: every resource carries the tags ${REQUIRED_TAG_KEYS.join(', ')}`,
    );
  for (const [key, value] of Object.entries(env.tags)) {
    c.matches(
      `tags.${key}`,
      key,
      /^[a-z0-9][a-z0-9._-]{0,127}$/,
      'expected a lower-case key (metric alerts read tag keys back lower-cased, so capitals diff forever) of letters, digits, ".", "_" or "-"',
    );
    c.check(
      typeof value === 'string' && value.length <= 256 && !/[<>%&\\?/]/.test(value),
      `tags.${key}`,
      value,
      'expected a value of at most 256 characters without < > % & \\ ? /',
    );
  }
  if (env.deployerObjectId !== undefined) {
    c.matches('deployerObjectId', env.deployerObjectId, GUID, 'expected an Entra ID object id (a lower-case GUID)');
  }
}
