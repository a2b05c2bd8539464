import { useState } from 'react';
import type { ExportRequestInput } from '../server-types.ts';
import { useSluice } from '../sluice-provider.tsx';
import { cliCommand, curlCommand } from './shell-commands.ts';

/** The request as a curl call and as a CLI command, each with a copy button. */
export function CommandCopy({ request, userId, fileName }: { request: ExportRequestInput; userId: number; fileName: string }) {
  const { client, messages } = useSluice();
  const [copied, setCopied] = useState('');
  const downloadUrl = new URL(client.url('/api/exports/download'), window.location.href).href;
  const commands = { curl: curlCommand(request, downloadUrl), 'sluice export:run': cliCommand(request, userId, fileName) };
  const copy = (name: string, text: string) =>
    void navigator.clipboard?.writeText(text).then(
      () => setCopied(name),
      () => setCopied(''),
    );
  return (
    <details className="sluice-commands">
      <summary>{messages.copyCommands}</summary>
      {Object.entries(commands).map(([name, text]) => (
        <div key={name}>
          <button type="button" className="sluice-button" onClick={() => copy(name, text)}>
            {messages.copyAs({ name })}
          </button>
          {copied === name ? (
            <span className="sluice-muted sluice-small" role="status">
              {' '}
              {messages.copied}
            </span>
          ) : null}
          <pre className="sluice-code">{text}</pre>
        </div>
      ))}
    </details>
  );
}
