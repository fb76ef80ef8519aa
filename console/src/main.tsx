/**
 * The console (docs/console.md): sign in, then the views of the URL fragment. It talks to its server only over
 * HTTP — the public Graph API with tokens of the local issuer, and the control plane under `/_admin`.
 */
import './styles.css';
import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { Client } from './client';
import { send } from './http';
import { href, type Route, useRoute } from './route';
import { adoptKeyFromFragment, currentSession, type Session, saveSession, signOut } from './session';
import { ClockView } from './views/Clock';
import { ConfigurationView } from './views/Configuration';
import { JournalView } from './views/Journal';
import { QueryView } from './views/Query';
import { SignIn } from './views/SignIn';
import { TenantView } from './views/Tenant';
import { TenantsView } from './views/Tenants';

adoptKeyFromFragment();

/** Whether the control plane is there: its OpenAPI document is the one path open without the key. */
async function probeAdmin(): Promise<boolean> {
  const a = await send('GET', '/_admin/openapi.json');
  return a.status === 200;
}

const tenantOf = (r: Route): string | undefined => ('tenant' in r ? r.tenant : undefined);

function App() {
  const route = useRoute();
  const [adminOn, setAdminOn] = useState<boolean | undefined>();
  const [session, setSession] = useState<Session | undefined>(currentSession);
  const [notice, setNotice] = useState<string | undefined>();
  const [lastTenant, setLastTenant] = useState<string | undefined>();
  const client = useMemo(() => (session ? new Client(session) : undefined), [session]);

  useEffect(() => {
    probeAdmin().then(setAdminOn, () => setAdminOn(false));
  }, []);
  // A key that no longer opens the control plane (a new server, a new key) sends the person back to sign in.
  useEffect(() => {
    if (client?.session.kind !== 'admin') return;
    client.admin('GET', '/tenants').then((a) => {
      if (a.status === 401) {
        signOut();
        setSession(undefined);
        setNotice('The admin key was not accepted; sign in again.');
      }
    });
  }, [client]);
  useEffect(() => {
    const t = tenantOf(route);
    if (t) setLastTenant(t);
  }, [route]);

  if (adminOn === undefined)
    return (
      <main id="main">
        <p role="status">Loading…</p>
      </main>
    );
  if (!session || !client || (session.kind === 'admin' && !adminOn))
    return (
      <main id="main">
        <SignIn
          adminOn={adminOn}
          {...(notice ? { notice } : {})}
          onSignIn={(s) => {
            saveSession(s);
            setNotice(undefined);
            setSession(s);
            location.hash = s.kind === 'token' ? href.tenant(s.tenant) : href.tenants();
          }}
        />
      </main>
    );

  const admin = session.kind === 'admin';
  const tenant = tenantOf(route) ?? lastTenant ?? (session.kind === 'token' ? session.tenant : undefined);
  const current = (view: Route['view'] | readonly Route['view'][]) =>
    ([] as string[]).concat(view).includes(route.view) ? 'page' : undefined;

  return (
    <>
      {/* A button, not a link: the fragment is the route, so `#main` would change the view. */}
      <button type="button" class="skip" onClick={() => document.getElementById('main')?.focus()}>
        Skip to the content
      </button>
      <header class="top">
        <p class="brand">appconfig-graph</p>
        <nav aria-label="Main">
          <ul>
            {admin && (
              <li>
                <a href={href.tenants()} aria-current={current('tenants')}>
                  Tenants
                </a>
              </li>
            )}
            {tenant && (
              <li>
                <a href={href.tenant(tenant)} aria-current={current(['tenant', 'configuration'])}>
                  Configurations
                </a>
              </li>
            )}
            {tenant && (
              <li>
                <a href={href.query(tenant)} aria-current={current('query')}>
                  Query
                </a>
              </li>
            )}
            {admin && (
              <li>
                <a href={href.journal()} aria-current={current('journal')}>
                  Journal
                </a>
              </li>
            )}
            {admin && (
              <li>
                <a href={href.clock()} aria-current={current('clock')}>
                  Clock
                </a>
              </li>
            )}
          </ul>
        </nav>
        <button
          type="button"
          class="quiet"
          onClick={() => {
            signOut();
            setSession(undefined);
          }}
        >
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        {!admin && (
          <p class="banner" data-admin="off">
            The control plane is off on this server: signed in with a token for tenant{' '}
            <span class="mono">{session.tenant}</span>. Tenants, journal and clock need it.
          </p>
        )}
        <View route={route} client={client} admin={admin} tenant={tenant} />
      </main>
    </>
  );
}

function View({
  route,
  client,
  admin,
  tenant,
}: {
  route: Route;
  client: Client;
  admin: boolean;
  tenant: string | undefined;
}) {
  switch (route.view) {
    case 'tenants':
      return admin ? <TenantsView client={client} /> : tenant ? <TenantView client={client} tenant={tenant} /> : null;
    case 'tenant':
      return <TenantView key={route.tenant} client={client} tenant={route.tenant} />;
    case 'configuration':
      return <ConfigurationView key={route.config} client={client} tenant={route.tenant} config={route.config} />;
    case 'query':
      return <QueryView key={route.tenant} client={client} tenant={route.tenant} />;
    case 'journal':
      return admin ? <JournalView client={client} /> : <p>The request journal needs the control plane.</p>;
    case 'clock':
      return admin ? (
        <ClockView client={client} tenant={tenant} />
      ) : (
        <p>The simulation clock needs the control plane.</p>
      );
  }
}

render(<App />, document.getElementById('app')!);
