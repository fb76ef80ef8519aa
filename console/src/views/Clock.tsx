/**
 * The simulation clock (docs/simulation.md): where sim time stands, and a button to move it forward, which runs
 * every device check-in that falls due (`POST /_admin/clock {"advance":"PT8H"}`). Without `serve --simulate` the
 * control plane answers 404 (or 409), and the console says the simulation is off. Under the clock, the chosen
 * tenant's configurations show their statuses moving as it runs.
 */
import { useEffect, useState } from 'preact/hooks';
import type { Client } from '../client';
import { HttpError, message } from '../http';
import { href } from '../route';
import { when } from '../status';
import { Heading } from '../ui';
import { ConfigurationCards } from './Tenant';

type ClockState =
  | { readonly state: 'loading' }
  | { readonly state: 'off'; readonly why: string }
  | { readonly state: 'error'; readonly error: string }
  | { readonly state: 'on'; readonly clock: Record<string, unknown> };

const STEPS = [
  { value: 'PT1H', label: '1 hour' },
  { value: 'PT8H', label: '8 hours' },
  { value: 'P1D', label: '1 day' },
  { value: 'P7D', label: '1 week' },
];

/** An ISO 8601 duration of days, hours, minutes and seconds, as the control plane takes it. */
const DURATION = /^P(?!$)(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/;

const isDate = (v: unknown): v is string => typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v);

function Value({ v }: { v: unknown }) {
  if (isDate(v)) return <time dateTime={v}>{when(v)}</time>;
  if (v !== null && typeof v === 'object') return <code>{JSON.stringify(v)}</code>;
  return <>{String(v)}</>;
}

export function ClockView({ client, tenant }: { client: Client; tenant: string | undefined }) {
  const [clock, setClock] = useState<ClockState>({ state: 'loading' });
  const [step, setStep] = useState('PT8H');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<string | undefined>();
  const [moves, setMoves] = useState(0);

  const read = async () => {
    try {
      setClock({ state: 'on', clock: await client.adminJson<Record<string, unknown>>('GET', '/clock') });
    } catch (e) {
      if (e instanceof HttpError && (e.status === 404 || e.status === 409)) setClock({ state: 'off', why: e.message });
      else setClock({ state: 'error', error: message(e) });
    }
  };
  useEffect(() => {
    void read();
    // A real clock runs on its own: read it again now and then.
    const t = setInterval(read, 5000);
    return () => clearInterval(t);
  }, [client]);

  const advance = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setOutcome(undefined);
    try {
      const r = await client.adminJson<Record<string, unknown>>('POST', '/clock', { advance: step });
      setOutcome(
        `Moved ${step}: ${Object.entries(r)
          .filter(([, v]) => typeof v === 'number')
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}`,
      );
      setMoves((m) => m + 1);
      await read();
    } catch (err) {
      if (err instanceof HttpError && (err.status === 404 || err.status === 409))
        setClock({ state: 'off', why: err.message });
      else setOutcome(`Could not move the clock: ${message(err)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Heading>Simulation clock</Heading>
      {clock.state === 'loading' && (
        <p class="muted" role="status">
          Reading the clock…
        </p>
      )}
      {clock.state === 'error' && (
        <p class="error" role="alert">
          Could not read the clock: {clock.error}
        </p>
      )}
      {clock.state === 'off' && (
        <div class="notice" data-simulation="off">
          <h2>Simulation off</h2>
          <p>
            This server is a faithful store: statuses change only when clients write them. Start it with{' '}
            <code>serve --simulate</code> to have devices check in on a clock and resolve pending statuses.
          </p>
          <p class="muted small">The server said: {clock.why}</p>
        </div>
      )}
      {clock.state === 'on' && (
        <>
          <dl class="facts" data-clock>
            {Object.entries(clock.clock).map(([k, v]) => (
              <div key={k}>
                <dt>{k}</dt>
                <dd>
                  <Value v={v} />
                </dd>
              </div>
            ))}
          </dl>
          <form class="toolbar" onSubmit={advance} aria-label="Advance the clock">
            <label>
              Advance by
              <select
                name="advance"
                value={STEPS.some((s) => s.value === step) ? step : ''}
                onChange={(e) => e.currentTarget.value && setStep(e.currentTarget.value)}
              >
                {STEPS.map((s) => (
                  <option key={s.value} value={s.value}>
                    {s.label}
                  </option>
                ))}
                <option value="">other…</option>
              </select>
            </label>
            <label>
              Duration (ISO 8601)
              <input
                name="duration"
                value={step}
                onInput={(e) => setStep(e.currentTarget.value.toUpperCase())}
                pattern={DURATION.source}
                required
                size={10}
              />
            </label>
            <button type="submit" disabled={busy || !DURATION.test(step)}>
              {busy ? 'Advancing…' : 'Advance the clock'}
            </button>
          </form>
          <p role="status" data-clock-outcome>
            {outcome ?? ''}
          </p>
        </>
      )}
      <section aria-labelledby="moving">
        <h2 id="moving">Statuses</h2>
        {tenant ? (
          <ConfigurationCards client={client} tenant={tenant} refresh={moves} />
        ) : (
          <p class="muted">
            Choose a tenant on the <a href={href.tenants()}>tenants</a> page to watch its statuses here.
          </p>
        )}
      </section>
    </>
  );
}
