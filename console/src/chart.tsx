/**
 * A bar chart (Chart.js on a canvas) with its numbers as text: the canvas is an image whose label reads out every
 * bar, and a table beside it holds the same numbers for those who read rather than look (and for tests). Only the
 * parts of Chart.js a bar chart needs are registered, so the rest is left out of the bundle.
 */
import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip } from 'chart.js';
import { useEffect, useRef } from 'preact/hooks';
import { num } from './status';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

export interface Bar {
  readonly key: string;
  readonly label: string;
  readonly value: number;
  readonly color: string;
}

export interface BarChartProps {
  /** Says what is counted: the caption, and the start of the canvas's label. */
  readonly title: string;
  readonly bars: readonly Bar[];
  /** Horizontal bars suit few long labels; vertical ones a time axis. */
  readonly horizontal?: boolean;
  /** `visible`: a legend table beside the chart; `details`: the table behind a disclosure (many bars). */
  readonly table?: 'visible' | 'details';
  readonly size?: 'small' | 'large';
  /** A `data-chart` name for tests and styles. */
  readonly name: string;
}

export function BarChart({ title, bars, horizontal, table = 'visible', size = 'small', name }: BarChartProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<Chart<'bar'> | null>(null);

  useEffect(() => {
    const el = canvas.current;
    if (!el) return;
    chart.current = new Chart(el, {
      type: 'bar',
      data: { labels: [], datasets: [{ label: title, data: [], backgroundColor: [], borderWidth: 0 }] },
      options: {
        indexAxis: horizontal ? 'y' : 'x',
        responsive: true,
        maintainAspectRatio: false,
        // Numbers change while one looks (the clock, the journal): no motion, and screenshots are stable.
        animation: false,
        plugins: { legend: { display: false }, tooltip: { enabled: true } },
        scales: {
          x: { beginAtZero: true, ticks: { color: '#424a53', precision: 0 }, grid: { display: !horizontal } },
          y: { beginAtZero: true, ticks: { color: '#424a53', precision: 0 }, grid: { display: !!horizontal } },
        },
      },
    });
    return () => {
      chart.current?.destroy();
      chart.current = null;
    };
  }, [horizontal, title]);

  useEffect(() => {
    const c = chart.current;
    const ds = c?.data.datasets[0];
    if (!c || !ds) return;
    c.data.labels = bars.map((b) => b.label);
    ds.data = bars.map((b) => b.value);
    ds.backgroundColor = bars.map((b) => b.color);
    c.update();
  }, [bars]);

  const spoken = `${title}: ${bars.map((b) => `${b.label} ${num(b.value)}`).join(', ')}.`;
  const numbers = (
    <table class="numbers" data-chart-table={name}>
      <caption class="visually-hidden">{title}</caption>
      <thead>
        <tr>
          <th scope="col">{horizontal ? 'Status' : 'Period'}</th>
          <th scope="col" class="n">
            Count
          </th>
        </tr>
      </thead>
      <tbody>
        {bars.map((b) => (
          <tr key={b.key} data-key={b.key}>
            <th scope="row">
              <span class="swatch" style={{ backgroundColor: b.color }} aria-hidden="true" />
              {b.label}
            </th>
            <td class="n" data-value={b.value}>
              {num(b.value)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
  return (
    <figure class={`chart chart-${size}`} data-chart={name}>
      <figcaption>{title}</figcaption>
      <div class="chart-body">
        <div class="chart-canvas">
          <canvas ref={canvas} role="img" aria-label={spoken} />
        </div>
        {table === 'visible' ? (
          numbers
        ) : (
          <details>
            <summary>The numbers</summary>
            {numbers}
          </details>
        )}
      </div>
    </figure>
  );
}
