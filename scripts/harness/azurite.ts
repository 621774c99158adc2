import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { generate } from 'selfsigned';
import { freePort } from './loopback';

/**
 * Azurite's Table service (the npm package), started and stopped by a test on a free loopback port,
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

export async function startAzuriteTable(): Promise<AzuriteTable> {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'orders-azurite-'));
  const tls = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  fs.writeFileSync(path.join(workDir, 'cert.pem'), tls.cert);
  fs.writeFileSync(path.join(workDir, 'key.pem'), tls.private);

  const port = await freePort();
  const main = require.resolve('azurite/dist/src/table/main.js');
  const child = spawn(
    process.execPath,
    [
      main,
      '--tableHost', '127.0.0.1',
      '--tablePort', String(port),
      '--inMemoryPersistence',
      '--skipApiVersionCheck',
      '--disableProductStyleUrl',
      // Azurite otherwise sends telemetry to Application Insights: tests talk to loopback only.
      '--disableTelemetry',
      '--silent',
      '--oauth', 'basic',
      '--cert', path.join(workDir, 'cert.pem'),
      '--key', path.join(workDir, 'key.pem'),
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
  return { serviceUri: `https://127.0.0.1:${port}/${AZURITE_ACCOUNT}`, certificate: tls.cert, stop };
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
    const now = Math.floor(Date.now() / 1000);
    const claims = { aud: this.audience, iss: 'https://sts.windows.net/00000000-0000-0000-0000-00000000000a/', iat: now - 60, nbf: now - 60, exp: now + 3600, oid: 'test-identity' };
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    return { token: `${encode({ alg: 'RS256', typ: 'JWT' })}.${encode(claims)}.c2lnbmF0dXJl`, expiresOnTimestamp: (now + 3600) * 1000 };
  }
}
