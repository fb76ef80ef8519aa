/**
 * Signing in. With the control plane on: the admin key (the start banner's link carries it, or it is in
 * `<data-dir>/admin.key`). With it off (`--admin off`) there is no key, no tenant list, journal or clock; one
 * tenant can still be browsed and queried with a Graph token, pasted or asked of the local issuer.
 */
import { useState } from 'preact/hooks';
import { Client } from '../client';
import { jsonOf, message, send } from '../http';
import { type Session, tokenClaims } from '../session';

export function SignIn({
  adminOn,
  onSignIn,
  notice,
}: {
  adminOn: boolean;
  onSignIn: (s: Session) => void;
  notice?: string;
}) {
  return (
    <div class="signin">
      <h1>Sign in to the console</h1>
      {notice && (
        <p class="error" role="alert">
          {notice}
        </p>
      )}
      {adminOn ? <KeyForm onSignIn={onSignIn} /> : <TokenForms onSignIn={onSignIn} />}
    </div>
  );
}

function KeyForm({ onSignIn }: { onSignIn: (s: Session) => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | undefined>();
  return (
    <form
      onSubmit={async (e) => {
        e.preventDefault();
        const s: Session = { kind: 'admin', key: key.trim() };
        try {
          await new Client(s).adminJson('GET', '/tenants');
          onSignIn(s);
        } catch (err) {
          setError(message(err));
        }
      }}
    >
      <p>
        Open the link the server printed when it started (it carries the key), or paste the admin key: it is the file{' '}
        <code>admin.key</code> in the server's data directory, or the value of <code>--admin-key</code>.
      </p>
      <label class="stack">
        Admin key
        <input
          type="password"
          name="key"
          autocomplete="off"
          required
          value={key}
          onInput={(e) => setKey(e.currentTarget.value)}
        />
      </label>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit">Sign in</button>
    </form>
  );
}

function TokenForms({ onSignIn }: { onSignIn: (s: Session) => void }) {
  const [token, setToken] = useState('');
  const [tenant, setTenant] = useState('00000000-0000-0000-0000-000000000001');
  const [clientId, setClientId] = useState('');
  const [secret, setSecret] = useState('');
  const [error, setError] = useState<string | undefined>();
  const useToken = (t: string) => {
    const claims = tokenClaims(t);
    if (!claims) throw new Error('That is not an access token (a JWT with a tid claim).');
    onSignIn({ kind: 'token', token: t, ...claims });
  };
  return (
    <>
      <div class="notice" data-admin="off">
        <h2>The control plane is off</h2>
        <p>
          This server runs with <code>--admin off</code>, so there is no admin key to sign in with, and no tenant list,
          request journal or simulation clock. With a Graph access token you can still browse that token's tenant — its
          configurations, charts and status tables — and send requests from the query box.
        </p>
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <form
        aria-labelledby="paste-token"
        onSubmit={(e) => {
          e.preventDefault();
          try {
            useToken(token.trim());
          } catch (err) {
            setError(message(err));
          }
        }}
      >
        <h2 id="paste-token">Paste a token</h2>
        <p class="muted small">
          For example from <code>npx appconfig-graph token --tenant …</code>.
        </p>
        <label class="stack">
          Access token
          <textarea name="token" rows={3} required value={token} onInput={(e) => setToken(e.currentTarget.value)} />
        </label>
        <button type="submit">Use this token</button>
      </form>
      <form
        aria-labelledby="ask-issuer"
        onSubmit={async (e) => {
          e.preventDefault();
          try {
            const a = await send('POST', `/${encodeURIComponent(tenant.trim())}/oauth2/v2.0/token`, {
              headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
              body: new URLSearchParams({
                grant_type: 'client_credentials',
                client_id: clientId.trim(),
                client_secret: secret,
                scope: 'https://graph.microsoft.com/.default',
              }).toString(),
            });
            if (a.status !== 200) {
              const e2 = JSON.parse(a.text) as { error_description?: string };
              throw new Error(e2.error_description ?? `The issuer answered ${a.status}.`);
            }
            useToken(jsonOf<{ access_token: string }>(a).access_token);
          } catch (err) {
            setError(message(err));
          }
        }}
      >
        <h2 id="ask-issuer">Or ask this server's issuer</h2>
        <p class="muted small">
          The client-credentials grant of <code>/&lt;tenant&gt;/oauth2/v2.0/token</code>: any client id and secret
          unless the server was given a clients file.
        </p>
        <label class="stack">
          Tenant id
          <input name="tenant" required value={tenant} onInput={(e) => setTenant(e.currentTarget.value)} />
        </label>
        <label class="stack">
          Client id
          <input name="client_id" required value={clientId} onInput={(e) => setClientId(e.currentTarget.value)} />
        </label>
        <label class="stack">
          Client secret
          <input
            type="password"
            name="client_secret"
            required
            autocomplete="off"
            value={secret}
            onInput={(e) => setSecret(e.currentTarget.value)}
          />
        </label>
        <button type="submit">Get a token</button>
      </form>
    </>
  );
}
