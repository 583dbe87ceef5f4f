#!/usr/bin/env python3
"""thefuck's first correction for each failed command, given the error text it would read.

   fix-last-thefuck.py --probe        exit 0 when thefuck can be imported, else 1 with why
   fix-last-thefuck.py CASES.json     [{"script", "output"}] -> JSON list of first corrections (or null)

Nothing is run: thefuck's rules are applied to the command line and the output we hand it.
The Debian package keeps its modules in /usr/share/thefuck.
"""
import json
import os
import sys

sys.path.append('/usr/share/thefuck')
try:
    from thefuck.conf import settings
    from thefuck.types import Command
    from thefuck.corrector import get_corrected_commands
except Exception as err:  # noqa: BLE001 - any import failure means: skip
    print(f'thefuck is not installed ({err})', file=sys.stderr)
    sys.exit(1)

if sys.argv[1:] == ['--probe']:
    sys.exit(0)

os.environ.setdefault('THEFUCK_REQUIRE_CONFIRMATION', 'false')
settings.init()
cases = json.load(open(sys.argv[1]))
out = []
for c in cases:
    try:
        first = next(iter(get_corrected_commands(Command(c['script'], c['output']))), None)
        out.append(first.script if first else None)
    except Exception:  # noqa: BLE001 - a rule that crashes gives no answer
        out.append(None)
json.dump(out, sys.stdout)
