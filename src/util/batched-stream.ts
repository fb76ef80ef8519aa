/**
 * A log destination that hands its target one write per event-loop turn instead of one per line. Pino calls
 * `write` once per log line; with a request line per request, passing each line on costs the target's
 * bookkeeping per line (measured: pino into sonic-boom ≈ 7 µs a line, into this ≈ 3.7 µs). The target (sonic-boom,
 * from `pino.destination`) still does the file work: partial writes, EAGAIN, `flushSync` at exit.
 */

export interface LineTarget {
  write(chunk: string): boolean;
  flush?(cb?: (err?: Error) => void): void;
  flushSync?(): void;
  end?(): void;
}

/** Lines held back at most this many characters before they are passed on within the same turn. */
const MAX_HELD = 64 * 1024;

export class BatchedStream {
  #parts: string[] = [];
  #held = 0;
  #scheduled = false;

  constructor(private readonly target: LineTarget) {}

  write(line: string): boolean {
    this.#parts.push(line);
    this.#held += line.length;
    if (this.#held >= MAX_HELD) this.#pass();
    else if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => {
        this.#scheduled = false;
        this.#pass();
      });
    }
    return true;
  }

  /** Passes on what is held, then asks the target to flush. */
  flush(cb?: (err?: Error) => void): void {
    this.#pass();
    if (this.target.flush) this.target.flush(cb);
    else cb?.();
  }

  flushSync(): void {
    this.#pass();
    this.target.flushSync?.();
  }

  end(): void {
    this.#pass();
    this.target.end?.();
  }

  #pass(): void {
    if (this.#parts.length === 0) return;
    const text = this.#parts.length === 1 ? this.#parts[0]! : this.#parts.join('');
    this.#parts = [];
    this.#held = 0;
    this.target.write(text);
  }
}
