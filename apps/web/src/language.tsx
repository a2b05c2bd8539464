import { dutchMessages, frenchMessages, type SluiceMessages } from '@sluice/react';
import { createContext, type ReactNode, use, useEffect, useMemo, useState } from 'react';

/** The columns of the demo's lists. */
export type ColumnLabel =
  | 'id'
  | 'lastName'
  | 'firstName'
  | 'gender'
  | 'born'
  | 'nationality'
  | 'center'
  | 'date'
  | 'person'
  | 'type'
  | 'minutes'
  | 'order'
  | 'status'
  | 'total'
  | 'delivery'
  | 'placed';

/** The demo's own words (navigation, login, headings, lists); the components bring theirs. */
/** The order page's words; `statuses` name the API's status values. */
export interface OrderTexts {
  back: string;
  title(id: number): string;
  edit: string;
  status: string;
  statuses: Record<string, string>;
  deliveryDate: string;
  totalPrice: string;
  save: string;
  saving: string;
  products: string;
  product(id: number): string;
  remove: string;
  addProduct: string;
  choose: string;
  history: string;
}

export interface WebTexts {
  order: OrderTexts;
  columns: Record<ColumnLabel, string>;
  genders: Record<'female' | 'male' | 'other', string>;
  nothingHere: string;
  previous: string;
  next: string;
  rowsPerPage: string;
  language: string;
  exportBuilder: string;
  savedExports: string;
  tasks: string;
  people: string;
  activities: string;
  orders: string;
  sync: string;
  logOut: string;
  logIn: string;
  loggingIn: string;
  username: string;
  password: string;
  tagline: string;
  demoUsers: string;
  notHereTitle: string;
  notHere(path: string): string;
  firstPage: string;
}

interface Language {
  /** Its own name, as the language menu lists it. */
  name: string;
  /** Dates and numbers as its readers write them. */
  locale: string;
  messages: Partial<SluiceMessages>;
  texts: WebTexts;
}

const english: Language = {
  name: 'English',
  locale: 'en-US',
  messages: { scopesLegend: 'Centers', allScopesHint: 'None ticked: all your centers.' },
  texts: {
    order: {
      back: 'Orders',
      title: (id) => `Order #${id}`,
      edit: 'Edit order',
      status: 'Status',
      statuses: { New: 'New', Collecting: 'Collecting', Shipped: 'Shipped', Delivered: 'Delivered', Cancelled: 'Cancelled' },
      deliveryDate: 'Delivery date',
      totalPrice: 'Total price (€)',
      save: 'Save',
      saving: 'Saving…',
      products: 'Products',
      product: (id) => `Product ${id}`,
      remove: 'Remove',
      addProduct: 'Add a product',
      choose: 'Choose…',
      history: 'History',
    },
    columns: {
      id: 'Id',
      lastName: 'Last name',
      firstName: 'First name',
      gender: 'Gender',
      born: 'Born',
      nationality: 'Nationality',
      center: 'Center',
      date: 'Date',
      person: 'Person',
      type: 'Type',
      minutes: 'Minutes',
      order: 'Order',
      status: 'Status',
      total: 'Total',
      delivery: 'Delivery',
      placed: 'Placed',
    },
    genders: { female: 'Female', male: 'Male', other: 'Other' },
    nothingHere: 'Nothing here.',
    previous: 'Previous',
    next: 'Next',
    rowsPerPage: 'Rows per page',
    language: 'Language',
    exportBuilder: 'Export builder',
    savedExports: 'Saved exports',
    tasks: 'Tasks',
    people: 'People',
    activities: 'Activities',
    orders: 'Orders',
    sync: 'Sync',
    logOut: 'Log out',
    logIn: 'Log in',
    loggingIn: 'Logging in…',
    username: 'Username',
    password: 'Password',
    tagline: 'Exports, tasks, lists, history and sync on MikroORM 7.',
    demoUsers: 'Demo users: alice / alice (exports, history, sync), bob / bob (no export role), admin / admin.',
    notHereTitle: 'Not here',
    notHere: (path) => `There is no page at ${path} for you.`,
    firstPage: 'Go to your first page',
  },
};

