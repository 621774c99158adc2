import { DataResource } from 'cdktf';
import { Construct } from 'constructs';

export interface TriggerSyncProps {
  /** The function app's Resource Manager id. */
  readonly appId: string;
  /** The app's package URL: a new package is a new URL, and a new sync. */
  readonly packageUrl: string;
}

/**
 * Syncs a function app's triggers whenever it gets a new package (scripts/sync-triggers/sync.ts says
 * why): a `terraform_data` replaced with each new package URL, whose local-exec runs the project's
 * sync command from the project root (the stack runs in cdktf.out/stacks/<stack>). It runs where
 * `cdktf deploy` runs, signed in as the deployer; `cdktf diff` never runs it.
 */
export class TriggerSync extends Construct {
  readonly resource: DataResource;

  constructor(scope: Construct, id: string, props: TriggerSyncProps) {
    super(scope, id);
    this.resource = new DataResource(this, 'sync', {
      triggersReplace: { app_id: props.appId, package_url: props.packageUrl },
      provisioners: [
        {
          type: 'local-exec',
          workingDir: '../../..',
          command: `npx --no-install tsx scripts/sync-triggers.ts ${props.appId}`,
        },
      ],
    });
  }
}
