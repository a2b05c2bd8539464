import { SluiceProvider } from '@sluice/react';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@sluice/react/styles.css';
import { App } from './app.tsx';
import { client } from './client.ts';
import { LanguageProvider } from './language.tsx';
import { SessionProvider } from './session.tsx';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
// A new language remounts the screens below, so what they loaded from the server comes again in it.
createRoot(root).render(
  <StrictMode>
    <LanguageProvider>
      {(language, code) => (
        <SluiceProvider key={code} client={client} messages={language.messages} locale={language.locale}>
          <SessionProvider>
            <App />
          </SessionProvider>
        </SluiceProvider>
      )}
    </LanguageProvider>
  </StrictMode>,
);