const french: Language = {
  name: 'Français',
  locale: 'fr-BE',
  messages: { ...frenchMessages, scopesLegend: 'Centres', allScopesHint: 'Aucun coché : tous vos centres.' },
  texts: {
    order: {
      back: 'Commandes',
      title: (id) => `Commande n° ${id}`,
      edit: 'Modifier la commande',
      status: 'Statut',
      statuses: { New: 'Nouvelle', Collecting: 'En préparation', Shipped: 'Expédiée', Delivered: 'Livrée', Cancelled: 'Annulée' },
      deliveryDate: 'Date de livraison',
      totalPrice: 'Prix total (€)',
      save: 'Enregistrer',
      saving: 'Enregistrement…',
      products: 'Produits',
      product: (id) => `Produit ${id}`,
      remove: 'Retirer',
      addProduct: 'Ajouter un produit',
      choose: 'Choisir…',
      history: 'Historique',
    },
    columns: {
      id: 'Identifiant',
      lastName: 'Nom',
      firstName: 'Prénom',
      gender: 'Genre',
      born: 'Naissance',
      nationality: 'Nationalité',
      center: 'Centre',
      date: 'Date',
      person: 'Personne',
      type: 'Type',
      minutes: 'Minutes',
      order: 'Commande',
      status: 'Statut',
      total: 'Total',
      delivery: 'Livraison',
      placed: 'Passée le',
    },
    genders: { female: 'Femme', male: 'Homme', other: 'Autre' },
    nothingHere: 'Rien ici.',
    previous: 'Précédent',
    next: 'Suivant',
    rowsPerPage: 'Lignes par page',
    language: 'Langue',
    exportBuilder: "Générateur d'exports",
    savedExports: 'Exports enregistrés',
    tasks: 'Tâches',
    people: 'Personnes',
    activities: 'Activités',
    orders: 'Commandes',
    sync: 'Synchronisation',
    logOut: 'Se déconnecter',
    logIn: 'Se connecter',
    loggingIn: 'Connexion…',
    username: "Nom d'utilisateur",
    password: 'Mot de passe',
    tagline: 'Exports, tâches, listes, historique et synchronisation sur MikroORM 7.',
    demoUsers: "Utilisateurs de démo : alice / alice (exports, historique, synchro), bob / bob (sans rôle d'export), admin / admin.",
    notHereTitle: 'Introuvable',
    notHere: (path) => `Il n'y a pas de page ${path} pour vous.`,
    firstPage: 'Aller à votre première page',
  },
};

