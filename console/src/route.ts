/** Where the console is, as the URL fragment says (`#/tenants/{tid}/configurations/{id}`); links are plain hrefs. */
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { readonly view: 'tenants' }
  | { readonly view: 'tenant'; readonly tenant: string }
  | { readonly view: 'configuration'; readonly tenant: string; readonly config: string }
  | { readonly view: 'query'; readonly tenant: string }
  | { readonly view: 'journal' }
  | { readonly view: 'clock' };

const seg = (s: string): string => encodeURIComponent(s);

export const href = {
  tenants: () => '#/',
  tenant: (tenant: string) => `#/tenants/${seg(tenant)}`,
  configuration: (tenant: string, config: string) => `#/tenants/${seg(tenant)}/configurations/${seg(config)}`,
  query: (tenant: string) => `#/tenants/${seg(tenant)}/query`,
  journal: () => '#/journal',
  clock: () => '#/clock',
};

export function parseRoute(hash: string): Route {
  const parts = hash
    .replace(/^#\/?/, '')
    .split('/')
    .filter((p) => p !== '')
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return p;
      }
    });
  const [a, tenant, b, config] = parts;
  if (a === 'journal') return { view: 'journal' };
  if (a === 'clock') return { view: 'clock' };
  if (a === 'tenants' && tenant) {
    if (b === 'configurations' && config) return { view: 'configuration', tenant, config };
    if (b === 'query') return { view: 'query', tenant };
    return { view: 'tenant', tenant };
  }
  return { view: 'tenants' };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}
