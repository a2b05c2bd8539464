import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Title, Tooltip } from 'chart.js';
import { useEffect, useMemo, useRef } from 'react';
import { cellText, chartShape, type Preview } from './preview.ts';

Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Legend, Title, Tooltip);

const palette = ['#2f6fdf', '#e07b39', '#3a9d5d', '#b04fc2', '#c9453a', '#7d8b99', '#d4a72c', '#1f9fa8'];

/**
 * Bars for one grouping, grouped bars for two, a line when the first grouping is a time period.
 * Loaded on demand (the builder imports it lazily), so the chart library is not in the first download.
 */
export default function PreviewChart({ preview, title }: { preview: Preview; title: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<Chart | null>(null);
  const shape = useMemo(() => chartShape(preview), [preview]);
  const kind = shape && preview.columns[shape.groups[0] ?? 0]?.key.endsWith('_period') ? 'line' : 'bar';
  useEffect(() => {
    if (!canvas.current || !shape) return;
    const [outer, inner] = shape.groups as [number, number | undefined];
    const labels = [...new Set(preview.rows.map((row) => cellText(row[outer])))];
    const series = inner === undefined ? [''] : [...new Set(preview.rows.map((row) => cellText(row[inner])))];
    const datasets = series.map((name, index) => ({
      label: name || (preview.columns[shape.measure]?.label ?? ''),
      backgroundColor: palette[index % palette.length],
      borderColor: palette[index % palette.length],
      data: labels.map((label) => {
        const row = preview.rows.find((candidate) => cellText(candidate[outer]) === label && (inner === undefined || cellText(candidate[inner]) === name));
        return row ? Number(row[shape.measure]?.value ?? 0) : 0;
      }),
    }));
    chart.current = new Chart(canvas.current, {
      type: kind,
      data: { labels, datasets },
      options: {
        animation: false,
        maintainAspectRatio: false,
        plugins: { title: { display: true, text: title }, legend: { display: inner !== undefined } },
      },
      // A white background, so the saved PNG is not transparent.
      plugins: [
        {
          id: 'background',
          beforeDraw: (drawn) => {
            const context = drawn.ctx;
            context.save();
            context.fillStyle = '#fff';
            context.fillRect(0, 0, drawn.width, drawn.height);
            context.restore();
          },
        },
      ],
    });
    return () => chart.current?.destroy();
  }, [preview, shape, title, kind]);

  const save = () => {
    if (!canvas.current) return;
    const link = document.createElement('a');
    link.download = `${title.replace(/[^\w-]+/g, '_').slice(0, 80) || 'chart'}.png`;
    link.href = withDescription(canvas.current, title, preview.description).toDataURL('image/png');
    link.click();
  };
  return (
    <figure className="chart" data-chart={kind}>
      <div className="chart-box">
        <canvas ref={canvas} role="img" aria-label={`Chart: ${title}`} />
      </div>
      <figcaption>
        {preview.description.join(' · ')}{' '}
        <button type="button" onClick={save}>
          Save chart as PNG
        </button>
      </figcaption>
    </figure>
  );
}

/** The chart with the request's sentences written below it, so the image explains itself. */
function withDescription(source: HTMLCanvasElement, title: string, description: string[]): HTMLCanvasElement {
  const lineHeight = 18;
  const out = document.createElement('canvas');
  out.width = source.width;
  out.height = source.height + lineHeight * (description.length + 1);
  const context = out.getContext('2d');
  if (!context) return source;
  context.fillStyle = '#fff';
  context.fillRect(0, 0, out.width, out.height);
  context.drawImage(source, 0, 0);
  context.fillStyle = '#333';
  context.font = '13px sans-serif';
  description.forEach((line, index) => {
    context.fillText(line, 10, source.height + lineHeight * (index + 1));
  });
  out.setAttribute('data-title', title);
  return out;
}
