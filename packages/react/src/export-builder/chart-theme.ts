/** Series colours when the page defines no `--sluice-chart-N`. */
const fallbackPalette = ['#2f6fdf', '#e07b39', '#3a9d5d', '#b04fc2', '#c9453a', '#7d8b99', '#d4a72c', '#1f9fa8'];

/** The colours a chart draws with, read from the theme's custom properties (a canvas cannot use CSS). */
export interface ChartTheme {
  series: string[];
  ink: string;
  surface: string;
  font: string;
}

/** The theme in force at `element`: `--sluice-chart-1` … `--sluice-chart-8`, `--sluice-ink`, `--sluice-surface`, and the font in effect. */
export function chartTheme(element: Element): ChartTheme {
  const style = getComputedStyle(element);
  const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    series: fallbackPalette.map((colour, index) => read(`--sluice-chart-${index + 1}`, colour)),
    ink: read('--sluice-ink', '#1d2330'),
    surface: read('--sluice-surface', '#fff'),
    font: read('--sluice-font-family', style.fontFamily),
  };
}
