/**
 * The Node.js major version the function apps run on Azure (azurerm 4.55 accepts up to 22). One fact
 * read by both sides: the hosting writes it as the app's `node_version`, and the bundle targets it
 * (esbuild `node22`); __tests__/stack/bundle-matches-stack.spec.ts checks that they agree.
 */
export const FUNCTIONS_NODE_VERSION = 22;
