import * as http from 'node:http';
import type * as net from 'node:net';

/**
 * The App Service managed identity endpoint (`IDENTITY_ENDPOINT` + `IDENTITY_HEADER`, API version
 * 2019-08-01) on a loopback port: the way a built package's own ManagedIdentityCredential gets its
 * tokens when it runs in a child process, where no credential can be injected. Setting both
 * variables also keeps @azure/identity off the instance-metadata address.
 */

export interface IdentityEndpoint {
  /** The app's environment: `IDENTITY_ENDPOINT` and `IDENTITY_HEADER`. */
  readonly env: Readonly<Record<'IDENTITY_ENDPOINT' | 'IDENTITY_HEADER', string>>;
  /** Every token request: the resource (audience) and the user-assigned client id asked for. */
  readonly requests: ReadonlyArray<{ readonly resource: string; readonly clientId: string | undefined }>;
  close(): Promise<void>;
}

const IDENTITY_HEADER = 'bench-identity-header';

export async function startIdentityEndpoint(): Promise<IdentityEndpoint> {
  const requests: Array<{ resource: string; clientId: string | undefined }> = [];
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const resource = url.searchParams.get('resource');
    if (request.headers['x-identity-header'] !== IDENTITY_HEADER || !resource) {
      response.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'invalid_request' }));
      return;
    }
    requests.push({ resource, clientId: url.searchParams.get('client_id') ?? undefined });
    const expiresOn = Math.floor(Date.now() / 1000) + 3600;
    response
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ access_token: entraStyleToken(resource), expires_on: String(expiresOn), resource, token_type: 'Bearer' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    env: { IDENTITY_ENDPOINT: `http://127.0.0.1:${port}/msi/token`, IDENTITY_HEADER },
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * A JWT shaped as Entra ID issues it for `audience`: the claims Azurite's basic OAuth mode checks
 * (audience, issuer, lifetime), with a signature nobody verifies here.
 */
export function entraStyleToken(audience: string, lifetimeS = 3600): string {
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    aud: audience,
    iss: 'https://sts.windows.net/00000000-0000-0000-0000-00000000000a/',
    iat: now - 60,
    nbf: now - 60,
    exp: now + lifetimeS,
    oid: 'test-identity',
  };
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'RS256', typ: 'JWT' })}.${encode(claims)}.c2lnbmF0dXJl`;
}
