import { englishStringTranslator, TranslatableString } from '@rjsf/utils';
import type { SluiceMessages } from './messages.ts';

const lowerFirst = (text: string) => text.charAt(0).toLocaleLowerCase('nl') + text.slice(1);

// rjsf's own buttons in the parameter forms; any other of its texts stays English.
const formTexts: Partial<Record<TranslatableString, string>> = {
  [TranslatableString.AddButton]: 'Toevoegen',
  [TranslatableString.AddItemButton]: 'Element toevoegen',
  [TranslatableString.CopyButton]: 'Kopiëren',
  [TranslatableString.MoveDownButton]: 'Omlaag',
  [TranslatableString.MoveUpButton]: 'Omhoog',
  [TranslatableString.RemoveButton]: 'Verwijderen',
  [TranslatableString.ClearButton]: 'veld leegmaken',
  [TranslatableString.OptionPrefix]: 'Optie %1',
};

/**
 * The components' texts in Dutch.
 *
 * @example <SluiceProvider client={client} messages={dutchMessages} locale="nl-BE">…</SluiceProvider>
 */
export const dutchMessages: SluiceMessages = {
  missingValue: '–',
  networkError: 'De server is niet bereikbaar. Controleer je verbinding en probeer opnieuw.',
  unexpectedAnswer: ({ status }) => `De server antwoordde met status ${status}.`,
  errorCode: ({ code }) => `(${code})`,
  formText: (text, params) => englishStringTranslator((formTexts[text] ?? text) as TranslatableString, params),
  defaultChoice: 'Standaard',

  noExports: 'Er is niets dat je mag exporteren.',
  exportLabel: 'Export',
  filtersLegend: 'Filters',
  groupByLegend: 'Groeperen per',
  scopesLegend: 'Bereiken',
  allScopesHint: 'Niets aangevinkt: al de jouwe.',
  formatLegend: 'Formaat',
  pivotLayout: 'Indeling',
  pivotRows: 'Als rijen',
  pivotColumns: 'Als kolommen',
  requestSentence: ({ parts: [first, ...rest], formatter }) =>
    first ? [first, ...rest.map(lowerFirst), ...(formatter ? [`als ${formatter}`] : [])].join(', ') : '',
  fieldIssue: ({ path, message }) => `${path}: ${message}`,
  fixMarkedFields: 'Verbeter eerst de gemarkeerde velden.',
  preview: 'Voorbeeld',
  previewBusy: 'Voorbeeld laden…',
  download: 'Nu downloaden',
  downloadBusy: 'Downloaden…',
  runAsTask: 'Als achtergrondtaak uitvoeren',
  runAsTaskBusy: 'In de wachtrij zetten…',
  notifyByEmail: 'Stuur me een e-mail als het klaar is',
  attachFile: 'Het bestand bijvoegen',
  columnsLegend: 'Kolommen',
  columnHeader: ({ column }) => `Kop voor ${column}`,
  moveUp: ({ column }) => `${column} omhoog`,
  moveDown: ({ column }) => `${column} omlaag`,
  defaultColumns: 'Standaardkolommen',
  noColumnChosen: 'Kies minstens één kolom.',
  downloadTooLarge: 'Meer rijen dan een voorbeeld bevat: voer het uit als taak, dan kan de download niet verlopen',
  largeResultHint: 'Dit resultaat heeft meer rijen dan een voorbeeld bevat: een achtergrondtaak is de veilige weg.',
  taskQueued: ({ id }) => `In de wachtrij als taak nr. ${id}.`,
  copyCommands: 'Kopiëren als curl- of CLI-opdracht',
  copyAs: ({ name }) => `Kopiëren als ${name}`,
  copied: 'gekopieerd',
  previewHeading: 'Voorbeeld',
  previewStale: 'Het rapport is gewijzigd sinds dit voorbeeld.',
  previewTruncated: ({ rows }) => `De eerste ${rows} rijen worden getoond.`,
  chartLabel: ({ title }) => `Grafiek: ${title}`,
  saveChart: 'Grafiek opslaan als PNG',

  tasksLabel: 'Exporttaken',
  taskTitle: ({ id, export: name }) => `nr. ${id} ${name}`,
  taskSummary: ({ formatter, createdAt }) => `als ${formatter}, aangemaakt ${createdAt}`,
  taskStatus: { queued: 'in wachtrij', running: 'bezig', succeeded: 'voltooid', failed: 'mislukt', cancelled: 'geannuleerd', cancelling: 'annuleren…' },
  taskProgressLabel: ({ id }) => `Voortgang van taak ${id}`,
  taskAnnouncement: ({ id, status, percent }) => `Taak ${id} ${status}, ${percent}`,
  taskRows: ({ processed, total, estimate }) => `${processed} / ${estimate ? '~' : ''}${total} rijen`,
  rowsPerSecond: ({ rate }) => `${rate} rijen/s`,
  eta: ({ duration }) => `klaar over ${duration}`,
  took: ({ duration }) => `duurde ${duration}`,
  peakMemory: ({ size }) => `piekgeheugen ${size}`,
  attempt: ({ attempt, max }) => `poging ${attempt} van ${max}`,
  downloadFile: ({ name, size }) => `${name} downloaden (${size})`,
  fileExpired: 'Het bestand is verlopen.',
  cancel: 'Annuleren',
  retry: 'Opnieuw',
  noTasks: 'Nog geen taken: start er een vanuit de exportbouwer.',
  newestTasks: 'Nieuwste',
  olderTasks: 'Oudere →',
  deliveriesLabel: 'Verzendingen',
  deliveryTarget: ({ kind, target }) => `${kind === 'email' ? 'E-mail' : 'Webhook'} naar ${target}`,
  deliveryStatus: { waiting: 'wacht op het bestand', retrying: 'nieuwe poging gepland', sending: 'bezig met verzenden', sent: 'verzonden', failed: 'mislukt' },
  deliveryNextTry: ({ at }) => `volgende poging ${at}`,

  historyCreated: 'Aangemaakt',
  historyDeleted: 'Verwijderd',
  historyByline: ({ at, actor }) => `${at} · ${actor}`,
  systemActor: 'systeem',
  noHistory: 'Nog geen wijzigingen vastgelegd.',
  olderHistory: 'Oudere wijzigingen tonen',
  asOfLabel: 'Bekijken zoals op',
  asOfRevision: 'Revisie',
  asOfNothing: 'Geen geschiedenis vóór dat tijdstip.',

  syncIntro:
    'Offline clients (WatermelonDB, RxDB) halen deze koppelingen op via /api/sync. Een ophaling levert wijzigingen tot het watermerk: wijzigingen vastgelegd na een oudere transactie die nog loopt, wachten tot die eindigt, zodat er geen gemist wordt.',
  watermark: 'Watermerk',
  heldBack: 'Tegengehouden',
  heldBackValue: ({ changes, count, duration }) => `${changes} ${count === 1 ? 'wijziging' : 'wijzigingen'}, ${duration}`,
  mappingColumn: 'Koppeling',
  latestVersionColumn: 'Laatste versie',
  checkpointColumn: 'Controlepunt waar een eerste ophaling verdergaat',
  noMappings: 'Er is niets dat je mag synchroniseren.',
};
