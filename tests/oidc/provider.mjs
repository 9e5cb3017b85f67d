// The OpenID Connect provider of Pilnvara's integration tests: panva/oidc-provider (OpenID
// Certified), configured with test people, the eIDAS levels as `acr` values, the means used as
// `amr`, one confidential client with Pilnvara's redirect URIs and signing keys of its own.
//
//   node provider.mjs PORT DIR REDIRECT_URI...
//
// Listens on 127.0.0.1:PORT with issuer http://127.0.0.1:PORT, writes into DIR the private key
// it signs with (signing.pem) and one it never publishes (other.pem), so that tests can forge
// tokens the provider itself would not issue, and prints one line `ready ISSUER` when it serves.
//
// The sign-in page is ours (every provider's is): it asks who signs in, with which means and at
// which level, so that a test chooses the person, the `amr` and the `acr` a real eID would give.
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import Provider from 'oidc-provider';

const [port, dir, ...redirectUris] = process.argv.slice(2);
if (!port || !dir || redirectUris.length === 0) {
  console.error('usage: node provider.mjs PORT DIR REDIRECT_URI...');
  process.exit(2);
}
const issuer = `http://127.0.0.1:${port}`;

// Test people: the subject, the personal code a Latvian eID carries, the name.
const PEOPLE = {
  anna: { personal_code: '32000000001', name: 'Anna Bērziņa' },
  peteris: { personal_code: '32000000002', name: 'Pēteris Kalniņš' },
};
const MEANS = ['eid-card', 'eparaksts-card', 'eparaksts-mobile', 'smart-id', 'bank-link'];
const LEVELS = ['low', 'substantial', 'high'];

function keyPair(kid) {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' };
  return { jwk, pem: privateKey.export({ format: 'pem', type: 'pkcs1' }) };
}
const signing = keyPair('test-signing');
const other = keyPair('never-published');
writeFileSync(join(dir, 'signing.pem'), signing.pem, { mode: 0o600 });
writeFileSync(join(dir, 'other.pem'), other.pem, { mode: 0o600 });

const provider = new Provider(issuer, {
  clients: [{
    client_id: 'pilnvara',
    client_secret: 'pilnvara-test-secret',
    redirect_uris: redirectUris,
    post_logout_redirect_uris: redirectUris.map((uri) => new URL('/login', uri).href),
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  jwks: { keys: [signing.jwk] },
  acrValues: LEVELS,
  // The person's claims go into the ID token itself (the evidence), not only to userinfo.
  conformIdTokenClaims: false,
  claims: {
    // The means used travels with every ID token, as a qualified eID provider's does.
    openid: ['sub', 'amr'],
    acr: null,
    amr: null,
    auth_time: null,
    profile: ['name'],
    personal_code: ['personal_code'],
  },
  scopes: ['openid', 'profile', 'personal_code'],
  findAccount: async (_ctx, sub) => PEOPLE[sub] && {
    accountId: sub,
    claims: async () => ({ sub, ...PEOPLE[sub] }),
  },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: { enabled: true },
  },
  pkce: { required: () => true },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  cookies: { keys: ['pilnvara-test-cookie-key'] },
  ttl: { IdToken: 300, AuthorizationCode: 60, Session: 3600, Interaction: 600, Grant: 3600, AccessToken: 300 },
  renderError: async (ctx, out) => {
    ctx.type = 'text/plain';
    ctx.body = `error: ${out.error}: ${out.error_description ?? ''}`;
  },
});

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const options = (values, chosen) => values
  .map((v) => `<option value="${v}"${v === chosen ? ' selected' : ''}>${v}</option>`).join('');

function signInPage(uid) {
  return `<!doctype html><html lang="en"><head><title>Test eID</title></head><body><main>
<h1>Test identity provider</h1>
<form method="post" action="/interaction/${escape(uid)}">
<label for="person">Person</label> <select id="person" name="person">${options(Object.keys(PEOPLE), 'anna')}</select>
<label for="means">Means</label> <select id="means" name="means">${options(MEANS, 'eid-card')}</select>
<label for="level">Level</label> <select id="level" name="level">${options(LEVELS, 'high')}</select>
<button type="submit" id="sign-in">Sign in</button>
</form></main></body></html>`;
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

async function interaction(req, res, uid) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) throw new Error('interaction mismatch');
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(signInPage(uid));
    return;
  }
  const form = await readForm(req);
  const person = form.get('person');
  if (!PEOPLE[person] || !MEANS.includes(form.get('means')) || !LEVELS.includes(form.get('level'))) {
    res.writeHead(400, { 'content-type': 'text/plain' });
    res.end('unknown person, means or level');
    return;
  }
  const grant = new provider.Grant({ accountId: person, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope);
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, {
    login: { accountId: person, acr: form.get('level'), amr: [form.get('means')], remember: false },
    consent: { grantId },
  }, { mergeWithLastSubmission: false });
}

const handle = provider.callback();
const server = http.createServer((req, res) => {
  const match = /^\/interaction\/([^/?]+)$/.exec(req.url.split('?')[0]);
  if (!match) {
    handle(req, res);
    return;
  }
  interaction(req, res, match[1]).catch((error) => {
    res.writeHead(400, { 'content-type': 'text/plain' });
    res.end(`error: ${error.message}`);
  });
});
server.listen(Number(port), '127.0.0.1', () => console.log(`ready ${issuer}`));
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
