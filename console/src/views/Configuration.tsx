/**
 * One configuration: its user and device summaries as charts (the server's summaries), its assignments with
 * their targets (groups by display name, looked up through `/groups/{id}`), its statuses over time, and its user
 * and device statuses as server-paged tables.
 */
import { BarChart } from '../chart';
import { bodyOf, type Client } from '../client';
import { useLoad } from '../load';
import { href } from '../route';
import { platformOf, type Summary, summaryBars, when } from '../status';
import { Heading, Show } from '../ui';
import { StatusTable } from './StatusTable';
import type { Configuration } from './Tenant';
import { Timeline } from './Timeline';

interface Assignment {
  readonly id: string;
  readonly target: { readonly '@odata.type': string; readonly groupId?: string | null };
}

const TARGETS: Record<string, { label: string; group: boolean }> = {
  groupAssignmentTarget: { label: 'Included group', group: true },
  exclusionGroupAssignmentTarget: { label: 'Excluded group', group: true },
  allLicensedUsersAssignmentTarget: { label: 'All licensed users', group: false },
  allDevicesAssignmentTarget: { label: 'All devices', group: false },
};

const targetOf = (t: Assignment['target']) =>
  TARGETS[t['@odata.type'].replace(/^#?microsoft\.graph\./, '')] ?? { label: t['@odata.type'], group: !!t.groupId };

export function ConfigurationView({ client, tenant, config }: { client: Client; tenant: string; config: string }) {
  const path = `/deviceAppManagement/mobileAppConfigurations/${encodeURIComponent(config)}`;
  // The configuration alone first (one row): then every section loads at once, each on its own.
  const head = useLoad(() => client.graphJson<Configuration>(tenant, `/beta${path}`), [client, tenant, config]);
  return (
    <Show value={head} what="the configuration">
      {(c) => (
        <>
          <p class="crumbs">
            <a href={href.tenant(tenant)}>Configurations of {tenant}</a>
          </p>
          <Heading>{c.displayName}</Heading>
          <dl class="facts">
            <div>
              <dt>Platform</dt>
              <dd>{platformOf(c['@odata.type'])}</dd>
            </div>
            <div>
              <dt>Version</dt>
              <dd>{c.version}</dd>
            </div>
            <div>
              <dt>Changed</dt>
              <dd>{when(c.lastModifiedDateTime)}</dd>
            </div>
            <div>
              <dt>Apps</dt>
              <dd>{c.targetedMobileApps?.join(', ') || '—'}</dd>
            </div>
            <div>
              <dt>Id</dt>
              <dd class="mono">{c.id}</dd>
            </div>
          </dl>
          {c.description && <p>{c.description}</p>}

          <section aria-labelledby="summaries">
            <h2 id="summaries">Summaries</h2>
            <Summaries client={client} tenant={tenant} path={path} />
          </section>

          <section aria-labelledby="assignments">
            <h2 id="assignments">Assignments</h2>
            <Assignments client={client} tenant={tenant} path={path} />
          </section>

          <section aria-labelledby="over-time">
            <h2 id="over-time">Statuses over time</h2>
            <Timeline client={client} tenant={tenant} config={config} />
          </section>

          <section aria-labelledby="user-statuses">
            <h2 id="user-statuses">User statuses</h2>
            <StatusTable client={client} tenant={tenant} config={config} kind="user" />
          </section>

          <section aria-labelledby="device-statuses">
            <h2 id="device-statuses">Device statuses</h2>
            <StatusTable client={client} tenant={tenant} config={config} kind="device" />
          </section>
        </>
      )}
    </Show>
  );
}

/** Both summaries, computed by the server, in one `$batch`. */
function Summaries({ client, tenant, path }: { client: Client; tenant: string; path: string }) {
  const both = useLoad(async () => {
    const [u, d] = await client.batch(tenant, [
      { url: `${path}/userStatusSummary` },
      { url: `${path}/deviceStatusSummary` },
    ]);
    return { users: bodyOf<Summary>(u!), devices: bodyOf<Summary>(d!) };
  }, [client, tenant, path]);
  return (
    <Show value={both} what="the summaries">
      {({ users, devices }) => (
        <>
          <div class="pair">
            <BarChart name="user-summary" title="User statuses" bars={summaryBars(users)} horizontal />
            <BarChart name="device-summary" title="Device statuses" bars={summaryBars(devices)} horizontal />
          </div>
          <p class="muted small">
            Last report {when(users.lastUpdateDateTime)} (users), {when(devices.lastUpdateDateTime)} (devices).
          </p>
        </>
      )}
    </Show>
  );
}

function Assignments({ client, tenant, path }: { client: Client; tenant: string; path: string }) {
  const rows = useLoad(async () => {
    const list = await client.graphJson<{ value: Assignment[] }>(tenant, `/beta${path}/assignments`);
    const ids = [...new Set(list.value.map((a) => a.target.groupId).filter((g): g is string => !!g))];
    const groups = await client.batch(
      tenant,
      ids.map((id) => ({ url: `/groups/${encodeURIComponent(id)}?$select=id,displayName` })),
    );
    const names = new Map(
      ids.map((id, i) => [
        id,
        groups[i]?.status === 200 ? (groups[i]!.body as { displayName: string }).displayName : undefined,
      ]),
    );
    return list.value.map((a) => ({ a, group: a.target.groupId ? names.get(a.target.groupId) : undefined }));
  }, [client, tenant, path]);
  return (
    <Show value={rows} what="the assignments">
      {(list) =>
        list.length === 0 ? (
          <p class="muted">Not assigned: this configuration targets no one.</p>
        ) : (
          <table class="grid" data-table="assignments">
            <caption class="visually-hidden">Assignments and their targets</caption>
            <thead>
              <tr>
                <th scope="col">Target</th>
                <th scope="col">Group</th>
                <th scope="col">Group id</th>
              </tr>
            </thead>
            <tbody>
              {list.map(({ a, group }) => {
                const t = targetOf(a.target);
                return (
                  <tr key={a.id}>
                    <td>{t.label}</td>
                    <td>{t.group ? (group ?? <span class="muted">(no such group)</span>) : '—'}</td>
                    <td class="mono">{a.target.groupId ?? '—'}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )
      }
    </Show>
  );
}
