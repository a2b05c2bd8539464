import { createContext, type ReactNode, use, useMemo } from 'react';
import { type LocaleFormat, localeFormat } from './locale-format.ts';
import { defaultMessages, type SluiceMessages } from './messages.ts';
import type { SluiceClient } from './sluice-client.ts';

/** What every sluice component reads from its {@link SluiceProvider}. */
export interface SluiceContextValue {
  client: SluiceClient;
  messages: SluiceMessages;
  locale: string;
  format: LocaleFormat;
}

const SluiceContext = createContext<SluiceContextValue | null>(null);

/** Props of {@link SluiceProvider}. */
export interface SluiceProviderProps {
  client: SluiceClient;
  /** Replacements for any of {@link defaultMessages}; the rest stay English. */
  messages?: Partial<SluiceMessages>;
  /** BCP 47 locale for numbers, dates, sizes and durations; default `en-US`, to match the English messages. */
  locale?: string;
  children: ReactNode;
}

/**
 * Gives the sluice components below it their client, texts and locale.
 *
 * @example
 * ```tsx
 * const client = createSluiceClient();
 * root.render(
 *   <SluiceProvider client={client} locale="en-GB" messages={{ preview: 'Show me' }}>
 *     <ExportBuilder user={me} />
 *   </SluiceProvider>,
 * );
 * ```
 */
export function SluiceProvider({ client, messages, locale = 'en-US', children }: SluiceProviderProps) {
  const value = useMemo(() => ({ client, messages: { ...defaultMessages, ...messages }, locale, format: localeFormat(locale) }), [client, messages, locale]);
  return <SluiceContext value={value}>{children}</SluiceContext>;
}

/**
 * The client, messages and formats of the nearest {@link SluiceProvider}, for screens of your own
 * beside the sluice ones.
 *
 * @example
 * ```tsx
 * const { client, messages, format } = useSluice();
 * ```
 */
export function useSluice(): SluiceContextValue {
  const value = use(SluiceContext);
  if (!value) throw new Error('A sluice component was rendered outside <SluiceProvider>.');
  return value;
}
