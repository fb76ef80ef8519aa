/**
 * A tenant's configurations, a page at a time, each with a chart of its user statuses by status. The counts are
 * the server's `userStatusSummary` of each configuration, fetched for the whole page in one `$batch`: never the
 * statuses themselves.
 */
import { BarChart } from '../chart';
import { bodyOf, type Client, CONFIGS } from '../client';
import { useLoad } from '../load';
import { href } from '../route';
import { platformOf, type Summary, summaryBars, when } from '../status';
import { Heading, Show } from '../ui';
import { usePager } from './pager';

export interface Configuration {
  readonly id: string;
  readonly '@odata.type': string;
  readonly displayName: string;
  readonly description: string | null;
  readonly version: number;
  readonly lastModifiedDateTime: string;
  readonly targetedMobileApps?: readonly string[];
}

interface Page {
  readonly value: Configuration[];
  readonly '@odata.nextLink'?: string;
  readonly '@odata.count'?: number;
}

const PAGE = 12;

export function TenantView({ client, tenant, refresh = 0 }: { client: Client; tenant: string; refresh?: number }) {
  return (
    <>
      <Heading>Configurations</Heading>
      <p class="muted">
        Tenant <span class="mono">{tenant}</span>. Each chart counts the configuration's user statuses, as its{' '}
        <code>userStatusSummary</code> reports them.
      </p>
      <ConfigurationCards client={client} tenant={tenant} refresh={refresh} />
    </>
  );
}

/** The cards alone, also shown under the simulation clock. */
export function ConfigurationCards({
  client,
  tenant,
  refresh = 0,
}: {
  client: Client;
  tenant: string;
  refresh?: number;
}) {
  const first = `${CONFIGS}?$top=${PAGE}&$count=true&$select=id,displayName,description,version,lastModifiedDateTime,targetedMobileApps`;
  const pager = usePager(first, [tenant]);
  const page = useLoad(async () => {
    const p = await client.graphJson<Page>(tenant, pager.url);
    const summaries = await client.batch(
      tenant,
      p.value.map((c) => ({
        url: `/deviceAppManagement/mobileAppConfigurations/${encodeURIComponent(c.id)}/userStatusSummary`,
      })),
    );
    return { page: p, summaries: summaries.map((s) => bodyOf<Summary>(s)) };
  }, [client, tenant, pager.url, refresh]);
  return (
    <Show value={page} what="the configurations">
      {({ page: p, summaries }) =>
        p.value.length === 0 ? (
          <p>This tenant has no configurations.</p>
        ) : (
          <>
            <ul class="cards" data-list="configurations">
              {p.value.map((c, i) => (
                <li class="card" key={c.id} data-config={c.id}>
                  <h2>
                    <a href={href.configuration(tenant, c.id)}>{c.displayName}</a>
                  </h2>
                  <p class="muted small">
                    {platformOf(c['@odata.type'])} · version {c.version} · changed {when(c.lastModifiedDateTime)}
                  </p>
                  {summaries[i] && (
                    <BarChart
                      name="config-user-statuses"
                      title={`User statuses of ${c.displayName}`}
                      bars={summaryBars(summaries[i])}
                      horizontal
                    />
                  )}
                </li>
              ))}
            </ul>
            {pager.controls(p['@odata.nextLink'], p['@odata.count'], p.value.length, 'configurations', PAGE)}
          </>
        )
      }
    </Show>
  );
}
