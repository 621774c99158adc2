import { Annotations, TerraformOutput, TerraformResource, type IAspect } from 'cdktf';
import type { IConstruct } from 'constructs';
import { RULES, secretLookingOutputs, type PolicyContext, type Rule, type RuleId, type Violation } from './rules';

/**
 * Applies the guardrails (lib/policy/rules.ts) to every resource and output of a stack at synth. A
 * violation is an error annotation on the construct, so `cdktf synth` (and `npm run synth`) fails with
 * exit code 1 and this message:
 *
 *   policy no-shared-keys: orders-prod/data/data/account (azurerm_storage_account) shared_access_key_enabled = true; required: false (...)
 *
 * An exemption is explicit, per resource and rule, next to the resource in code (`exempt`), and carries
 * its reason; `npm run policy` lists every one.
 */

const EXEMPTION_KEY = 'orders:policy-exemption';

export interface Exemption {
  readonly rule: RuleId;
  readonly reason: string;
}

/** Exempts one resource from one rule. The reason is shown by `npm run policy` and in review. */
export function exempt(resource: TerraformResource | TerraformOutput, rule: RuleId, reason: string): void {
  if (!reason.trim()) throw new Error(`an exemption of ${resource.node.path} from ${rule} needs a reason`);
  resource.node.addMetadata(EXEMPTION_KEY, { rule, reason } satisfies Exemption);
}

export function exemptionsOf(construct: IConstruct): Exemption[] {
  return construct.node.metadata.filter((m) => m.type === EXEMPTION_KEY).map((m) => m.data as Exemption);
}

export interface PolicyFinding {
  readonly rule: RuleId;
  readonly path: string;
  readonly type: string;
  readonly violation: Violation;
}

export class PolicyAspect implements IAspect {
  /** What the last visits found (failures only; exempted ones are not failures). */
  readonly findings: PolicyFinding[] = [];

  constructor(
    private readonly context: PolicyContext,
    private readonly rules: readonly Rule[] = RULES,
  ) {}

  visit(node: IConstruct): void {
    if (node instanceof TerraformResource) this.checkResource(node);
    else if (node instanceof TerraformOutput) this.checkOutput(node);
  }

  private checkResource(resource: TerraformResource): void {
    const type = resource.terraformResourceType;
    const config = (resource.toTerraform().resource?.[type]?.[resource.friendlyUniqueId] ?? {}) as Record<string, unknown>;
    const taggable = 'tagsInput' in resource;
    const exempted = new Set(exemptionsOf(resource).map((e) => e.rule));
    for (const rule of this.rules) {
      if (exempted.has(rule.id)) continue;
      for (const violation of rule.check({ type, config, taggable }, this.context)) this.fail(resource, rule.id, type, violation);
    }
  }

  private checkOutput(output: TerraformOutput): void {
    if (exemptionsOf(output).some((e) => e.rule === 'no-secrets-in-settings')) return;
    const json = { [output.friendlyUniqueId]: output.toTerraform().output[output.friendlyUniqueId] };
    for (const violation of secretLookingOutputs(json)) this.fail(output, 'no-secrets-in-settings', 'output', violation);
  }

  private fail(node: IConstruct, rule: RuleId, type: string, violation: Violation): void {
    this.findings.push({ rule, path: node.node.path, type, violation });
    Annotations.of(node).addError(
      `policy ${rule}: ${node.node.path} (${type}) ${violation.attribute} = ${JSON.stringify(violation.found)}; required: ${violation.required}`,
    );
  }
}

/** Every exemption in a construct tree, for `npm run policy`. */
export function listExemptions(root: IConstruct): Array<{ path: string; type: string } & Exemption> {
  return root.node.findAll().flatMap((c) =>
    exemptionsOf(c).map((e) => ({
      path: c.node.path,
      type: c instanceof TerraformResource ? c.terraformResourceType : 'construct',
      ...e,
    })),
  );
}
