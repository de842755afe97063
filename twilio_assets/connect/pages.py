"""The command's HTML pages. Every value is escaped; the token appears on the success page only."""

from __future__ import annotations

import html
import shlex
from collections.abc import Mapping

_STYLE = (
    "body{font-family:sans-serif;max-width:42rem;margin:3rem auto;line-height:1.5}"
    "button{font-size:1.1rem;padding:.6rem 2rem}code,pre{background:#f3f3f3;padding:.1rem .3rem}"
    "pre{padding:.6rem;white-space:pre-wrap}pre,code{word-break:break-all}.error{color:#a00}"
)


def _page(title: str, body: str) -> str:
    return (
        f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"<style>{_STYLE}</style></head><body>\n{body}\n</body></html>\n"
    )


def start(instance: str, client_id: str, authorize_url: str, fields: Mapping[str, str], redirect_uri: str) -> str:
    e = html.escape
    hidden = "\n".join(f'<input type="hidden" name="{e(k)}" value="{e(v)}">' for k, v in fields.items())
    return _page(
        f"Connect {instance} to Twilio",
        f"""<h1>Connect <code>{e(instance)}</code> to Twilio</h1>
<p>Connect sends you to Twilio to sign in and allow the OAuth app <code>{e(client_id)}</code> to read your
account. Twilio then sends you back here, and this page gives you the refresh token the sync uses from then on.</p>
<p>The OAuth app's Redirect URLs must include <code>{e(redirect_uri)}</code>.</p>
<form method="get" action="{e(authorize_url)}">
{hidden}
<button type="submit">Connect</button>
</form>""",
    )


def shown(instance: str, variable: str, token: str, client_variables: str) -> str:
    e = html.escape
    export = f"export {variable}={shlex.quote(token)}"
    return _page(
        "Connected to Twilio",
        f"""<h1>Connected</h1>
<p>Instance <code>{e(instance)}</code> now has a refresh token. Keep it like a password: it is shown on this
page only, this once (the command has stopped, nothing else kept it).</p>
<p>Put it in the environment of the sync, next to {e(client_variables)}:</p>
<pre id="export">{e(export)}</pre>
<p>The token alone: <code id="refresh-token">{e(token)}</code></p>""",
    )


def stored(instance: str, variable: str, path: str) -> str:
    e = html.escape
    return _page(
        "Connected to Twilio",
        f"""<h1>Connected</h1>
<p>Instance <code>{e(instance)}</code> now has a refresh token, written to <code id="store">{e(path)}</code>
(readable by you only) as <code>{e(variable)}</code>. It is not shown here.</p>
<p>Load it into the environment of the sync with <code>set -a; . {e(shlex.quote(path))}; set +a</code>.</p>""",
    )


def failed(problem: str, fix: str, *, retry: bool) -> str:
    e = html.escape
    again = '<p><a href="/">Back to Connect</a></p>' if retry else "<p>The command has stopped.</p>"
    return _page(
        "Not connected",
        f"""<h1 class="error">Not connected</h1>
<p id="problem">{e(problem)}</p>
<p id="fix">{e(fix)}</p>
{again}""",
    )
