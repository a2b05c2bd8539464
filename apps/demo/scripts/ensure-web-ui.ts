/**
 * Part of `npm start`: builds the web UI when it has not been built yet (`npm install` normally does),
 * so the quick start serves the UI on any checkout.
 */
import { execFileSync } from 'node:child_process';
import { webUiBuilt } from '../src/http/web-ui.ts';

if (!webUiBuilt()) {
  console.log('web UI not built yet: building it (npm run build -w @sluice/web)');
  execFileSync('npm', ['run', 'build', '--workspace', '@sluice/web'], { stdio: 'inherit' });
}
