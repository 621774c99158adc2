import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { TimeProvider } from '@cdktf/provider-time/lib/provider';
import { Testing, TerraformStack } from 'cdktf';
import { Monitoring } from '../../lib/monitoring';
import type { Synthesized, TerraformJson } from './synth';

/**
 * A construct built on a bare stack: the two providers and nothing else but what `build` adds (the
 * construct under test and the few resources it takes as props). Cheap next to a whole environment's
 * stack, so each construct's tests can build it once per variant of its props.
 */
export function synthBare(build: (stack: TerraformStack) => void): Synthesized {
  const stack = new TerraformStack(Testing.app(), 'test');
  new AzurermProvider(stack, 'azurerm', { features: [{}] });
  new TimeProvider(stack, 'time');
  build(stack);
  const json = Testing.synth(stack);
  return { json, tf: JSON.parse(JSON.stringify(stack.toTerraform())) as TerraformJson };
}

/** Where every bare-stack resource goes. */
export const WHERE = { resourceGroupName: 'rg-test', location: 'westeurope', tags: { environment: 'test' } } as const;

/** The monitoring a construct sends its diagnostics to (construct path `monitoring/...`). */
export function bareMonitoring(stack: TerraformStack): Monitoring {
  return new Monitoring(stack, 'monitoring', {
    ...WHERE,
    workspaceName: 'log-test',
    appInsightsName: 'appi-test',
    retentionDays: 30,
    dailyQuotaGb: 1,
  });
}

/** The diagnostic settings of a synthesized stack, by target resource id. */
export function diagnosticsByTarget(tf: TerraformJson): Record<string, Record<string, any>> {
  return Object.fromEntries(Object.values(tf.resource.azurerm_monitor_diagnostic_setting ?? {}).map((s) => [s.target_resource_id, s]));
}
