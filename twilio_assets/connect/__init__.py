"""`python -m twilio_assets.connect --instance NAME`: Twilio's OAuth 2.0 authorization-code flow, once.

A page on http://127.0.0.1:PORT/ has a Connect button that sends the browser to Twilio's consent page;
Twilio sends it back to /callback with a code, which is exchanged for a refresh token. The token is shown
once on the page (for <prefix>OAUTH_REFRESH_TOKEN) or written to the file given with --store (mode 0600),
and the command exits. It is never printed, logged, or put in an error message.

settings.py  which instance, its OAuth client and Twilio's hosts, from the environment
flow.py      the OAuth exchange: state, the authorize URL, the callback
pages.py     the HTML pages
server.py    the local web server
store.py     writing the token to a file only its owner can read
cli.py       the command line
"""
