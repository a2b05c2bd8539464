import { SluiceProvider } from '@sluice/react';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@sluice/react/styles.css';
import { App } from './app.tsx';
import { client } from './client.ts';
import { SessionProvider } from './session.tsx';
import './styles.css';

/** The demo's scopes are its centers: the builder says so. */
const demoMessages = { scopesLegend: 'Centers', allScopesHint: 'None ticked: all your centers.' };

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <SluiceProvider client={client} messages={demoMessages}>
      <SessionProvider>
        <App />
      </SessionProvider>
    </SluiceProvider>
  </StrictMode>,
);
