import { csvFormatter, csvListFormatter, ExportRegistry, jsonFormatter, odsFormatter, xlsxFormatter } from '@sluice/export';
import { activityElements } from './activity-elements.ts';
import { personElements } from './person-elements.ts';
import { demoLocales, demoTranslator } from './translations.ts';

/** The demo's exports, filters, aggregators and formatters; aliases are a public contract. */
export function demoExportRegistry(): ExportRegistry {
  const registry = new ExportRegistry({ locales: demoLocales, translator: demoTranslator() });
  for (const module of [personElements, activityElements]) {
    for (const definition of module.exports) registry.registerExport(definition);
    for (const definition of module.filters) registry.registerFilter(definition as never);
    for (const definition of module.aggregators) registry.registerAggregator(definition as never);
  }
  for (const formatter of [csvFormatter, csvListFormatter, xlsxFormatter, odsFormatter, jsonFormatter]) registry.registerFormatter(formatter as never);
  return registry;
}
