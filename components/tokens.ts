/**
 * The package's Pulumi name and type tokens — one set everywhere: the components' registration,
 * the provider's schema and `construct`, the readiness custom resource, the policy pack and the docs.
 * `pulumi package add` serves the schema under this name, so the tokens other languages use are
 * the ones the components register.
 */

/** The Pulumi package (and provider plugin) name. */
export const PACKAGE_NAME = "kubesphere";
/** `KubeSphereExtension` component. */
export const EXTENSION_TYPE = "kubesphere:index:KubeSphereExtension";
/** `KubeSphereExtensionSet` component. */
export const EXTENSION_SET_TYPE = "kubesphere:index:KubeSphereExtensionSet";
/** The readiness wait as a custom resource of the package's provider. */
export const READINESS_RESOURCE_TYPE = "kubesphere:index:InstallPlanReadiness";
