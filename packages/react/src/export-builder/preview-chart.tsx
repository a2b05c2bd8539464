import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Title, Tooltip } from 'chart.js';
import { useEffect, useMemo, useRef } from 'react';
import type { LocaleFormat } from '../locale-format.ts';
import type { ExportPreview } from '../server-types.ts';
import { useSluice } from '../sluice-provider.tsx';
import { cellText } from './cell-text.ts';
import { chartShape } from './chart-shape.ts';
import { type ChartTheme, chartTheme } from './chart-theme.ts';

Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Legend, Title, Tooltip);

type Shape = NonNullable<ReturnType<typeof chartShape>>;

/** Labels along the first grouping, one dataset per value of the second (or one for the measure). */
function chartData(preview: ExportPreview, shape: Shape, theme: ChartTheme, format: LocaleFormat) {
  const text = (cell: ExportPreview['rows'][number][number] | undefined) => cellText(cell, format, '');
  const [outer, inner] = shape.groups as [number, number | undefined];
  const labels = [...new Set(preview.rows.map((row) => text(row[outer])))];
  const series = inner === undefined ? [''] : [...new Set(preview.rows.map((row) => text(row[inner])))];
  const datasets = series.map((name, index) => ({
    label: name || (preview.columns[shape.measure]?.label ?? ''),
    backgroundColor: theme.series[index % theme.series.length],
    borderColor: theme.series[index % theme.series.length],
    data: labels.map((label) => {
      const row = preview.rows.find((candidate) => text(candidate[outer]) === label && (inner === undefined || text(candidate[inner]) === name));
      return row ? Number(row[shape.measure]?.value ?? 0) : 0;
    }),
  }));
  return { labels, datasets };
}

/** The chart with the request's sentences written below it, so the saved image explains itself. */
function withDescription(source: HTMLCanvasElement, description: string[], theme: ChartTheme): HTMLCanvasElement {
  const lineHeight = 18;
  const out = document.createElement('canvas');
  out.width = source.width;
  out.height = source.height + lineHeight * (description.length + 1);
  const context = out.getContext('2d');
  if (!context) return source;
  context.fillStyle = theme.surface;
  context.fillRect(0, 0, out.width, out.height);
  context.drawImage(source, 0, 0);
  context.fillStyle = theme.ink;
  context.font = `13px ${theme.font}`;
  description.forEach((line, index) => {
    context.fillText(line, 10, source.height + lineHeight * (index + 1));
  });
  return out;
}

/** Painted behind the chart, so the saved PNG is not transparent. */
function background(colour: string) {
  return {
    id: 'background',
    beforeDraw: ({ ctx, width, height }: Chart) => {
      ctx.save();
      ctx.fillStyle = colour;
      ctx.fillRect(0, 0, width, height);
      ctx.restore();
    },
  };
}

function savePng(canvas: HTMLCanvasElement, title: string, description: string[], theme: ChartTheme): void {
  const link = document.createElement('a');
  link.download = `${title.replace(/[^\w-]+/g, '_').slice(0, 80) || 'chart'}.png`;
  link.href = withDescription(canvas, description, theme).toDataURL('image/png');
  link.click();
}

/**
 * Bars for one grouping, grouped bars for two, a line when the first grouping is a time period.
 * The builder imports this module lazily, so chart.js is not part of the first download.
 */
export default function PreviewChart({ preview, title }: { preview: ExportPreview; title: string }) {
  const { messages, format } = useSluice();
  const canvas = useRef<HTMLCanvasElement>(null);
  const shape = useMemo(() => chartShape(preview), [preview]);
  useEffect(() => {
    if (!canvas.current || !shape) return;
    const theme = chartTheme(canvas.current);
    const chart = new Chart(canvas.current, {
      type: shape.kind,
      data: chartData(preview, shape, theme, format),
      options: {
        animation: false,
        maintainAspectRatio: false,
        color: theme.ink,
        font: { family: theme.font },
        plugins: { title: { display: true, text: title, color: theme.ink }, legend: { display: shape.groups.length > 1 } },
      },
      plugins: [background(theme.surface)],
    });
    return () => chart.destroy();
  }, [preview, shape, title, format]);
  const save = () => canvas.current && savePng(canvas.current, title, preview.description, chartTheme(canvas.current));
  return (
    <figure className="sluice-chart" data-chart={shape?.kind}>
      <div className="sluice-chart-box">
        <canvas ref={canvas} role="img" aria-label={messages.chartLabel({ title })} />
      </div>
      <figcaption>
        {preview.description.map((sentence) => (
          <span key={sentence} className="sluice-caption-part">
            {sentence}
          </span>
        ))}
        <button type="button" className="sluice-button" onClick={save}>
          {messages.saveChart}
        </button>
      </figcaption>
    </figure>
  );
}
