import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { entraStyleToken } from './identity-endpoint';
import { freePort, loopbackCertificate } from './loopback';

/**
 * Azurite's Table service (the npm package), started and stopped by a test (or the bench) on a free loopback port,
 * in memory, in a temporary working directory. The production path: HTTPS with a certificate made
 * here, and `--oauth basic`, so the client authenticates with a bearer token as it does with the
 * managed identity in Azure (no shared key).
 */

export const AZURITE_ACCOUNT = 'devstoreaccount1';

export interface AzuriteTable {
  /** `https://127.0.0.1:<port>/devstoreaccount1` */
  readonly serviceUri: string;
  /** The self-signed certificate (PEM), for the client's pipeline `tlsOptions.ca`. */
  readonly certificate: string;
  stop(): Promise<void>;
}

/** `tls`: the certificate to serve (default: a new one), e.g. one shared with other loopback TLS servers. */
export async function startAzuriteTable(tls?: { cert: string; key: string }): Promise<AzuriteTable> {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'orders-azurite-'));
  const { cert, key } = tls ?? (await loopbackCertificate());
  fs.writeFileSync(path.join(workDir, 'cert.pem'), cert);
  fs.writeFileSync(path.join(workDir, 'key.pem'), key);

  const port = await freePort();
  const main = require.resolve('azurite/dist/src/table/main.js');
  const child = spawn(
    process.execPath,
    [
      main,
      '--tableHost',
      '127.0.0.1',
      '--tablePort',
      String(port),
      '--inMemoryPersistence',
      '--skipApiVersionCheck',
      '--disableProductStyleUrl',
      // Azurite otherwise sends telemetry to Application Insights: tests talk to loopback only.
      '--disableTelemetry',
      '--silent',
      '--oauth',
      'basic',
      '--cert',
      path.join(workDir, 'cert.pem'),
      '--key',
      path.join(workDir, 'key.pem'),
    ],
    { cwd: workDir, stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '' } },
  );
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));

  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill();
      await exited;
    }
    fs.rmSync(workDir, { recursive: true, force: true });
  };

  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Azurite did not start within 15 s:\n${output}`)), 15_000);
      child.stdout.on('data', () => {
        if (output.includes('successfully started')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`Azurite exited with ${code}:\n${output}`));
      });
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { serviceUri: `https://127.0.0.1:${port}/${AZURITE_ACCOUNT}`, certificate: cert, stop };
}

/**
 * A TokenCredential double that issues what Azure AD would for Azure Storage: a JWT with the storage
 * audience and an Entra issuer. Azurite's basic OAuth mode checks those claims and the lifetime, not
 * the signature (node_modules/azurite/dist/src/table/authentication/TableTokenAuthenticator.js).
 */
export class StorageTokenCredential implements TokenCredential {
  readonly requestedScopes: string[] = [];

  constructor(private readonly audience = 'https://storage.azure.com') {}

  async getToken(scopes: string | string[]): Promise<AccessToken> {
    this.requestedScopes.push(...([] as string[]).concat(scopes));
    return { token: entraStyleToken(this.audience, 3600), expiresOnTimestamp: Date.now() + 3_600_000 };
  }
}
