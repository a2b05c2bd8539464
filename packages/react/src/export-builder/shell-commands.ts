/** A shell word in single quotes. */
function quoted(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** The request as a curl call to `downloadUrl` (log in first: the session token goes in the Authorization header). */
export function curlCommand(request: unknown, downloadUrl: string): string {
  return [
    `curl -sS -X POST ${quoted(downloadUrl)}`,
    `  -H "Authorization: Bearer $SLUICE_TOKEN" -H 'Content-Type: application/json'`,
    `  --data ${quoted(JSON.stringify(request))} -OJ`,
  ].join(' \\\n');
}

/** The same request through the CLI, as this user (their roles and scopes apply). */
export function cliCommand(request: unknown, userId: number, fileName: string): string {
  return `echo ${quoted(JSON.stringify(request))} > request.json\nnpx sluice export:run --request request.json --out ${quoted(fileName)} --user ${userId}`;
}
