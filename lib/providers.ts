import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { TimeProvider } from '@cdktf/provider-time/lib/provider';
import type { TerraformStack } from 'cdktf';
import { ValidateProviderPresence } from 'cdktf/lib/validations';

/**
 * The bindings are generated from azurerm 4.55.0 and pin it exactly; 4.57.0 fixes a panic while the
 * function app is read by a principal without basicPublishingCredentialsPolicies/read (PR #31344),
 * and later 4.x releases accept every 4.55 configuration. `terraform init` records the exact version
 * in the lock file.
 */
export const AZURERM_VERSION_CONSTRAINT = '>= 4.57, < 5.0';

/**
 * The Terraform (or OpenTofu) the stacks need: `terraform_data` (trigger sync) needs 1.4, and the
 * README asks for 1.5. Terraform itself refuses an older binary at `cdktf diff` and `deploy`, where it
 * runs; synth needs no Terraform at all (main.ts skips cdktf's own check, which ran `terraform version`).
 */
export const TERRAFORM_VERSION_CONSTRAINT = '>= 1.5.0';

/**
 * Resource providers this stack uses, registered besides azurerm's `core` set (which lacks Service
 * Bus). Microsoft.Network (virtual networks, private endpoints, private DNS zones) is in `core` too;
 * it is named here so the list says everything the stack needs, whatever `core` becomes.
 */
export const RESOURCE_PROVIDERS = [
  'Microsoft.ServiceBus',
  'Microsoft.Web',
  'microsoft.insights',
  'Microsoft.OperationalInsights',
  'Microsoft.AlertsManagement',
  'Microsoft.Logic',
  'Microsoft.Network',
];

/**
 * The azurerm provider, configured for keyless storage, and the time provider (waits for role
 * assignments and first metrics). The subscription comes from ARM_SUBSCRIPTION_ID (azurerm never
 * takes the az CLI default), the login from the az CLI or, in CI, OIDC (ARM_USE_OIDC, ARM_CLIENT_ID,
 * ARM_TENANT_ID).
 */
export interface ProviderOptions {
  /**
   * Whether `cdktf destroy` may delete the resource group while it holds resources Terraform does not
   * manage. Azure adds some itself (Application Insights' "Failure Anomalies" rule and its action
   * group), so an unprotected environment allows it and destroys in one command; a protected one
   * keeps the provider's guard.
   */
  readonly allowDeletingNonEmptyResourceGroup: boolean;
}

export function configureProviders(stack: TerraformStack, options: ProviderOptions): void {
  new AzurermProvider(stack, 'azurerm', {
    features: [
      {
        // Required by the provider. False: destroying the table's deployment must not drop the table.
        templateDeployment: [{ deleteNestedItemsDuringDeletion: false }],
        // Keyless storage accounts refuse the data-plane reads of queue and static-website properties.
        storage: [{ dataPlaneAvailable: false }],
        resourceGroup: [{ preventDeletionIfContainsResources: !options.allowDeletingNonEmptyResourceGroup }],
      },
    ],
    // Blob uploads and container reads with Entra ID: shared keys are off on every account.
    storageUseAzuread: true,
    // Register only what the stack needs (legacy registers ~70 providers and needs rights on all).
    resourceProviderRegistrations: 'core',
    resourceProvidersToRegister: RESOURCE_PROVIDERS,
  });
  new TimeProvider(stack, 'time');
  stack.addOverride('terraform.required_providers.azurerm.version', AZURERM_VERSION_CONSTRAINT);
  stack.addOverride('terraform.required_version', TERRAFORM_VERSION_CONSTRAINT);
}

/**
 * cdktf's check that every resource's provider is declared in its stack: the one of its validations
 * that needs no Terraform binary, so main.ts runs it although it skips the rest. Empty when all are.
 */
export function missingProviders(stack: TerraformStack): string[] {
  return new ValidateProviderPresence(stack).validate();
}
