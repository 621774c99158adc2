import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { UserAssignedIdentity } from '@cdktf/provider-azurerm/lib/user-assigned-identity';
import { Sleep } from '@cdktf/provider-time/lib/sleep';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';

/** One data-plane permission of the app: a built-in role at the narrowest scope that works. */
export interface AppGrant {
  /** Construct id, e.g. 'send-orders'. */
  readonly id: string;
  readonly role: string;
  /** An ARM resource id. Blobs are not ARM resources: the narrowest blob scope is a container. */
  readonly scope: string;
  /** Why the app needs it (becomes the role assignment's description). */
  readonly reason: string;
  /** Resources the scope must exist after, when the scope string does not reference them. */
  readonly dependsOn?: ITerraformDependable[];
}

export interface AppIdentityProps {
  readonly name: string;
  readonly resourceGroupName: string;
  readonly location: string;
  readonly grants: readonly AppGrant[];
  readonly tags: Record<string, string>;
  /**
   * How long to wait after the grants are created before anything uses them. Azure RBAC takes
   * minutes to reach the data planes; azurerm only checks that the assignment exists.
   * @default '120s'
   */
  readonly propagationWait?: string;
}

/**
 * The function app's one user-assigned managed identity and its role assignments. No keys or
 * connection strings exist anywhere: every call the app, its host and the platform make on its
 * behalf is authorised by these grants.
 */
export class AppIdentity extends Construct {
  readonly identity: UserAssignedIdentity;
  readonly roleAssignments: RoleAssignment[];
  /** Done once every grant has had time to apply: what uses the identity depends on this. */
  readonly grantsApplied: Sleep;

  constructor(scope: Construct, id: string, props: AppIdentityProps) {
    super(scope, id);

    this.identity = new UserAssignedIdentity(this, 'identity', {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      tags: props.tags,
    });

    this.roleAssignments = props.grants.map(
      (grant) =>
        new RoleAssignment(this, grant.id, {
          scope: grant.scope,
          roleDefinitionName: grant.role,
          principalId: this.identity.principalId,
          // A managed identity is a service principal: saying so skips the Graph lookup that fails
          // while a brand-new identity is still replicating.
          principalType: 'ServicePrincipal',
          description: grant.reason,
          dependsOn: grant.dependsOn,
        }),
    );

    // Without this wait the app's first start fetches its package and opens its Service Bus link
    // while the grants still answer 403. Triggers: a replaced grant waits again.
    this.grantsApplied = new Sleep(this, 'wait-for-grants', {
      createDuration: props.propagationWait ?? '120s',
      triggers: Object.fromEntries(props.grants.map((grant, i) => [grant.id, this.roleAssignments[i].id])),
    });
  }
}
