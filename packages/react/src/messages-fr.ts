import { englishStringTranslator, TranslatableString } from '@rjsf/utils';
import type { SluiceMessages } from './messages.ts';

const lowerFirst = (text: string) => text.charAt(0).toLocaleLowerCase('fr') + text.slice(1);

// rjsf's own buttons in the parameter forms; any other of its texts stays English.
const formTexts: Partial<Record<TranslatableString, string>> = {
  [TranslatableString.AddButton]: 'Ajouter',
  [TranslatableString.AddItemButton]: 'Ajouter un élément',
  [TranslatableString.CopyButton]: 'Copier',
  [TranslatableString.MoveDownButton]: 'Descendre',
  [TranslatableString.MoveUpButton]: 'Monter',
  [TranslatableString.RemoveButton]: 'Supprimer',
  [TranslatableString.ClearButton]: 'vider le champ',
  [TranslatableString.OptionPrefix]: 'Option %1',
};

/**
 * The components' texts in French.
 *
 * @example <SluiceProvider client={client} messages={frenchMessages} locale="fr-BE">…</SluiceProvider>
 */
export const frenchMessages: SluiceMessages = {
  missingValue: '–',
  networkError: 'Le serveur est injoignable. Vérifiez votre connexion et réessayez.',
  unexpectedAnswer: ({ status }) => `Le serveur a répondu avec le statut ${status}.`,
  errorCode: ({ code }) => `(${code})`,
  formText: (text, params) => englishStringTranslator((formTexts[text] ?? text) as TranslatableString, params),
  defaultChoice: 'Par défaut',

  noExports: "Vous n'avez rien à exporter.",
  exportLabel: 'Export',
  filtersLegend: 'Filtres',
  groupByLegend: 'Regrouper par',
  scopesLegend: 'Périmètres',
  allScopesHint: 'Aucun coché : tous les vôtres.',
  formatLegend: 'Format',
  pivotLayout: 'Disposition',
  pivotRows: 'En lignes',
  pivotColumns: 'En colonnes',
  requestSentence: ({ parts: [first, ...rest], formatter }) =>
    first ? [first, ...rest.map(lowerFirst), ...(formatter ? [`en ${formatter}`] : [])].join(', ') : '',
  fieldIssue: ({ path, message }) => `${path} : ${message}`,
  fixMarkedFields: "Corrigez d'abord les champs signalés.",
  preview: 'Aperçu',
  previewBusy: "Chargement de l'aperçu…",
  download: 'Télécharger maintenant',
  downloadBusy: 'Téléchargement…',
  runAsTask: 'Lancer en tâche de fond',
  runAsTaskBusy: 'Mise en file…',
  notifyByEmail: 'Me prévenir par e-mail quand il est prêt',
  attachFile: 'Joindre le fichier',
  columnsLegend: 'Colonnes',
  columnHeader: ({ column }) => `En-tête de ${column}`,
  moveUp: ({ column }) => `Monter ${column}`,
  moveDown: ({ column }) => `Descendre ${column}`,
  defaultColumns: 'Colonnes par défaut',
  noColumnChosen: 'Choisissez au moins une colonne.',
  downloadTooLarge: "Plus de lignes qu'un aperçu n'en contient : lancez-le en tâche, le téléchargement ne pourra pas expirer",
  largeResultHint: "Ce résultat a plus de lignes qu'un aperçu n'en contient : une tâche de fond est le moyen sûr de l'obtenir.",
  taskQueued: ({ id }) => `Mis en file comme tâche n° ${id}.`,
  copyCommands: 'Copier en commande curl ou CLI',
  copyAs: ({ name }) => `Copier en ${name}`,
  copied: 'copié',
  previewHeading: 'Aperçu',
  previewStale: 'Le rapport a changé depuis cet aperçu.',
  previewTruncated: ({ rows }) => `Affichage des ${rows} premières lignes.`,
  chartLabel: ({ title }) => `Graphique : ${title}`,
  saveChart: 'Enregistrer le graphique en PNG',

  tasksLabel: "Tâches d'export",
  taskTitle: ({ id, export: name }) => `n° ${id} ${name}`,
  taskSummary: ({ formatter, createdAt }) => `en ${formatter}, créée le ${createdAt}`,
  taskStatus: { queued: 'en file', running: 'en cours', succeeded: 'terminée', failed: 'échouée', cancelled: 'annulée', cancelling: 'annulation…' },
  taskProgressLabel: ({ id }) => `Progression de la tâche ${id}`,
  taskAnnouncement: ({ id, status, percent }) => `Tâche ${id} ${status}, ${percent}`,
  taskRows: ({ processed, total, estimate }) => `${processed} / ${estimate ? '~' : ''}${total} lignes`,
  rowsPerSecond: ({ rate }) => `${rate} lignes/s`,
  eta: ({ duration }) => `fin dans ${duration}`,
  took: ({ duration }) => `durée ${duration}`,
  peakMemory: ({ size }) => `mémoire maximale ${size}`,
  attempt: ({ attempt, max }) => `essai ${attempt} sur ${max}`,
  downloadFile: ({ name, size }) => `Télécharger ${name} (${size})`,
  fileExpired: 'Le fichier a expiré.',
  cancel: 'Annuler',
  retry: 'Relancer',
  noTasks: "Aucune tâche pour l'instant : lancez-en une depuis le générateur d'exports.",
  newestTasks: 'Plus récentes',
  olderTasks: 'Plus anciennes →',
  deliveriesLabel: 'Envois',
  deliveryTarget: ({ kind, target }) => `${kind === 'email' ? 'E-mail' : 'Webhook'} à ${target}`,
  deliveryStatus: { waiting: 'en attente du fichier', retrying: 'nouvel essai prévu', sending: 'envoi en cours', sent: 'envoyé', failed: 'échoué' },
  deliveryNextTry: ({ at }) => `prochain essai ${at}`,

  historyCreated: 'Créé',
  historyDeleted: 'Supprimé',
  historyByline: ({ at, actor }) => `${at} · ${actor}`,
  systemActor: 'système',
  noHistory: 'Aucune modification enregistrée.',
  olderHistory: 'Afficher les modifications plus anciennes',
  asOfLabel: 'Voir tel qu’au',
  asOfRevision: 'Révision',
  asOfNothing: 'Aucun historique avant cette date.',

  syncIntro:
    "Les clients hors ligne (WatermelonDB, RxDB) tirent ces correspondances depuis /api/sync. Un tirage livre les changements jusqu'au filigrane : ceux validés après une transaction plus ancienne encore ouverte attendent sa fin, aucun n'est manqué.",
  watermark: 'Filigrane',
  heldBack: 'Retenus',
  heldBackValue: ({ changes, count, duration }) => `${changes} ${count === 1 ? 'changement' : 'changements'}, ${duration}`,
  mappingColumn: 'Correspondance',
  latestVersionColumn: 'Dernière version',
  checkpointColumn: "Point de reprise d'un premier tirage",
  noMappings: "Vous n'avez rien à synchroniser.",
};
