/**
 * Fault rules (docs/admin.md#faults): asked by the pipeline once a request's caller is known and before anything
 * runs, each rule may answer with Graph's error for a status instead. Rules are tried in the order they were
 * added; the first that takes a request answers it. `times` spends a rule after N answers; `probability` lets a
 * rule take a matching request only when a seeded draw says so, so a run with the same seed faults the same
 * requests.
 */
import type { FaultAnswer, FaultGate, FaultQuery } from '../api/observe.js';
import { draw } from '../sim/draw.js';
import { newId } from '../util/ids.js';
import { compileGlob, versionlessPath } from './glob.js';

export interface FaultRuleInput {
  readonly method?: string;
  readonly path: string;
  readonly tenant?: string;
  readonly app?: string;
  readonly status: number;
  readonly retryAfter?: number;
  readonly latencyMs?: number;
  readonly times?: number;
  readonly probability?: number;
  readonly seed?: number;
}

/** A rule as the control plane answers it. */
export interface FaultRule {
  readonly id: string;
  readonly method: string | null;
  readonly path: string;
  readonly tenant: string | null;
  readonly app: string | null;
  readonly status: number;
  readonly retryAfter: number | null;
  readonly latencyMs: number | null;
  readonly times: number | null;
  readonly probability: number | null;
  /** The seed of the draws when `probability` is set (the rule's own, `--fault-seed`, or a random one). */
  readonly seed: number | null;
  /** Requests it has answered. */
  readonly matched: number;
  /** Whether `times` is used up. */
  readonly spent: boolean;
  readonly created: string;
}

interface Live {
  readonly rule: Omit<FaultRule, 'matched' | 'spent'>;
  readonly glob: RegExp;
  matched: number;
  /** Requests that fitted method, path, tenant and app, whether or not the draw took them. */
  candidates: number;
}

const view = (l: Live): FaultRule => ({
  ...l.rule,
  matched: l.matched,
  spent: l.rule.times !== null && l.matched >= l.rule.times,
});

export class FaultRules implements FaultGate {
  private readonly rules: Live[] = [];

  /** `defaultSeed` (`--fault-seed`) seeds rules that bring none; without it each such rule draws its own. */
  constructor(private readonly defaultSeed?: number) {}

  add(input: FaultRuleInput): FaultRule {
    const seed =
      input.probability === undefined ? null : (input.seed ?? this.defaultSeed ?? Math.floor(Math.random() * 2 ** 31));
    const live: Live = {
      rule: {
        id: newId(),
        method: input.method?.toUpperCase() ?? null,
        path: input.path,
        tenant: input.tenant ?? null,
        app: input.app ?? null,
        status: input.status,
        retryAfter: input.retryAfter ?? null,
        latencyMs: input.latencyMs ?? null,
        times: input.times ?? null,
        probability: input.probability ?? null,
        seed,
        created: new Date().toISOString(),
      },
      glob: compileGlob(input.path),
      matched: 0,
      candidates: 0,
    };
    this.rules.push(live);
    return view(live);
  }

  list(): FaultRule[] {
    return this.rules.map(view);
  }

  get(id: string): FaultRule | undefined {
    const l = this.rules.find((r) => r.rule.id === id);
    return l && view(l);
  }

  delete(id: string): boolean {
    const i = this.rules.findIndex((r) => r.rule.id === id);
    if (i < 0) return false;
    this.rules.splice(i, 1);
    return true;
  }

  clear(): void {
    this.rules.length = 0;
  }

  match(q: FaultQuery): FaultAnswer | undefined {
    if (this.rules.length === 0) return undefined;
    const path = versionlessPath(q.url);
    for (const l of this.rules) {
      const r = l.rule;
      if (r.times !== null && l.matched >= r.times) continue;
      if (r.method !== null && r.method !== q.method) continue;
      if (r.tenant !== null && r.tenant !== q.tenant) continue;
      if (r.app !== null && r.app !== q.app) continue;
      if (!l.glob.test(path)) continue;
      const n = l.candidates++;
      if (r.probability !== null && draw(r.seed!, n) >= r.probability) continue;
      l.matched++;
      return {
        rule: r.id,
        status: r.status,
        ...(r.retryAfter !== null ? { retryAfter: r.retryAfter } : {}),
        ...(r.latencyMs !== null ? { latencyMs: r.latencyMs } : {}),
      };
    }
    return undefined;
  }
}