const dutch: Language = {
  name: 'Nederlands',
  locale: 'nl-BE',
  messages: { ...dutchMessages, scopesLegend: 'Centra', allScopesHint: 'Niets aangevinkt: al je centra.' },
  texts: {
    order: {
      back: 'Bestellingen',
      title: (id) => `Bestelling nr. ${id}`,
      edit: 'Bestelling wijzigen',
      status: 'Status',
      statuses: { New: 'Nieuw', Collecting: 'In voorbereiding', Shipped: 'Verzonden', Delivered: 'Geleverd', Cancelled: 'Geannuleerd' },
      deliveryDate: 'Leverdatum',
      totalPrice: 'Totaalprijs (€)',
      save: 'Opslaan',
      saving: 'Opslaan…',
      products: 'Producten',
      product: (id) => `Product ${id}`,
      remove: 'Verwijderen',
      addProduct: 'Een product toevoegen',
      choose: 'Kiezen…',
      history: 'Geschiedenis',
    },
    columns: {
      id: 'Id',
      lastName: 'Achternaam',
      firstName: 'Voornaam',
      gender: 'Geslacht',
      born: 'Geboren',
      nationality: 'Nationaliteit',
      center: 'Centrum',
      date: 'Datum',
      person: 'Persoon',
      type: 'Type',
      minutes: 'Minuten',
      order: 'Bestelling',
      status: 'Status',
      total: 'Totaal',
      delivery: 'Levering',
      placed: 'Geplaatst',
    },
    genders: { female: 'Vrouw', male: 'Man', other: 'Anders' },
    nothingHere: 'Niets hier.',
    previous: 'Vorige',
    next: 'Volgende',
    rowsPerPage: 'Rijen per pagina',
    language: 'Taal',
    exportBuilder: 'Exportbouwer',
    savedExports: 'Opgeslagen exports',
    tasks: 'Taken',
    people: 'Personen',
    activities: 'Activiteiten',
    orders: 'Bestellingen',
    sync: 'Synchronisatie',
    logOut: 'Afmelden',
    logIn: 'Aanmelden',
    loggingIn: 'Aanmelden…',
    username: 'Gebruikersnaam',
    password: 'Wachtwoord',
    tagline: 'Exports, taken, lijsten, geschiedenis en synchronisatie op MikroORM 7.',
    demoUsers: 'Demogebruikers: alice / alice (exports, geschiedenis, sync), bob / bob (geen exportrol), admin / admin.',
    notHereTitle: 'Niet hier',
    notHere: (path) => `Er is geen pagina ${path} voor jou.`,
    firstPage: 'Naar je eerste pagina',
  },
};

/** The languages of the demo, as the server's exports speak them (`en`, `fr`, `nl`). */
export const languages = { en: english, fr: french, nl: dutch } as const;
export type LanguageCode = keyof typeof languages;

const storageKey = 'sluice.language';

function isLanguage(code: string | null | undefined): code is LanguageCode {
  return code !== null && code !== undefined && Object.hasOwn(languages, code);
}

/** The user's choice on this browser, else the first of the browser's languages the demo speaks. */
function initialLanguage(): LanguageCode {
  const stored = localStorage.getItem(storageKey);
  if (isLanguage(stored)) return stored;
  const spoken = navigator.languages.map((tag) => tag.slice(0, 2).toLowerCase()).find(isLanguage);
  return spoken ?? 'en';
}

interface LanguageContextValue {
  code: LanguageCode;
  language: Language;
  setLanguage(code: LanguageCode): void;
}

const LanguageContext = createContext<LanguageContextValue | null>(null);

/**
 * The reader's language for the whole app. It is `<html lang>`, which the API client sends as
 * `Accept-Language`, so the server's export titles, sentences and files come in the same language.
 */
export function LanguageProvider({ children }: { children: (language: Language, code: LanguageCode) => ReactNode }) {
  const [code, setCode] = useState<LanguageCode>(initialLanguage);
  document.documentElement.lang = code;
  useEffect(() => localStorage.setItem(storageKey, code), [code]);
  const value = useMemo(() => ({ code, language: languages[code], setLanguage: setCode }), [code]);
  return <LanguageContext value={value}>{children(value.language, code)}</LanguageContext>;
}

/** The current language, its texts, and how to change it. */
export function useLanguage(): LanguageContextValue {
  const value = use(LanguageContext);
  if (!value) throw new Error('useLanguage outside <LanguageProvider>');
  return value;
}

/** The demo's own words in the current language. */
export function useTexts(): WebTexts {
  return useLanguage().language.texts;
}

/** The language of the app and of the server's answers, remembered on this browser. */
export function LanguageMenu() {
  const { code, setLanguage, language } = useLanguage();
  return (
    <label className="language">
      <span className="sluice-visually-hidden">{language.texts.language}</span>
      <select value={code} onChange={(event) => setLanguage(event.target.value as LanguageCode)}>
        {Object.entries(languages).map(([value, { name }]) => (
          <option key={value} value={value} lang={value}>
            {name}
          </option>
        ))}
      </select>
    </label>
  );
}
