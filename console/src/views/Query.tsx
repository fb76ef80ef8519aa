/**
 * The query box, like Graph Explorer: a method, a Graph URL, request headers and a body go out with the tenant's
 * token attached; the answer comes back with its status, time, headers and body. URLs may be written relative
 * (`/v1.0/users`) or as Graph's own (`https://graph.microsoft.com/v1.0/users`): they go to this server either way.
 */
import { useState } from 'preact/hooks';
import type { Client } from '../client';
import { type Answer, message } from '../http';
import { Heading } from '../ui';

const METHODS = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'];
const GRAPH_HOST = /^https:\/\/graph\.microsoft\.com(?=\/)/i;

/** The path and query to send: Graph's host or this origin taken off; anything else on another host refused. */
export function localUrl(text: string): string {
  const t = text.trim().replace(GRAPH_HOST, '');
  const u = new URL(t, location.origin);
  if (u.origin !== location.origin) throw new Error(`Only this server can be asked; ${u.origin} is another.`);
  return `${u.pathname}${u.search}`;
}

/** `Name: value` lines → headers; a line without a colon is an error naming it. */
export function parseHeaders(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n').map((l) => l.trim())) {
    if (!line) continue;
    const i = line.indexOf(':');
    if (i <= 0) throw new Error(`A header line is 'Name: value'; got '${line}'.`);
    out[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return out;
}

function pretty(a: Answer): string {
  const type = a.headers.find(([k]) => k === 'content-type')?.[1] ?? '';
  if (!/json/i.test(type)) return a.text;
  try {
    return JSON.stringify(JSON.parse(a.text), null, 2);
  } catch {
    return a.text;
  }
}

export function QueryView({ client, tenant }: { client: Client; tenant: string }) {
  const [method, setMethod] = useState('GET');
  const [url, setUrl] = useState('/v1.0/deviceAppManagement/mobileAppConfigurations?$top=5');
  const [headers, setHeaders] = useState('');
  const [body, setBody] = useState('');
  const [busy, setBusy] = useState(false);
  const [answer, setAnswer] = useState<Answer | undefined>();
  const [error, setError] = useState<string | undefined>();
  const hasBody = method !== 'GET' && method !== 'DELETE';

  const run = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const h = parseHeaders(headers);
      if (hasBody && body.trim() && !Object.keys(h).some((k) => k.toLowerCase() === 'content-type'))
        h['Content-Type'] = 'application/json';
      setAnswer(
        await client.graph(tenant, method, localUrl(url), {
          headers: h,
          ...(hasBody && body.trim() ? { body } : {}),
        }),
      );
    } catch (err) {
      setAnswer(undefined);
      setError(message(err));
    } finally {
      setBusy(false);
    }
  };

  let next: string | undefined;
  try {
    next = answer ? (JSON.parse(answer.text) as { '@odata.nextLink'?: string })['@odata.nextLink'] : undefined;
  } catch {
    next = undefined;
  }

  return (
    <>
      <Heading>Query</Heading>
      <p class="muted">
        Send any Graph request as tenant <span class="mono">{tenant}</span>; its token is attached for you.
      </p>
      <form class="query" onSubmit={run} aria-label="Graph request">
        <div class="query-line">
          <label>
            Method
            <select name="method" value={method} onChange={(e) => setMethod(e.currentTarget.value)}>
              {METHODS.map((m) => (
                <option key={m}>{m}</option>
              ))}
            </select>
          </label>
          <label class="grow">
            URL
            <input
              name="url"
              value={url}
              onInput={(e) => setUrl(e.currentTarget.value)}
              required
              spellcheck={false}
              autocomplete="off"
            />
          </label>
          <button type="submit" disabled={busy}>
            {busy ? 'Sending…' : 'Run query'}
          </button>
        </div>
        <div class="query-line">
          <label class="grow">
            <span>
              Request headers <span class="muted small">(one “Name: value” a line)</span>
            </span>
            <textarea
              name="headers"
              rows={2}
              value={headers}
              placeholder="ConsistencyLevel: eventual"
              onInput={(e) => setHeaders(e.currentTarget.value)}
              spellcheck={false}
            />
          </label>
          <label class="grow">
            <span>Request body {!hasBody && <span class="muted small">(not sent with {method})</span>}</span>
            <textarea
              name="body"
              rows={4}
              value={body}
              disabled={!hasBody}
              onInput={(e) => setBody(e.currentTarget.value)}
              spellcheck={false}
            />
          </label>
        </div>
      </form>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {answer && (
        <section aria-labelledby="answer" class="answer" data-answer>
          <h2 id="answer">
            Answer:{' '}
            <span class={answer.status >= 400 ? 'bad' : 'good'} data-answer-status={answer.status}>
              {answer.status} {answer.statusText}
            </span>{' '}
            <span class="muted small">in {answer.ms.toFixed(0)} ms</span>
          </h2>
          {next && (
            <p>
              <button type="button" onClick={() => setUrl(localUrl(next))}>
                Put @odata.nextLink in the URL
              </button>
            </p>
          )}
          <details open>
            <summary>Headers</summary>
            <table class="grid headers" data-table="answer-headers">
              <caption class="visually-hidden">Response headers</caption>
              <thead>
                <tr>
                  <th scope="col">Header</th>
                  <th scope="col">Value</th>
                </tr>
              </thead>
              <tbody>
                {answer.headers.map(([k, v]) => (
                  <tr key={k}>
                    <th scope="row" class="mono">
                      {k}
                    </th>
                    <td class="mono">{v}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
          <h3>Body</h3>
          <pre class="body" data-answer-body>
            {pretty(answer) || '(empty)'}
          </pre>
        </section>
      )}
    </>
  );
}
