import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { UserAssignedIdentity } from '@cdktf/provider-azurerm/lib/user-assigned-identity';
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
}

/**
 * The function app's one user-assigned managed identity and its role assignments. No keys or
 * connection strings exist anywhere: every call the app, its host and the platform make on its
 * behalf is authorised by these grants.
 */
export class AppIdentity extends Construct {
  readonly identity: UserAssignedIdentity;
  readonly roleAssignments: RoleAssignment[];

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
  }
}
