"""Entry point for `python -m twilio_assets.sandbox`."""

import sys

from .cli import main

sys.exit(main())
