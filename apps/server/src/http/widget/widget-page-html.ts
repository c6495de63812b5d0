/**
 * The HTML of the preview and demo pages. Keys are checked against /^[A-Za-z0-9]+$/ by the
 * routes before they reach here, so they are safe inside attributes and script strings.
 */

const STYLE = `
  body { font: 15px/1.5 system-ui, sans-serif; margin: 0; color: #111827; background: #f3f4f6; }
  main { max-width: 720px; padding: 24px; }
  h1 { font-size: 20px; margin: 0 0 8px; }
  button { font: inherit; padding: 6px 14px; border-radius: 6px; border: 1px solid #9ca3af; background: #fff; cursor: pointer; }
  section { background: #fff; border-radius: 8px; padding: 12px 16px; margin-top: 16px; }
  h2 { font-size: 15px; margin: 0 0 8px; }
  pre { margin: 0; white-space: pre-wrap; word-break: break-word; font-size: 13px; }
  ol { margin: 0; padding-left: 20px; font: 13px ui-monospace, monospace; }
`;

export function previewPage(previewKey: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Bot preview</title><style>${STYLE}</style></head>
<body><main>
<h1>Preview of the bot's draft</h1>
<p>This runs the flow as it is in the editor now, not the deployed version. Visitors of the live bot are not affected.</p>
<button type="button" id="restart">Restart</button>
<section aria-labelledby="vars-title"><h2 id="vars-title">Variables</h2><pre id="variables" data-testid="debug-variables">{}</pre></section>
<section aria-labelledby="log-title"><h2 id="log-title">Step log</h2><ol id="log" data-testid="debug-log"></ol></section>
</main>
<script>
(function () {
  var key = ${JSON.stringify(previewKey)};
  var storageKey = 'parley:preview:' + key + ':visitor';
  function refresh() {
    var token = localStorage.getItem(storageKey);
    if (!token) return;
    fetch('/widget/api/preview/debug', { headers: { authorization: 'Bearer ' + token } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (debug) {
        if (!debug) return;
        document.getElementById('variables').textContent = JSON.stringify(debug.variables, null, 2);
        var log = document.getElementById('log');
        log.textContent = '';
        debug.log.forEach(function (entry) {
          var item = document.createElement('li');
          item.textContent = entry.node_id + ' (' + entry.type + ') → ' + entry.outcome;
          log.appendChild(item);
        });
      });
  }
  document.getElementById('restart').addEventListener('click', function () {
    if (window.Parley && window.Parley.restart) window.Parley.restart();
  });
  window.addEventListener('parley:message', function () { setTimeout(refresh, 150); });
  setInterval(refresh, 2000);
})();
</script>
<script src="/widget.js" data-preview-key="${previewKey}" async></script>
</body></html>`;
}

export function demoPage(botKey: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Parley widget demo</title><style>${STYLE}</style></head>
<body><main>
<h1>Parley widget demo</h1>
<p>A plain page with the embed tag. Open the chat in the corner to talk to the bot.</p>
<section><h2>Embed it on your site</h2><pre>&lt;script src="https://YOUR-PARLEY-HOST/widget.js" data-bot-key="${botKey}" async&gt;&lt;/script&gt;</pre></section>
</main>
<script src="/widget.js" data-bot-key="${botKey}" async></script>
</body></html>`;
}
