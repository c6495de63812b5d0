import type { FastifyInstance } from 'fastify';
import { PUBLIC } from './route-config.js';

/**
 * The page an invitation link opens (WotNot's `create-your-account?invitation_key=…`):
 * a plain form that posts to the native API. The web app replaces it in a later issue.
 */
export function registerInvitationPage(app: FastifyInstance): void {
  app.get(
    '/create-your-account',
    { config: { auth: PUBLIC }, schema: { hide: true } },
    (_request, reply) =>
      reply
        .type('text/html; charset=utf-8')
        .header(
          'content-security-policy',
          "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'",
        )
        .send(PAGE),
  );
}

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Join Parley</title>
<style>body{font:16px system-ui,sans-serif;max-width:24rem;margin:4rem auto;padding:0 1rem}label{display:block;margin:1rem 0 .25rem}input{width:100%;padding:.5rem;box-sizing:border-box}button{margin-top:1.5rem;padding:.6rem 1.2rem}#result{margin-top:1rem}</style>
</head><body>
<h1>Join Parley</h1>
<form id="accept">
<label for="first_name">First name</label><input id="first_name" name="first_name" autocomplete="given-name">
<label for="last_name">Last name</label><input id="last_name" name="last_name" autocomplete="family-name">
<label for="password">Choose a password (8 characters or more)</label><input id="password" name="password" type="password" minlength="8" required autocomplete="new-password">
<button type="submit">Create my account</button>
</form>
<p id="result" role="status"></p>
<script>
const key = new URLSearchParams(location.search).get('invitation_key') || '';
document.getElementById('accept').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const body = { invitation_key: key, password: form.get('password') };
  for (const name of ['first_name', 'last_name']) if (form.get(name)) body[name] = form.get(name);
  const response = await fetch('/api/native/invitations/accept', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const result = document.getElementById('result');
  if (response.ok) { result.textContent = 'Your account is ready. You can sign in now.'; event.target.remove(); }
  else { const data = await response.json().catch(() => ({})); result.textContent = (data.error && data.error.message) || 'Something went wrong.'; }
});
</script>
</body></html>`;
