/**
 * Statuses as the console shows them: the summary's categories (docs/api.md#computed-summaries) with their
 * colours, the status enum for filters, and number and date formats. Colours are told apart by people with the
 * common colour-vision deficiencies (blue/orange/purple apart from red/green) and each has a 3:1 contrast
 * against the white page, as a graphic needs (WCAG 1.4.11).
 */

export interface Summary {
  readonly successCount: number;
  readonly errorCount: number;
  readonly failedCount: number;
  readonly pendingCount: number;
  readonly notApplicableCount: number;
  readonly conflictCount?: number;
  readonly lastUpdateDateTime: string;
  readonly configurationVersion: number;
}

export interface Category {
  readonly key: keyof Summary;
  readonly label: string;
  /** The statuses it counts, for the table's filter. */
  readonly statuses: readonly string[];
  readonly color: string;
}

export const CATEGORIES: readonly Category[] = [
  { key: 'successCount', label: 'Succeeded', statuses: ['compliant', 'remediated'], color: '#1a7f37' },
  { key: 'errorCount', label: 'Error', statuses: ['error'], color: '#cf222e' },
  { key: 'failedCount', label: 'Failed', statuses: ['nonCompliant'], color: '#bc4c00' },
  { key: 'conflictCount', label: 'Conflict', statuses: ['conflict'], color: '#8250df' },
  { key: 'pendingCount', label: 'Pending', statuses: ['unknown'], color: '#0969da' },
  { key: 'notApplicableCount', label: 'Not applicable', statuses: ['notApplicable'], color: '#6e7781' },
];

/** The complianceStatus members, in the schema's order, with the words the filter shows. */
export const STATUSES: readonly { readonly value: string; readonly label: string }[] = [
  { value: 'unknown', label: 'Unknown (pending)' },
  { value: 'notApplicable', label: 'Not applicable' },
  { value: 'compliant', label: 'Compliant' },
  { value: 'remediated', label: 'Remediated' },
  { value: 'nonCompliant', label: 'Non-compliant' },
  { value: 'error', label: 'Error' },
  { value: 'conflict', label: 'Conflict' },
  { value: 'notAssigned', label: 'Not assigned' },
];

export const statusLabel = (v: string): string => STATUSES.find((s) => s.value === v)?.label ?? v;

/** The colour of the category a status is counted in; grey for `notAssigned`, counted nowhere. */
export const statusColor = (v: string): string => CATEGORIES.find((c) => c.statuses.includes(v))?.color ?? '#57606a';

export const countOf = (s: Summary, c: Category): number => Number(s[c.key] ?? 0);

const NUMBER = new Intl.NumberFormat('en');
export const num = (n: number): string => NUMBER.format(n);

const NEVER = '0001-01-01T00:00:00';
/** A Graph date-time in the reader's locale and zone, or a dash for none (Graph writes year 1 for "never"). */
export function when(iso: string | null | undefined): string {
  if (!iso || iso.startsWith(NEVER)) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString('en', { dateStyle: 'medium', timeStyle: 'short' });
}

/** A summary as one bar per category, for a chart. */
export const summaryBars = (s: Summary) =>
  CATEGORIES.map((c) => ({ key: String(c.key), label: c.label, value: countOf(s, c), color: c.color }));

/** `#microsoft.graph.iosMobileAppConfiguration` → `iOS`. */
export function platformOf(odataType: string | undefined): string {
  const t = (odataType ?? '').replace(/^#?microsoft\.graph\./, '');
  if (t.startsWith('ios')) return 'iOS';
  if (t.startsWith('android')) return 'Android';
  return t || 'unknown';
}
