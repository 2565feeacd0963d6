"""Writes a changed copy of a JSON TFLite model: mutate.py IN OUT STATEMENT.

STATEMENT is Python run with the model bound to `m`, e.g.
    "m['subgraphs'][0]['operators'][0]['inputs'][1] = 42"
Used by the importer's error tests to derive malformed models.
"""
import json
import sys

source, target, statement = sys.argv[1:]
m = json.load(open(source))
exec(statement, {"m": m})
json.dump(m, open(target, "w"))
