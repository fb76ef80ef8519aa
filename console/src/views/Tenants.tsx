/** Every tenant with data, from the control plane, with its rows per table. */
import type { Client } from '../client';
import { useLoad } from '../load';
import { href } from '../route';
import { num } from '../status';
import { Heading, Scroll, Show } from '../ui';

interface Tenant {
  readonly tenant: string;
  readonly rows: number;
  readonly counts: Readonly<Record<string, number>>;
}

/** The tables worth a column, by the name the store gives them; the total counts every table. */
const COLUMNS: readonly (readonly [string, string])[] = [
  ['configurations', 'Configurations'],
  ['user_statuses', 'User statuses'],
  ['device_statuses', 'Device statuses'],
  ['users', 'Users'],
  ['groups', 'Groups'],
  ['managed_devices', 'Managed devices'],
];

export function TenantsView({ client }: { client: Client }) {
  const tenants = useLoad(() => client.adminJson<{ value: Tenant[] }>('GET', '/tenants'), [client]);
  return (
    <>
      <Heading>Tenants</Heading>
      <p class="muted">Every tenant that has data on this server. Choose one to see its configurations.</p>
      <Show value={tenants} what="the tenants">
        {({ value }) =>
          value.length === 0 ? (
            <p>
              No tenant has data yet. Create a configuration through the API, or fill a tenant with{' '}
              <code>npx appconfig-graph seed</code>.
            </p>
          ) : (
            <Scroll label="Table of tenants">
              <table class="grid" data-table="tenants">
                <caption class="visually-hidden">Tenants and their rows per table</caption>
                <thead>
                  <tr>
                    <th scope="col">Tenant</th>
                    {COLUMNS.map(([, label]) => (
                      <th scope="col" class="n" key={label}>
                        {label}
                      </th>
                    ))}
                    <th scope="col" class="n">
                      All rows
                    </th>
                    <th scope="col">
                      <span class="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {value.map((t) => (
                    <tr key={t.tenant} data-tenant={t.tenant}>
                      <th scope="row">
                        <a href={href.tenant(t.tenant)} class="mono">
                          {t.tenant}
                        </a>
                      </th>
                      {COLUMNS.map(([table]) => (
                        <td class="n" key={table}>
                          {num(t.counts[table] ?? 0)}
                        </td>
                      ))}
                      <td class="n">{num(t.rows)}</td>
                      <td>
                        <a href={href.query(t.tenant)} aria-label={`Query tenant ${t.tenant}`}>
                          Query
                        </a>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </Scroll>
          )
        }
      </Show>
    </>
  );
}
