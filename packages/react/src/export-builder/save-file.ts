import type { DownloadedFile } from '../sluice-client.ts';

/** Hands a fetched file to the browser's download, under the name the server gave it. */
export function saveFile(file: DownloadedFile): void {
  const url = URL.createObjectURL(file.blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = file.name;
  link.click();
  // Revoked later: some browsers read the blob only after the click's task has finished.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
